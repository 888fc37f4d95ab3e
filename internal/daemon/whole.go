package daemon

import (
	"context"
	"errors"
	"fmt"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/form"
	"github.com/groeimeesters/klachtd/internal/intake"
	"github.com/groeimeesters/klachtd/internal/mailparse"
	"github.com/groeimeesters/klachtd/internal/triage"
)

// What Handle reads first is what triage needs (headers and text, as the README says): the whole message
// for small mail, the intake's view of larger mail (its header and text parts, no attachments:
// intake.Fetched.Partial), the header of mail too large to fetch. Most mail is ordinary and
// stops there. Only mail that becomes a case or joins one, and mail that cannot be read, is
// made whole (fetched now when it was partial, parsed and classified again from its own bytes)
// and gets what only such mail needs: the hash of its bytes for the incoming record (record), its
// language, the authentication of a staff command, the archive copy.

// readable is what Handle reads of a fetched message first.
func readable(f *intake.Fetched) []byte {
	switch {
	case f.Raw != nil:
		return f.Raw
	case f.Partial != nil && !f.TooLarge:
		return f.Partial
	}
	return f.Header
}

// parsed is a message as parse read it, with what prepareAhead worked out of it besides.
type parsed struct {
	msg *mailparse.Message
	err error
	// ahead is triage's work on msg alone (triage.Prepare), when prepareAhead did it.
	ahead triage.Ahead
	// textForm is the klachtformulier read from msg's text alone, when prepareAhead read it:
	// for a message whose text makes it a complaint and that has no document to read.
	textForm *textForm
}

// textForm is form.Extract of a text and an HTML body without documents, with name as the
// fallback name: extract takes it instead of reading the form again when its inputs are these.
type textForm struct {
	text, html, name string
	res              form.Result
}

// prepared is what prepareAhead works out of f besides the parse: triage's share that needs
// no look-up, and for a message that is likely a new complaint without documents to read, its
// form. The handler would do the same work itself; ahead, it is done on the other core.
func (d *Daemon) prepared(f *intake.Fetched) parsed {
	p := parse(f)
	if p.err != nil {
		return p
	}
	p.ahead = triage.Prepare(p.msg, d.rules())
	if m := p.msg; p.ahead.Complaint() && mayBeNew(m) && !hasDocument(m) {
		p.textForm = &textForm{text: m.Text, html: m.HTML, name: m.From.Name,
			res: form.Extract(m.Text, m.HTML, nil, m.From.Name, d.cfg.Complaints.Services)}
	}
	return p
}

// mayBeNew reports whether m can be a new complaint whatever the database holds: nothing in
// it ties it to a case (a reference in the subject, threading fields), and it is no
// automatic mail or bounce.
func mayBeNew(m *mailparse.Message) bool {
	return len(m.InReplyTo) == 0 && len(m.References) == 0 && m.Auto == "" && m.Bounce == nil &&
		len(complaint.FindRefs(m.Subject)) == 0
}

// hasDocument reports whether m has an attachment that form extraction would read.
func hasDocument(m *mailparse.Message) bool {
	for _, a := range m.Attachments {
		if a.Data != nil && documentKind(a) != "" {
			return true
		}
	}
	return false
}

// parse parses what Handle reads of f first (readable). The intake runs it ahead of the
// handler (prepareAhead): it reads nothing but f.
func parse(f *intake.Fetched) parsed {
	return parseRaw(readable(f), f)
}

// parseRaw parses raw, what was read of f.
func parseRaw(raw []byte, f *intake.Fetched) parsed {
	opt := mailparse.Options{KeepData: formDocument, NoLanguage: true}
	if isPartial(f) {
		opt.WholeSize = int(f.Size)
	}
	parseFaultHook(raw)
	msg, err := mailparse.ParseWith(raw, opt)
	return parsed{msg: msg, err: err}
}

// parseFirst is parse(f), done by the intake ahead of the handler when it could (prepareAhead).
func parseFirst(f *intake.Fetched) parsed {
	if f.Prepared != nil {
		if p, ok := f.Prepared().(parsed); ok {
			return p
		}
	}
	return parse(f)
}

