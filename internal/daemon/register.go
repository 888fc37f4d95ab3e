package daemon

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/form"
	"github.com/groeimeesters/klachtd/internal/mailparse"
	"github.com/groeimeesters/klachtd/internal/render"
	"github.com/groeimeesters/klachtd/internal/reply"
	"github.com/groeimeesters/klachtd/internal/store"
	"github.com/groeimeesters/klachtd/internal/wording"
)

// Registration is a complaint to register: from a mail, a staff forward, or `klachtd new`.
type Registration struct {
	Name, Email, Phone string
	Text, HTML         string
	Attachments        []mailparse.Attachment
	Language           string    // "nl", "en" or "" (the configured language)
	ReceivedAt         time.Time // zero: now
	Via                string    // "mail", "staff", "cli"
	By                 string    // the staff member, for staff registrations
	Fields             complaint.Fields
	TooLarge           bool
	// Auto marks the confirmation as an automatic answer to the complainant's own mail, which
	// auto_reply_limit limits.
	Auto bool
	// Form is the klachtformulier read beforehand (outside the transaction, see extract), and
	// Skipped the attached documents that were not read; nil Form: read it now, from the text
	// alone.
	Form    *form.Result
	Skipped []SkippedDocument
	// Unverified is set when the complainant's address is not authenticated (senders.go):
	// no automatic mail repeats their words to it. UnverifiedWhy says why, for staff.
	Unverified    bool
	UnverifiedWhy string
}

// registerMail registers a complaint that arrived by mail.
func (d *Daemon) registerMail(tx *store.Tx, in *incoming) (string, error) {
	r := mailRegistration(in)
	r.Form, r.Skipped = in.form, in.skipped
	return d.register(tx, r, in.msg, in.raw, in.now)
}

func mailRegistration(in *incoming) Registration {
	m := in.msg
	r := Registration{Name: m.From.Name, Email: m.From.Email, Text: m.Text, HTML: m.HTML,
		Attachments: m.Attachments, Language: m.Language, Via: "mail", TooLarge: in.f.TooLarge, Auto: true,
		// Received when it reached the mailbox, not when klachtd read it: after downtime the
		// 48-hour and 4-week promises still run from the arrival.
		ReceivedAt: in.f.InternalDate}
	// Reply-To is followed only for the organisation's own web form, authenticated: otherwise
	// anyone could have the confirmation, with their text in it, sent to a stranger.
	if len(m.ReplyTo) > 0 && m.ReplyTo[0].Email != "" && in.formSender && in.auth.OK {
		r.Email = m.ReplyTo[0].Email
		r.Name = firstNonEmpty(m.ReplyTo[0].Name, r.Name)
		// Whoever filled in the form typed that address: nothing proves it is theirs.
		r.Unverified, r.UnverifiedWhy = true, "the address was typed into the web form"
		return r
	}
	r.Unverified, r.UnverifiedWhy = !in.sender.OK, in.sender.Reason
	return r
}

// staffNew registers a complaint a staff member forwarded with [nieuw], for the original
// sender, or a phone or in-person complaint from Naam: / E-mail: lines.
func (d *Daemon) staffNew(tx *store.Tx, in *incoming) (outcome, error) {
	if !in.auth.OK {
		if _, err := tx.InsertMessage(store.Message{Direction: "in", At: in.now, Kind: string(complaint.MailForgedCommand),
			From: in.msg.From.Email, Subject: in.msg.Subject, MessageID: in.msg.MessageID, Verified: false,
			Reason: in.auth.Reason, Raw: in.raw}); err != nil {
			return outcome{}, err
		}
		_, err := d.queue(tx, nil, "", outMail{template: render.KindMelding, to: d.staffAddrs(), audience: audStaff,
			data: forgedNotice(in.auth, in.msg.From.Email+": [nieuw]: "+in.auth.Reason)}, in.now)
		return left(string(complaint.MailForgedCommand)), err
	}
	keys := registrationKeys(in)
	prev, again, err := tx.AppliedCommand(keys...)
	if err != nil {
		return outcome{}, err
	}
	if again {
		return d.staffNewAgain(tx, in, prev)
	}
	r := staffRegistration(in.msg)
	r.By = in.msg.From.Email
	r.ReceivedAt = in.f.InternalDate // the forward's arrival
	r.Form, r.Skipped = in.form, in.skipped
	id, err := d.register(tx, r, in.msg, in.raw, in.now)
	if err != nil {
		return outcome{}, err
	}
	return moved(id, kindStaffNew), tx.AddCommandKeys(id, in.now, keys...)
}

