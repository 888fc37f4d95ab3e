package daemon

import (
	"context"

	"github.com/groeimeesters/klachtd/internal/intake"
	"github.com/groeimeesters/klachtd/internal/store"
)

// mailboxPurges hands the intake the store's queue of mail whose copies on the IMAP server go
// with a purged case (the purge after retention.keep removes the mailbox copies too), and
// records where the intake filed each handled message, which is what that queue names: the
// purge removes exactly the messages klachtd filed for the case, never another mail that
// shares a Message-ID.
type mailboxPurges struct{ d *Daemon }

func (p mailboxPurges) Pending(ctx context.Context, limit int) ([]intake.Purge, error) {
	rows, err := p.d.st.PendingMailboxPurges(ctx, limit)
	if err != nil {
		return nil, err
	}
	out := make([]intake.Purge, len(rows))
	for i, r := range rows {
		out[i] = intake.Purge{ID: r.ID, Folder: r.Folder, UIDValidity: r.UIDValidity, UID: r.UID,
			MessageID: r.MessageID, Hash: r.Hash, Attempts: r.Attempts}
	}
	return out, nil
}

func (p mailboxPurges) Done(ctx context.Context, id int64, found int) error {
	return p.d.st.MailboxPurgeDone(ctx, id, found, p.d.clock.Now())
}

// Filed records where the intake filed handled messages (after it moved or flagged them).
func (p mailboxPurges) Filed(ctx context.Context, filings []intake.Filing) error {
	out := make([]store.Filing, len(filings))
	for i, f := range filings {
		out[i] = store.Filing{Mailbox: f.Mailbox, UIDValidity: f.UIDValidity, UID: f.UID,
			Folder: f.Folder, FolderUIDValidity: f.FolderUIDValidity, FolderUID: f.FolderUID}
	}
	return p.d.st.RecordFiled(ctx, out)
}
