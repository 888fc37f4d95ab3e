package daemon

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/groeimeesters/klachtd/internal/clean"
	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/mailparse"
	"github.com/groeimeesters/klachtd/internal/render"
	"github.com/groeimeesters/klachtd/internal/store"
	"github.com/groeimeesters/klachtd/internal/wording"
)

// Audiences of outgoing mail.
const (
	audComplainant = "complainant"
	audStaff       = "staff"
	audCommissaris = "commissaris"
)

// outMail is a mail to queue: its template, who it goes to, and what the template needs beyond
// the case.
type outMail struct {
	template render.Kind
	to, cc   []mailparse.Address
	audience string
	lang     string
	data     render.Data
	// auto is "auto-replied" when the mail answers an incoming mail of the recipient (then
	// auto_reply_limit applies), else "auto-generated".
	auto        string
	attachments []store.OutAttachment
	// turn is, for a confirmation under complaints.max_new_per_hour, the moment it may go out.
	turn time.Time
}

// messageID makes a stable, unique Message-ID for a mail about a case; the prefix tells our
// own mail apart when it comes back.
func (d *Daemon) messageID(caseID, template string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	local := ownIDPrefix + strings.ToLower(caseID)
	if caseID == "" {
		local = ownIDPrefix + "org"
	}
	return fmt.Sprintf("%s.%s.%s@%s", local, template, hex.EncodeToString(b[:]), d.domain)
}

const ownIDPrefix = "klachtd."

// queue renders a mail and writes it to the outbox in the caller's transaction. For the
// complainant it respects a bounce hold. It returns who the mail goes to (To and Cc), none
// when it was not queued.
func (d *Daemon) queue(tx *store.Tx, c *complaint.Case, threadRoot string, m outMail, now time.Time) ([]mailparse.Address, error) {
	if len(m.to) == 0 {
		return nil, nil
	}
	if m.audience == audComplainant {
		// An address that bounced is left out until staff say so ([adres-ok]); the others of
		// the mail (the commissaris and staff in Cc) still get it.
		var kept []mailparse.Address
		for _, a := range m.to {
			held, err := tx.Held(strings.ToLower(a.Email))
			if err != nil {
				return nil, err
			}
			if !held {
				kept = append(kept, a)
			}
		}
		if len(kept) < len(m.to) && c != nil {
			if err := tx.AddEvent(c.ID, store.Event{At: now, Kind: string(complaint.EventMailHeld), Text: d.say(wording.MailHeld, render.Capital(render.Describe(string(m.template), d.cfg.Organisation.Language)))}); err != nil {
				return nil, err
			}
		}
		if len(kept) == 0 {
			if len(m.cc) == 0 {
				return nil, nil
			}
			kept, m.cc = m.cc, nil
		}
		m.to = kept
	}
	if m.audience == audComplainant && c != nil && m.template != render.KindBevestiging {
		// Another mail to the complainant (staff write): a confirmation still waiting its
		// turn goes first.
		if err := d.releaseWaiting(tx, c, threadRoot, now); err != nil {
			return nil, err
		}
	}
	out, err := d.compose(c, threadRoot, m, now)
	if err != nil {
		return nil, err
	}
	if _, err := tx.QueueMail(out); err != nil {
		return nil, err
	}
	if err := d.recordAsked(tx, c, string(m.template), out.MessageID); err != nil {
		return nil, err
	}
	d.mu.Lock()
	d.queued = true
	d.mu.Unlock()
	return append(append([]mailparse.Address{}, m.to...), m.cc...), nil
}

// compose renders a mail about a case (c may be nil) as the outbox keeps it.
func (d *Daemon) compose(c *complaint.Case, threadRoot string, m outMail, now time.Time) (store.OutMail, error) {
	lang := m.lang
	if lang == "" {
		lang = d.cfg.Organisation.Language
	}
	data := m.data
	if m.audience == audComplainant && c != nil && c.Unverified {
		d.withholdWords(&data, c, lang, m)
	}
	d.fillCommon(&data, c, lang, now)
	r, err := d.renderer()
	if err != nil {
		return store.OutMail{}, err
	}
	rendered, err := r.Render(string(m.template), lang, data)
	if err != nil {
		return store.OutMail{}, fmt.Errorf("render %s: %w", m.template, err)
	}
	caseID, subject := "", rendered.Subject
	var inReplyTo string
	var refs []string
	if c != nil {
		caseID = c.ID
		subject = "[" + c.ID + "] " + subject
		if threadRoot != "" {
			inReplyTo, refs = threadRoot, []string{threadRoot}
		}
	}
	auto := m.auto
	if auto == "" {
		auto = "auto-generated"
	}
	out := store.OutMail{
		CaseID: caseID, Template: string(m.template), Audience: m.audience,
		From: mailparse.Address{Name: clean.Line(d.cfg.Organisation.Name), Email: d.cfg.Organisation.Address},
		To:   displayNames(m.to), Cc: displayNames(m.cc), Subject: subject, Text: rendered.Text, HTML: rendered.HTML,
		MessageID: d.messageID(caseID, string(m.template)), InReplyTo: inReplyTo, References: refs,
		Date: now, AutoSubmitted: auto, Attachments: m.attachments, Turn: m.turn, Priority: priorityOf(m.template),
	}
	return out, nil
}

