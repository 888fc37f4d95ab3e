package daemon

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/form"
	"github.com/groeimeesters/klachtd/internal/intake"
	"github.com/groeimeesters/klachtd/internal/mailparse"
	"github.com/groeimeesters/klachtd/internal/render"
	"github.com/groeimeesters/klachtd/internal/reply"
	"github.com/groeimeesters/klachtd/internal/staffauth"
	"github.com/groeimeesters/klachtd/internal/store"
	"github.com/groeimeesters/klachtd/internal/triage"
)

// incoming is one fetched message with what was learnt about it before the transaction.
type incoming struct {
	f        *intake.Fetched
	raw      []byte // the whole message, or its header when too large
	msg      *mailparse.Message
	parseErr error
	tri      triage.Result
	auth     staffauth.Verdict // for staff mail
	form     *form.Result      // for new complaints: the klachtformulier, read before the transaction
	textForm *textForm         // the klachtformulier of msg's text alone, read ahead (prepared); nil: not
	skipped  []SkippedDocument // attached documents not read (over a limit)
	now      time.Time
	// formSender is set when the mail comes from one of [complaints] form_senders (the
	// organisation's web form); auth then says whether that is authenticated.
	formSender bool
	// sender says, for a new complaint and for a reply from the complainant or the
	// commissaris, whether the From address is authenticated (see authenticateSender).
	sender staffauth.Verdict
}

// Handle is the intake's handler: it classifies a message and, in one transaction, records it
// and everything it causes. It is idempotent: a message seen before (same IMAP identity, the
// same bytes after a UIDVALIDITY change, or the same mail as its author sent it: mailparse.ContentKey)
// gets its earlier disposition and causes nothing.
// An error is temporary (the database); bad mail is quarantined, never an error: a message
// that makes klachtd panic at once, one that killed it twice without being read again
// (poison.go).
func (d *Daemon) Handle(ctx context.Context, f *intake.Fetched) (intake.Disposition, error) {
	key := store.MessageKey{Mailbox: f.Mailbox, UIDValidity: f.UIDValidity, UID: f.UID}
	p := d.currentPoison()
	s, struck := p.struck(key)
	if struck && poisoned(s) {
		return d.handleStruck(ctx, f, s)
	}
	p.begin(key, d)
	defer p.end(d)
	disp, err := d.handleSafely(ctx, f)
	if struck && err == nil {
		d.forgetStrike(ctx, key)
	}
	return disp, err
}

// newIncoming starts what is learnt about a fetched message: its bytes (for a message that is
// recorded without being read: record makes a view whole first).
func newIncoming(f *intake.Fetched, now time.Time) *incoming {
	in := &incoming{f: f, raw: f.Raw, now: now}
	if f.TooLarge || in.raw == nil {
		in.raw = f.Header
	}
	return in
}

// handle is Handle for one message, without the strike keeping. It reads what triage needs
// first (whole.go) and stops there for ordinary mail.
func (d *Daemon) handle(ctx context.Context, f *intake.Fetched) (intake.Disposition, error) {
	in := &incoming{f: f, raw: readable(f), now: d.clock.Now()}
	faultHook(in.raw)
	if err := d.classify(ctx, in, parseFirst(f)); err != nil {
		return intake.Leave, fmt.Errorf("handle uid %d: %w", f.UID, err)
	}
	if ordinary(in) {
		// Ordinary mail is left exactly as it was, and handling it again would change nothing:
		// there is nothing to record (and nothing of it is kept).
		d.metrics.Handled(string(in.tri.Kind))
		return intake.Leave, nil
	}
	if more, err := d.readWhole(ctx, in); !more || err != nil {
		if err == nil && ordinary(in) {
			d.metrics.Handled(string(in.tri.Kind))
		}
		return intake.Leave, err
	}
	if in.parseErr == nil {
		if in.tri.Role == triage.RoleStaff {
			in.auth = d.authenticate(ctx, in)
		}
		if checksSender(in.tri) {
			in.sender = d.authenticateSender(ctx, in)
		}
		if in.tri.Kind == triage.New && len(in.msg.ReplyTo) > 0 && containsFold(d.cfg.Complaints.FormSenders, in.msg.From.Email) {
			in.formSender = true
			in.auth = d.authenticate(ctx, in)
		}
		var reg *Registration
		switch {
		case in.tri.Kind == triage.New:
			r := mailRegistration(in)
			reg = &r
		case in.tri.Kind == triage.StaffNew && in.auth.OK:
			r := staffRegistration(in.msg)
			reg = &r
		}
		if reg != nil {
			fr, skipped, err := d.extract(ctx, *reg, in.textForm)
			if err != nil {
				return intake.Leave, fmt.Errorf("handle uid %d: %w", f.UID, err)
			}
			in.form, in.skipped = &fr, skipped
		}
	}
	out, err := d.record(ctx, in)
	if err != nil && !store.IsTemporary(err) && ctx.Err() == nil {
		// Not the database being busy but this message that cannot be processed (a bug, a
		// broken template): keep it in quarantine and tell staff, so it cannot hold up the
		// mail behind it.
		d.log.Error("message could not be processed; quarantined", "uid", f.UID, "err", err)
		in.parseErr = fmt.Errorf("could not be processed: %w", err)
		out, err = d.record(ctx, in)
	}
	if err != nil {
		return intake.Leave, fmt.Errorf("handle uid %d: %w", f.UID, err)
	}
	d.log.Debug("message handled", "uid", f.UID, "kind", in.tri.Kind, "recorded", out.kind, "case_id", cmp.Or(out.caseID, in.tri.CaseID))
	return out.disp, nil
}