// staffRegistration reads who the complaint is from: the outermost forwarded mail, for its
// sender as the forward shows it (see outermostForward), or the staff member's notes. Its
// terms start when the forward arrived, set by the caller (ReceivedAt): a forwarded Date:
// is the sender's to choose, and one of 27 days ago would bring an extension notice at once.
func staffRegistration(m *mailparse.Message) Registration {
	r := Registration{Via: "staff", Language: m.Language}
	if f, ok := outermostForward(m); ok {
		r.Name, r.Email, r.Text, r.HTML, r.Attachments = f.Name, f.Email, f.Text, f.HTML, f.Attachments
		if f.Language != "" {
			r.Language = f.Language
		}
		return r
	}
	r.Text = reply.Strip(m.Text)
	return r
}

// register creates a case with its correspondence, the confirmation to the complainant, the
// notice to staff, and its timers, in the caller's transaction.
func (d *Daemon) register(tx *store.Tx, r Registration, m *mailparse.Message, raw []byte, now time.Time) (string, error) {
	loc := d.cfg.Organisation.Location
	received := r.ReceivedAt
	// The promises run from the arrival, also after an outage. Only a mail whose whole term
	// has already passed when it is registered (an old mail forwarded with [nieuw], a long
	// backfill) starts its terms now: a confirmation must never promise a date in the past.
	late := !received.IsZero() && !received.Add(d.cfg.Deadlines.HandleWithin).After(now)
	if received.IsZero() || received.After(now) || late {
		received = now
	}
	// The case number's year is the year the complaint arrived in, as its terms and the
	// half-yearly analysis count it: a complaint of 31 December read after New Year is one of
	// the old year.
	id, err := tx.NextCaseID(received.In(loc).Year())
	if err != nil {
		return "", err
	}
	var fr form.Result
	if r.Form != nil {
		fr = *r.Form
	} else {
		fr = form.Extract(r.Text, r.HTML, nil, r.Name, d.cfg.Complaints.Services)
	}
	c := complaint.NewCase(id, received, d.terms)
	c.Fields = fr.Fields
	if c.Fields == nil {
		c.Fields = complaint.Fields{}
	}
	for k, v := range r.Fields {
		if strings.TrimSpace(v) != "" {
			c.Fields[k] = v
		}
	}
	c.Name = cleanName(firstNonEmpty(c.Fields[complaint.FieldNaam], r.Name))
	c.Email = strings.ToLower(firstNonEmpty(r.Email, fr.Email))
	c.Phone = firstNonEmpty(r.Phone, fr.Phone)
	if svc, ok := form.MatchService(c.Fields[complaint.FieldDienst], d.cfg.Complaints.Services); ok {
		c.Service = svc
		c.Fields[complaint.FieldDienst] = svc
	}
	c.Language = r.Language
	c.Unverified = r.Unverified
	if c.Language != "nl" && c.Language != "en" {
		c.Language = d.cfg.Organisation.Language
	}
	root := d.threadRoot(id, m)
	if err := tx.InsertCase(c, root, now); err != nil {
		return "", err
	}
	if m != nil {
		why := "" // the complaint's mail is kept marked as its sender was found
		if r.Unverified {
			why = r.UnverifiedWhy
		}
		if _, err := tx.InsertMessage(store.Message{CaseID: id, Direction: "in", At: now, Kind: string(complaint.MailComplaint),
			From: m.From.Email, To: emails(m.To), Cc: emails(m.Cc), Subject: m.Subject, MessageID: m.MessageID,
			Text: m.Text, Verified: !r.Unverified, Reason: why, Raw: raw}); err != nil {
			return "", err
		}
	}
	how := map[string]string{"mail": d.say(wording.ViaMail), "staff": d.say(wording.ViaStaff),
		"cli": d.say(wording.ViaCLI)}[r.Via]
	if err := tx.AddEvent(id, store.Event{At: now, Kind: string(complaint.EventRegistered), By: r.By, Text: how}); err != nil {
		return "", err
	}
	if late {
		if err := tx.AddEvent(id, store.Event{At: now, Kind: string(complaint.EventRegistered), By: r.By,
			Text: d.say(wording.SentLate, complaint.FormatDateTime(r.ReceivedAt, d.cfg.Organisation.Language, d.cfg.Organisation.Location))}); err != nil {
			return "", err
		}
	}
	notes, err := d.confirm(tx, &c, root, r, now)
	if err != nil {
		return "", err
	}
	skipNotes, err := d.noteSkipped(tx, id, r.Skipped, now)
	if err != nil {
		return "", err
	}
	notes = append(notes, skipNotes...)
	if r.TooLarge {
		notes = append(notes, d.say(wording.TooLargeNote, d.cfg.IMAP.MaxSize))
	}
	// Staff get the complainant's whole text as written, after the fields read from it: no
	// word of a complaint is left to the raw mail alone. During a flood the notice waits for
	// the flood's summary (flood.go).
	held, err := d.holdNewCaseNotice(tx, &c, r.Via, notes, now)
	if err != nil {
		return "", err
	}
	if !held {
		if _, err := d.queue(tx, &c, root, outMail{template: render.KindMeldingNieuw, to: d.staffAddrs(), audience: audStaff,
			data: render.Data{Detail: strings.Join(notes, "\n"), Body: firstNonEmpty(fr.Text, r.Text)}}, now); err != nil {
			return "", err
		}
	}
	d.log.Info("complaint registered", "case_id", id, "via", r.Via)
	return id, d.setTimers(tx, c)
}