// priorityOf is a mail's place among the mail due at once (a backlog): the confirmation a
// complainant is promised within seconds, and an alarm, go before notices and the rest.
func priorityOf(k render.Kind) int {
	switch k {
	case render.KindBevestiging, render.KindStoring:
		return store.PriorityFirst
	}
	return store.PriorityNormal
}

// displayNames are the addresses with names a mail client may show: without control
// characters or bidi overrides (a complainant's name comes from their own mail or form).
func displayNames(list []mailparse.Address) []mailparse.Address {
	out := make([]mailparse.Address, len(list))
	for i, a := range list {
		out[i] = mailparse.Address{Name: strings.Join(strings.Fields(clean.Line(a.Name)), " "), Email: a.Email}
	}
	return out
}

// staffAddrs are the addresses that receive notices.
func (d *Daemon) staffAddrs() []mailparse.Address {
	list := d.cfg.Staff.Notify
	if len(list) == 0 {
		list = d.cfg.Staff.Addresses
	}
	return addrs(list)
}

func addrs(list []string) []mailparse.Address {
	out := make([]mailparse.Address, 0, len(list))
	for _, a := range list {
		out = append(out, mailparse.Address{Email: a})
	}
	return out
}

// complainantAddr is the case's complainant as a recipient, or nil without an address. An
// unauthenticated complainant is not addressed by the name they gave (it is their words).
func complainantAddr(c *complaint.Case) []mailparse.Address {
	if c == nil || c.Email == "" {
		return nil
	}
	if c.Unverified {
		return []mailparse.Address{{Email: c.Email}}
	}
	return []mailparse.Address{{Name: c.Name, Email: c.Email}}
}

func (d *Daemon) commissarisAddr() []mailparse.Address {
	if d.cfg.Commissaris.Email == "" {
		return nil
	}
	return []mailparse.Address{{Name: d.cfg.Commissaris.Name, Email: d.cfg.Commissaris.Email}}
}

// resolve turns the recipients of a transition into addresses.
func (d *Daemon) resolve(c *complaint.Case, rs []complaint.Recipient) []mailparse.Address {
	var out []mailparse.Address
	for _, r := range rs {
		switch r {
		case complaint.ToComplainant:
			out = append(out, complainantAddr(c)...)
		case complaint.ToStaff:
			out = append(out, d.staffAddrs()...)
		case complaint.ToCommissaris:
			out = append(out, d.commissarisAddr()...)
		}
	}
	return out
}

// fillCommon sets what every template may use: the organisation, the commissaris, the terms
// and the case in the mail's language.
func (d *Daemon) fillCommon(data *render.Data, c *complaint.Case, lang string, now time.Time) {
	o := d.cfg.Organisation
	data.Org = render.Org{Name: o.Name, Address: o.Address, Phone: o.Phone, Officer: o.Officer}
	data.Commissaris = render.Person{Name: d.cfg.Commissaris.Name, Email: d.cfg.Commissaris.Email}
	dl := d.cfg.Deadlines
	if dl.HandleWithin%(7*24*time.Hour) == 0 {
		data.HandleWeeks = int(dl.HandleWithin / (7 * 24 * time.Hour))
	}
	data.ConfirmHours = int(dl.ConfirmWithin / time.Hour)
	data.KeepYears = int(d.cfg.Retention.Keep / (365 * 24 * time.Hour))
	if c != nil && data.Case.ID == "" {
		data.Case = d.caseView(c, lang)
	}
}

func noticeData(notice, detail string) render.Data {
	return render.Data{Notice: notice, Detail: detail}
}