// record carries out a message in one transaction, unless it was seen before: then its
// outcome is the disposition recorded the first time, counted as a duplicate.
func (d *Daemon) record(ctx context.Context, in *incoming) (outcome, error) {
	f := in.f
	if gone, err := d.keepWhole(ctx, in); gone || err != nil { // never a view archived as the message
		return outcome{}, err
	}
	sum := sha256.Sum256(in.raw) // the bytes kept, once whole: the hash of the incoming record
	hash := hex.EncodeToString(sum[:])
	// Staff mail is not taken for a copy by its content: a staff command seen again is told
	// apart by its command keys, and staff are told of it (a replay, or a resend). For other
	// mail the first copy decides, also when a later copy is authenticated and the first was
	// not (a forwarder that broke the signature): one case, not two; the case is then
	// handled as unverified, which loses nothing but the words in the confirmation.
	content := ""
	if in.tri.Role != triage.RoleStaff {
		content = mailparse.ContentKey(in.raw)
	}
	var out outcome
	err := d.inTx(ctx, func(tx *store.Tx) error {
		prev, seen, err := tx.SeenIncoming(f.Mailbox, f.UIDValidity, f.UID, hash, content)
		if err != nil {
			return err
		}
		if seen {
			// The same mail again: filed as the first copy was, with its own bytes' hash (the
			// retention purge checks each copy by it).
			out = outcome{disp: intake.Disposition(prev.Disposition), kind: kindDuplicate, caseID: prev.CaseID}
			prev.Mailbox, prev.UIDValidity, prev.UID, prev.At = f.Mailbox, f.UIDValidity, f.UID, in.now
			prev.Hash, prev.Content = hash, content
			return tx.RecordIncoming(prev)
		}
		if out, err = d.process(tx, in); err != nil {
			return err
		}
		mid := ""
		if in.msg != nil {
			mid = in.msg.MessageID
		}
		return tx.RecordIncoming(store.Incoming{Mailbox: f.Mailbox, UIDValidity: f.UIDValidity, UID: f.UID,
			MessageID: mid, Hash: hash, Content: content, Disposition: int(out.disp), Kind: out.kind, CaseID: out.caseID, At: in.now})
	})
	if err == nil {
		d.metrics.Handled(out.kind)
	}
	return out, err
}

// process carries out what a message means, inside the transaction.
func (d *Daemon) process(tx *store.Tx, in *incoming) (outcome, error) {
	if in.parseErr != nil {
		return left(string(complaint.MailQuarantine)), d.quarantine(tx, in, in.parseErr.Error())
	}
	switch in.tri.Kind {
	case triage.Own:
		return left(string(in.tri.Kind)), nil
	case triage.Other:
		if in.f.TooLarge && in.msg.Auto == "" {
			// Too large to read whole: it may be a complaint with big attachments. Staff look.
			_, err := d.queue(tx, nil, "", outMail{template: render.KindMelding, to: d.staffAddrs(), audience: audStaff,
				data: noticeData(render.NoticeTooLarge, fmt.Sprintf("IMAP uid %d in %s, %d bytes, from %s: %q",
					in.f.UID, in.f.Mailbox, in.f.Size, in.msg.From.Email, in.msg.Subject))}, in.now)
			return left(kindTooLarge), err
		}
		return left(string(in.tri.Kind)), nil
	case triage.Bounce:
		return d.bounce(tx, in)
	case triage.Reply:
		return d.reply(tx, in)
	case triage.StaffNew:
		return d.staffNew(tx, in)
	case triage.BadRef:
		return d.badReference(tx, in)
	case triage.New:
		id, err := d.registerMail(tx, in)
		return moved(id, string(complaint.MailComplaint)), err
	}
	return left(kindOther), nil
}

