package cli

import (
	"context"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/store"
)

// caseJSON is the stable JSON form of a case (README, "Running it"): names are added, never renamed.
type caseJSON struct {
	ID           string            `json:"id"`
	Status       string            `json:"status"`
	Verdict      string            `json:"verdict"`
	Extended     bool              `json:"extended"`
	ReceivedAt   *time.Time        `json:"received_at"`
	ConfirmedAt  *time.Time        `json:"confirmed_at"`
	DueAt        *time.Time        `json:"due_at"`
	ClosedAt     *time.Time        `json:"closed_at"`
	RemedyDueAt  *time.Time        `json:"remedy_due_at"`
	NextDeadline *time.Time        `json:"next_deadline"`
	Language     string            `json:"language"`
	Complainant  personJSON        `json:"complainant"`
	Service      string            `json:"service"`
	Fields       map[string]string `json:"fields"`
	Missing      []string          `json:"missing"`
	Cause        string            `json:"cause,omitempty"`
	Measure      string            `json:"measure,omitempty"`
	// Unverified: the complainant's address was not authenticated when the case was
	// registered: no automatic mail repeats their words to it.
	Unverified bool `json:"unverified"`
}

// fullCaseJSON is a case with its timeline and correspondence (`show --json`): both always
// present, as arrays, even when empty.
type fullCaseJSON struct {
	caseJSON
	Timeline []timelineJSON `json:"timeline"`
	Messages []messageJSON  `json:"messages"`
}

type personJSON struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	Phone string `json:"phone,omitempty"`
}

type timelineJSON struct {
	At   time.Time `json:"at"`
	Kind string    `json:"kind"`
	By   string    `json:"by"`
	Text string    `json:"text"`
}

type messageJSON struct {
	At        time.Time `json:"at"`
	Direction string    `json:"direction"`
	From      string    `json:"from"`
	To        []string  `json:"to"`
	Cc        []string  `json:"cc"`
	Subject   string    `json:"subject"`
	MessageID string    `json:"message_id"`
	Template  string    `json:"template"`
	Kind      string    `json:"kind"`
	Status    string    `json:"status,omitempty"`
	Verified  bool      `json:"verified"`
	// Unverified: an incoming mail whose sender was not authenticated (a forged or unsigned
	// command, a reply claiming the complainant's or the commissaris' address, an unknown
	// sender, the complaint of an unverified case); never set on outgoing mail.
	Unverified bool `json:"unverified"`
}

func tp(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

func viewCase(c complaint.Case) caseJSON {
	fields := map[string]string{}
	for _, f := range complaint.FormFields {
		fields[f] = c.Fields[f]
	}
	missing := c.Missing()
	if missing == nil {
		missing = []string{}
	}
	v := caseJSON{ID: c.ID, Status: string(c.Status), Verdict: string(c.Verdict), Extended: c.Extended,
		ReceivedAt: tp(c.ReceivedAt), ConfirmedAt: tp(c.ConfirmedAt), DueAt: tp(c.DueAt), ClosedAt: tp(c.ClosedAt),
		RemedyDueAt: tp(c.RemedyDueAt), Language: c.Language,
		Complainant: personJSON{Name: c.Name, Email: c.Email, Phone: c.Phone}, Service: c.Service,
		Fields: fields, Missing: missing, Cause: c.Cause, Measure: c.Measure, Unverified: c.Unverified}
	next, _ := c.NextDeadline()
	v.NextDeadline = tp(next)
	return v
}

// fullCase adds the timeline and correspondence.
func fullCase(ctx context.Context, st *store.Store, c complaint.Case) (fullCaseJSON, error) {
	v := fullCaseJSON{caseJSON: viewCase(c)}
	events, err := st.Timeline(ctx, c.ID)
	if err != nil {
		return v, err
	}
	v.Timeline = []timelineJSON{}
	for _, e := range events {
		v.Timeline = append(v.Timeline, timelineJSON{At: e.At, Kind: e.Kind, By: e.By, Text: e.Text})
	}
	msgs, err := st.Messages(ctx, c.ID, false)
	if err != nil {
		return v, err
	}
	v.Messages = []messageJSON{}
	for _, m := range msgs {
		verified := m.Verified
		if m.Direction == "in" && m.Kind == "complaint" && c.Unverified {
			verified = false // a case registered before its complaint's row said so
		}
		v.Messages = append(v.Messages, messageJSON{At: m.At, Direction: m.Direction, From: m.From, To: nonNil(m.To),
			Cc: nonNil(m.Cc), Subject: m.Subject, MessageID: m.MessageID, Template: m.Template, Kind: m.Kind,
			Status: m.Status, Verified: verified, Unverified: m.Direction == "in" && !verified})
	}
	return v, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