// classify tells what kind of mail the message is, as parsed. The error is a database look-up
// that failed: not knowing whether a case exists could turn a reply into a second case, so
// the message is handled again later.
func (d *Daemon) classify(ctx context.Context, in *incoming, p parsed) error {
	in.msg, in.parseErr = p.msg, p.err
	in.tri, in.textForm = triage.Result{}, nil
	if in.parseErr != nil {
		return nil
	}
	in.textForm = p.textForm
	lk := &lookup{ctx: ctx, st: d.st}
	in.tri = triage.ClassifyAhead(in.msg, d.rules(), lk, p.ahead)
	if lk.err != nil {
		return fmt.Errorf("look up cases: %w", lk.err)
	}
	return nil
}

// ordinary is mail that klachtd leaves exactly as it was and does not record.
func ordinary(in *incoming) bool {
	return in.parseErr == nil && (in.tri.Kind == triage.Own || in.tri.Kind == triage.Other && !in.f.TooLarge)
}

// isPartial reports that what the intake fetched of f (in.raw) is a view of it, not the message.
func isPartial(f *intake.Fetched) bool {
	return f.Raw == nil && f.Partial != nil && !f.TooLarge
}

// readWhole makes a message that is to be recorded whole: fetched, parsed and classified again
// when what was read was a view (the message's own bytes have the last word), then its
// language told. more is false when there is nothing more to do: the whole message turned
// out ordinary, or it was expunged from the mailbox meanwhile (left alone: it is not there).
func (d *Daemon) readWhole(ctx context.Context, in *incoming) (more bool, err error) {
	if isPartial(in.f) {
		gone, err := d.keepWhole(ctx, in)
		if gone || err != nil {
			return false, err
		}
		if err := d.classify(ctx, in, parseRaw(in.raw, in.f)); err != nil {
			return false, fmt.Errorf("handle uid %d: %w", in.f.UID, err)
		}
		if ordinary(in) {
			d.log.Debug("message ordinary once read whole", "uid", in.f.UID)
			return false, nil
		}
	}
	if in.msg != nil {
		detectLanguages(in.msg)
	}
	return true, nil
}

// keepWhole fetches the whole message when only a view of it was read, for what is kept of it:
// its bytes, which record hashes. Every path that records a message comes through here
// (record), also those that quarantine it without reading it. gone reports a message expunged from the
// mailbox meanwhile: there is nothing to keep.
func (d *Daemon) keepWhole(ctx context.Context, in *incoming) (gone bool, err error) {
	if !isPartial(in.f) {
		return false, nil
	}
	raw, err := in.f.Whole(ctx)
	if errors.Is(err, intake.ErrGone) {
		d.log.Info("message gone from the mailbox before it was read whole; left", "uid", in.f.UID)
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("handle uid %d: %w", in.f.UID, err)
	}
	in.raw = raw
	return false, nil
}

// detectLanguages fills Language of a message and of the messages it forwards, as a parse
// without Options.NoLanguage does.
func detectLanguages(m *mailparse.Message) {
	m.Language = mailparse.DetectLanguage(m.Text)
	for _, f := range m.Forwarded {
		detectLanguages(f)
	}
}

// wantsWhole is the intake's WholeHint: a larger message whose header alone makes it mail
// that is recorded (triage says so without its text: a keyword in the subject, a case
// reference or a reply to one, a staff registration) is fetched whole at once instead of
// described first. Triage on the text can only add to what the header says, except for
// automatic and bounce reports, which are recorded or left after the whole is read. A header
// that cannot be read is taken as a yes (the mail is quarantined whole).
func (d *Daemon) wantsWhole(ctx context.Context, header []byte) bool {
	m, err := mailparse.ParseWith(header, mailparse.Options{NoLanguage: true})
	if err != nil {
		return true
	}
	lk := &lookup{ctx: ctx, st: d.st}
	tri := triage.Classify(m, d.rules(), lk)
	return lk.err == nil && tri.Kind != triage.Own && tri.Kind != triage.Other
}