// confirm queues the confirmation, unless the complainant has no address or has had
// auto_reply_limit automatic answers today (counted apart for authenticated and
// unauthenticated mail); an answer to mail takes its turn under max_new_per_hour. It returns
// notes for staff.
func (d *Daemon) confirm(tx *store.Tx, c *complaint.Case, root string, r Registration, now time.Time) ([]string, error) {
	lang := d.cfg.Organisation.Language
	if c.Email == "" {
		note := wording.NoAddress.In(lang)
		if r.Via != "mail" {
			// Staff took the complaint in person or by phone: that conversation is the confirmation.
			*c = complaint.Confirmed(*c, now)
			if err := tx.UpdateCase(*c, now); err != nil {
				return nil, err
			}
			note = wording.ConfirmedInPerson.In(lang, firstNonEmpty(r.By, wording.AStaffMember.In(lang)))
		}
		return []string{note}, tx.AddEvent(c.ID, store.Event{At: now, Kind: string(complaint.EventNoConfirmation), Text: note})
	}
	var notes []string
	if c.Unverified {
		notes = append(notes, wording.UnverifiedNote.In(lang, orDash(r.UnverifiedWhy)))
	}
	conf := d.confirmation(c)
	if r.Auto {
		conf.auto = "auto-replied"
		n, err := tx.CountAutoReplies(c.Email, !c.Unverified, now.Add(-24*time.Hour))
		if err != nil {
			return nil, err
		}
		if n >= d.cfg.Deadlines.AutoReplyLimit {
			note := wording.AutoReplyLimit.In(lang, c.Email, n)
			return append(notes, note), tx.AddEvent(c.ID, store.Event{At: now, Kind: string(complaint.EventNoConfirmation), Text: note})
		}
		turn, note, err := d.takeTurn(tx, c, now)
		if err != nil {
			return nil, err
		}
		conf.turn = turn
		if note != "" {
			notes = append(notes, note)
		}
	}
	sent, err := d.queue(tx, c, root, conf, now)
	if err != nil {
		return nil, err
	}
	if len(sent) == 0 {
		return append(notes, wording.NoConfirmationHeld.In(lang)), nil
	}
	if r.Auto {
		return notes, tx.RecordAutoReply(c.Email, !c.Unverified, now)
	}
	return notes, nil
}

