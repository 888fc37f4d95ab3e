package intake

import (
	"context"

	"github.com/emersion/go-imap/v2"
)

// Filing is where the intake put one handled message: the folder it is in now, that
// folder's UIDVALIDITY and the message's UID there. The retention purge deletes exactly that
// message later, never another one that shares its Message-ID.
//
// After a flag the message stays where it was handed over (Folder is Mailbox, same UID).
// After a move the server says where the message went (COPYUID, RFC 4315, with UIDPLUS or
// IMAP4rev2; go-imap returns it from MOVE and COPY); a server without UIDPLUS does not, and
// FolderUID is then 0: the purge finds the message in Folder by its Message-ID and checks
// that its bytes are the ones handed over (Purge.Hash).
type Filing struct {
	Mailbox     string // where the handler got it (Fetched.Mailbox, .UIDValidity, .UID)
	UIDValidity uint32
	UID         uint32

	Folder            string
	FolderUIDValidity uint32 // 0: the server did not say
	FolderUID         uint32 // 0: the server did not say
}

// Filer records where handled messages were filed. The intake calls it after it moved or
// flagged them and before the checkpoint passes them. An error is logged and not retried:
// the message is filed already, and a filing that was never recorded (also after a crash
// between the move and the record) is found at purge time by Message-ID and content in the
// processed folder.
type Filer interface {
	Filed(ctx context.Context, filings []Filing) error
}

// SetFiler gives the intake where to report what it filed; call it before Run. Without it
// nothing is reported.
func (in *Intake) SetFiler(f Filer) { in.filer = f }

// recordFiled reports filings to the Filer, if any; its error is logged.
func (in *Intake) recordFiled(ctx context.Context, filings []Filing) {
	if in.filer == nil || len(filings) == 0 {
		return
	}
	if err := in.filer.Filed(ctx, filings); err != nil {
		in.count(func(st *Stats) { st.Errors++ })
		in.log.Warn("cannot record where handled messages were filed; the purge will look for them",
			"count", len(filings), "err", err)
	}
}

// flagged is the filing of messages flagged in place.
func (in *Intake) flagged(uids []uint32) []Filing {
	out := make([]Filing, 0, len(uids))
	for _, u := range uids {
		out = append(out, Filing{Mailbox: in.cfg.Mailbox, UIDValidity: in.state.uidValidity, UID: u,
			Folder: in.cfg.Mailbox, FolderUIDValidity: in.state.uidValidity, FolderUID: u})
	}
	return out
}

// moved is the filing of messages moved (or copied) to folder, with the UIDs the server
// gave them when its COPYUID answer names them all, one to one.
func (in *Intake) moved(uids []uint32, folder string, uidValidity uint32, src, dst imap.UIDSet) []Filing {
	dest := map[uint32]uint32{}
	s, okS := src.Nums()
	d, okD := dst.Nums()
	if uidValidity != 0 && okS && okD && len(s) == len(d) {
		for i := range s {
			dest[uint32(s[i])] = uint32(d[i])
		}
	} else {
		uidValidity = 0
	}
	out := make([]Filing, 0, len(uids))
	for _, u := range uids {
		out = append(out, Filing{Mailbox: in.cfg.Mailbox, UIDValidity: in.state.uidValidity, UID: u,
			Folder: folder, FolderUIDValidity: uidValidity, FolderUID: dest[u]})
	}
	return out
}

// uidSetOf turns the NumSet of a MOVE answer into a UIDSet (nil when it is not one).
func uidSetOf(n imap.NumSet) imap.UIDSet {
	if s, ok := n.(imap.UIDSet); ok {
		return s
	}
	return nil
}