func (d *Daemon) rules() triage.Rules {
	return triage.Rules{OwnAddress: d.cfg.Organisation.Address, OwnIDPrefix: ownIDPrefix,
		Staff: d.cfg.Staff.Addresses, Commissaris: d.cfg.Commissaris.Email,
		Keywords: d.cfg.Complaints.Keywords, FormLabelCount: form.CountLabels, OwnText: reply.Strip}
}

// lookup answers triage's questions from the database (outside the write transaction).
// The first database error is kept in err: the message is then handled again later.
type lookup struct {
	ctx context.Context
	st  *store.Store
	err error
}

func (l *lookup) CaseExists(id string) (string, bool) {
	c, _, err := l.st.Case(l.ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return "", false
	}
	if err != nil {
		l.err = cmp.Or(l.err, err)
		return "", false
	}
	return c.Email, true
}

func (l *lookup) ThreadCase(sender string, ids []string) (string, string) {
	id, err := l.st.ThreadCase(l.ctx, sender, ids)
	if err != nil {
		l.err = cmp.Or(l.err, err)
		return "", ""
	}
	if id == "" {
		return "", ""
	}
	email, _ := l.CaseExists(id)
	return id, email
}

// authenticate checks a staff message as configured (DKIM, the organisation's
// Authentication-Results, or nothing).
func (d *Daemon) authenticate(ctx context.Context, in *incoming) staffauth.Verdict {
	domains := d.cfg.Staff.DKIMDomains
	p := staffauth.Policy{Mode: staffauth.Mode(d.cfg.Staff.Authentication), AuthservID: d.cfg.Staff.AuthservID,
		Domains: domains, TrustedReceived: d.cfg.Staff.AuthservHops}
	actx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	return staffauth.Check(actx, in.raw, in.msg.From.Email, p, d.lookup)
}

// quarantine keeps a message klachtd could not read, with the reason, and tells staff.
func (d *Daemon) quarantine(tx *store.Tx, in *incoming, reason string) error {
	if _, err := tx.InsertMessage(store.Message{Direction: "in", At: in.now, Kind: string(complaint.MailQuarantine),
		Reason: reason, Verified: false, Raw: in.raw}); err != nil {
		return err
	}
	d.log.Warn("message quarantined", "uid", in.f.UID, "reason", reason)
	_, err := d.queue(tx, nil, "", outMail{template: render.KindMelding, to: d.staffAddrs(), audience: audStaff,
		data: noticeData("quarantined", fmt.Sprintf("IMAP uid %d in %s: %s", in.f.UID, in.f.Mailbox, reason))}, in.now)
	return err
}

// storeIncoming keeps a message on a case: the archive copy and the text for the timeline.
func (d *Daemon) storeIncoming(tx *store.Tx, caseID string, kind complaint.MailKind, in *incoming, verified bool, reason string) error {
	m := in.msg
	_, err := tx.InsertMessage(store.Message{CaseID: caseID, Direction: "in", At: in.now, Kind: string(kind),
		From: m.From.Email, To: emails(m.To), Cc: emails(m.Cc), Subject: m.Subject, MessageID: m.MessageID,
		Text: m.Text, Verified: verified, Reason: reason, Raw: in.raw})
	return err
}

func emails(list []mailparse.Address) []string {
	out := make([]string, 0, len(list))
	for _, a := range list {
		out = append(out, a.Email)
	}
	return out
}

// threadRoot is the Message-ID a new case's mails thread on: the complaint's own, or one we
// assign when it had none.
func (d *Daemon) threadRoot(caseID string, m *mailparse.Message) string {
	if m != nil && m.MessageID != "" {
		return m.MessageID
	}
	return d.messageID(caseID, "complaint")
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