// cleanName makes a name fit for a mail header's display name: one line, single spaces, no
// control characters (a tab pasted from a table would make every mail to the complainant
// fail), at most 100 characters.
func cleanName(s string) string {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
	if r := []rune(s); len(r) > 100 {
		s = string(r[:100])
	}
	return s
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if strings.TrimSpace(x) != "" {
			return strings.TrimSpace(x)
		}
	}
	return ""
}

// Register registers a complaint given on the command line (`klachtd new`).
func (d *Daemon) Register(ctx context.Context, r Registration, raw []byte) (string, error) {
	var m *mailparse.Message
	if raw != nil {
		pm, err := mailparse.Parse(raw)
		if err != nil {
			return "", fmt.Errorf("read the mail: %w", err)
		}
		m = pm
		if r.Email == "" {
			r.Email, r.Name = pm.From.Email, firstNonEmpty(r.Name, pm.From.Name)
		}
		if r.Text == "" {
			r.Text, r.HTML, r.Attachments = pm.Text, pm.HTML, pm.Attachments
		}
		if r.Language == "" {
			r.Language = pm.Language
		}
	}
	if r.Form == nil {
		fr, skipped, err := d.extract(ctx, r, nil)
		if err != nil {
			return "", err
		}
		r.Form, r.Skipped = &fr, skipped
	}
	var id string
	err := d.inTx(ctx, func(tx *store.Tx) error {
		var err error
		id, err = d.register(tx, r, m, raw, d.clock.Now())
		return err
	})
	return id, err
}

// registrationKeys are the replay keys of a [nieuw]: those of the command itself (over the
// staff member's own text) and, when the forwarded mail is an attached original, its
// Message-ID: the same mail forwarded again is the same complaint. (A message attached to an
// inline forward is nested in the forwarded mail, not the complaint itself.)
func registrationKeys(in *incoming) []string {
	keys := commandKeys(in, reply.Strip(in.msg.Text))
	if f, ok := outermostForward(in.msg); ok && f.Attached != nil && f.Attached.MessageID != "" {
		keys = append(keys, "forward:"+hashParts(strings.ToLower(f.Attached.MessageID)))
	}
	return keys
}

// staffNewAgain refuses a [nieuw] of a mail registered before: the sender is told which case
// it became, that case's timeline notes the copy, and no second case is made.
func (d *Daemon) staffNewAgain(tx *store.Tx, in *incoming, prev string) (outcome, error) {
	by, lang := in.msg.From.Email, d.cfg.Organisation.Language
	if prev == "" {
		line := wording.RegisteredPurged.In(lang)
		_, err := d.queue(tx, nil, "", outMail{template: render.KindCommandoFout, to: addrs([]string{by}), audience: audStaff,
			data: render.Data{Errors: []string{line}}}, in.now)
		return left(kindDuplicateCommand), err
	}
	c, root, err := tx.Case(prev)
	if err != nil {
		return outcome{}, err
	}
	if err := tx.AddEvent(prev, store.Event{At: in.now, Kind: string(complaint.EventDuplicateCommand), By: by,
		Text: d.say(wording.NieuwAgainEvent, in.msg.MessageID)}); err != nil {
		return outcome{}, err
	}
	line := wording.RegisteredBefore.In(lang, prev)
	_, err = d.queue(tx, &c, root, outMail{template: render.KindCommandoFout, to: addrs([]string{by}), audience: audStaff,
		data: render.Data{Errors: []string{line}}}, in.now)
	return moved(prev, kindDuplicateCommand), err
}
