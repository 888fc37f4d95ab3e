package daemon

import (
	"context"

	"github.com/groeimeesters/klachtd/internal/intake"
)

// mailboxPurges hands the intake the store's queue of mail whose copies on the IMAP server go
// with a purged case (SPEC 1, "Archivering": the purge removes the mailbox copies too).
type mailboxPurges struct{ d *Daemon }

func (p mailboxPurges) Pending(ctx context.Context, limit int) ([]intake.Purge, error) {
	rows, err := p.d.st.PendingMailboxPurges(ctx, limit)
	if err != nil {
		return nil, err
	}
	out := make([]intake.Purge, len(rows))
	for i, r := range rows {
		out[i] = intake.Purge{ID: r.ID, MessageID: r.MessageID, Attempts: r.Attempts}
	}
	return out, nil
}

func (p mailboxPurges) Done(ctx context.Context, id int64, found int) error {
	return p.d.st.MailboxPurgeDone(ctx, id, found, p.d.clock.Now())
}
