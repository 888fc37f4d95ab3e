package daemon

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/config"
	"github.com/groeimeesters/klachtd/internal/mailtest"
	"github.com/groeimeesters/klachtd/internal/store"
)

const (
	janDomain  = "example.nl"
	commDomain = "ivak.nl"
)

// liveCase is a live daemon (Dovecot, SMTP sink, DKIM) with helpers to mail it.
type liveCase struct {
	*live
	imap *imapclient.Client
	keys *dkimKeys
	n    int
}

func newLiveCase(t *testing.T) *liveCase {
	t.Helper()
	keys := newDKIMKeys(t, staffDomain, janDomain, commDomain)
	// As a parsed configuration has it: staff signatures of the staff domain only. A
	// complainant's or the commissaris' signature counts by their own From domain.
	l, imap := startLive(t, time.Date(2026, 11, 26, 10, 0, 0, 0, amsterdam(t)), keys,
		func(c *config.Config) { c.Staff.DKIMDomains = []string{staffDomain} })
	return &liveCase{live: l, imap: imap, keys: keys}
}

// deliver puts a mail in INBOX, signed by domain ("" = unsigned), and waits for want mails.
func (lc *liveCase) deliver(from, subject, body, domain string, want int, extra ...string) []*outMsg {
	lc.t.Helper()
	lc.n++
	raw := rawMail(from, orgAddr, subject, fmt.Sprintf("m%d@%s", lc.n, firstNonEmpty(domain, "forger.example")), lc.clock.Now(), body, extra...)
	if domain != "" {
		raw = lc.keys.sign(lc.t, raw, domain)
	}
	mailtest.AppendTo(lc.t, lc.imap, "INBOX", raw)
	out := lc.next(want)
	lc.quiet()
	if more := len(lc.sink.Messages()) - lc.seen; more > 0 {
		lc.t.Fatalf("%d mails more than the %d expected after %q", more, want, subject)
	}
	return out
}

func (lc *liveCase) caseOf(id string) complaint.Case {
	lc.t.Helper()
	c, _, err := lc.st.Case(context.Background(), id)
	if err != nil {
		lc.t.Fatal(err)
	}
	return c
}

func (lc *liveCase) held(addr string) bool {
	lc.t.Helper()
	var held bool
	if err := lc.st.InTx(context.Background(), func(tx *store.Tx) (err error) { held, err = tx.Held(addr); return err }); err != nil {
		lc.t.Fatal(err)
	}
	return held
}

// events is the case's timeline.
func (lc *liveCase) events(id string) []store.Event { return timeline(lc.t, lc.st, id) }

// TestUnsignedRepliesChangeNothing: on a case waiting for information, with the
// complainant's address held after a bounce, an unsigned reply From the complainant that
// answers the missing form questions, and an unsigned "binding advice" From the commissaris,
// are kept, marked unverified, and staff are told so; no field is filled, the hold stays, the
// case stays info-nodig, no advice is recorded, the commissaris' notice never names it as
// hers, and nothing of either reaches the commissaris in the escalation. The same replies
// signed behave as before.
func TestUnsignedRepliesChangeNothing(t *testing.T) {
	lc := newLiveCase(t)
	const id = "KL-2026-0001"
	jan, comm, staff := "Jan de Vries <"+janAddr+">", "Kathleen Naber <"+commAddr+">", "Milou Meijer <"+staffAddr+">"

	mails := lc.deliver(jan, "Klacht over de training", "Omschrijving van de klacht: de training van 3 november begon een uur te laat.\n", janDomain, 2)
	conf := onlyOne(t, mails, tmplConfirmation)
	if !strings.Contains(conf.Text, "Beste Jan de Vries") || !strings.Contains(conf.Text, "een uur te laat") {
		t.Errorf("a signed complaint's confirmation lacks the complainant's words:\n%s", conf.Text)
	}
	mailtest.AppendTo(t, lc.imap, "INBOX", dsn(strings.Trim(conf.MessageID, "<>"), janAddr, conf.Subject, "5.1.1", lc.clock.Now()))
	lc.next(1)
	lc.deliver(staff, "RE: ["+id+"] Bevestiging [info-nodig]", "Wanneer was de training precies?\n", staffDomain, 1, "In-Reply-To: "+conf.MessageID)
	if c := lc.caseOf(id); c.Status != complaint.StatusInfoNodig || !lc.held(janAddr) {
		t.Fatalf("set-up: status %s, held %v; want info-nodig and held", c.Status, lc.held(janAddr))
	}

	forged := "Datum van de klacht: 1 januari 2020\nGevolgen voor u: FORGED-GEVOLGEN\nDienst: online cursus\nFORGED-TEXT-7\n"
	tests := []struct {
		name, from, body, marker string
	}{
		{"complainant", jan, forged, "FORGED-TEXT-7"},
		{"commissaris", comm, "Bindend advies: de klacht is gegrond; FORGED-ADVICE-9. Groeimeesters betaalt 5000 euro.\n", "FORGED-ADVICE-9"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := len(lc.events(id))
			mails := lc.deliver(tc.from, "Re: ["+id+"] Bevestiging van uw klacht", tc.body, "", 1)
			n := onlyOne(t, mails, "melding")
			if !strings.Contains(n.Subject, "niet geverifieerd") || !strings.Contains(n.Text, "niet geverifieerd") {
				t.Errorf("staff are not told the reply is not verified: %s\n%s", n.Subject, n.Text)
			}
			if strings.Contains(n.Subject, "klachtencommissaris") || strings.Contains(n.Subject, "Reactie van de klager") {
				t.Errorf("the notice presents the reply as theirs: %s", n.Subject)
			}
			if !strings.Contains(n.Text, tc.marker) {
				t.Errorf("staff do not get the whole text:\n%s", n.Text)
			}
			c := lc.caseOf(id)
			for _, f := range []string{complaint.FieldDatum, complaint.FieldGevolgen, complaint.FieldDienst} {
				if c.Fields[f] != "" {
					t.Errorf("field %s filled with %q", f, c.Fields[f])
				}
			}
			if c.Service != "" || c.Status != complaint.StatusInfoNodig || c.Advice != "" || !lc.held(janAddr) {
				t.Errorf("case changed: service %q status %s advice %q held %v", c.Service, c.Status, c.Advice, lc.held(janAddr))
			}
			for _, e := range lc.events(id)[before:] {
				if e.Kind != "mail-unverified" {
					t.Errorf("timeline event %s (%q), want only mail-unverified", e.Kind, e.Text)
				}
			}
			msgs, err := lc.st.Messages(context.Background(), id, false)
			if err != nil {
				t.Fatal(err)
			}
			var last store.Message
			for _, m := range msgs {
				if m.Direction == "in" {
					last = m
				}
			}
			if last.Verified || last.Kind != "reply-unverified" || !strings.Contains(last.Reason, "not authenticated") || !strings.Contains(last.Text, tc.marker) {
				t.Errorf("kept as %s verified %v reason %q", last.Kind, last.Verified, last.Reason)
			}
		})
	}

	// Signed, the same people are taken at their word.
	mails = lc.deliver(jan, "Re: ["+id+"] Bevestiging van uw klacht", "Datum van de klacht: 3 november 2026\n", janDomain, 1)
	if n := onlyOne(t, mails, "melding"); !strings.Contains(n.Subject, "Reactie van de klager") {
		t.Errorf("signed complainant reply: notice %q", n.Subject)
	}
	if c := lc.caseOf(id); c.Fields[complaint.FieldDatum] != "3 november 2026" || c.Status != complaint.StatusInBehandeling || lc.held(janAddr) {
		t.Errorf("signed complainant reply: datum %q status %s held %v", c.Fields[complaint.FieldDatum], c.Status, lc.held(janAddr))
	}
	mails = lc.deliver(comm, "Re: ["+id+"] Uw klacht", "Ik neem contact op met beide partijen.\n", commDomain, 1)
	if n := onlyOne(t, mails, "melding"); !strings.Contains(n.Subject, "Reactie van de klachtencommissaris") {
		t.Errorf("signed commissaris reply: notice %q", n.Subject)
	}

	// The escalation: nothing forged reaches the commissaris.
	mails = lc.deliver(staff, "RE: ["+id+"] Uw klacht [escalatie]", "Wij leggen de klacht voor aan de klachtencommissaris.\n", staffDomain, 2, "In-Reply-To: "+conf.MessageID)
	esc := onlyOne(t, mails, "escalatie")
	if !strings.Contains(esc.Text, "een uur te laat") {
		t.Errorf("escalation lacks the complaint's own summary:\n%s", esc.Text)
	}
	for _, bad := range []string{"FORGED", "online cursus", "5000 euro", "1 januari 2020"} {
		if strings.Contains(esc.Text, bad) || strings.Contains(esc.HTML, bad) {
			t.Errorf("escalation to %v carries the forged %q:\n%s", esc.To, bad, esc.Text)
		}
	}
}

// TestForgeriesDoNotSilenceTheComplainant: three unsigned complaints in a complainant's name
// (with +tags and capitals, one address all the same) get the confirmations auto_reply_limit
// allows, without their words; a fourth gets none; then the complainant's own signed
// complaint is confirmed, with their words.
func TestForgeriesDoNotSilenceTheComplainant(t *testing.T) {
	lc := newLiveCase(t)
	forgedFrom := []string{"jan.devries+1@example.nl", "Jan.DeVries+2@example.nl", "JAN.DEVRIES@example.nl", "jan.devries+3@example.nl"}
	for i, from := range forgedFrom {
		want := 2 // confirmation and staff notice
		if i == 3 {
			want = 1 // the limit is reached: staff notice only
		}
		mails := lc.deliver("Jan de Vries <"+from+">", "Klacht", fmt.Sprintf("Ik heb een klacht. Zie https://evil.example/%d\n", i), "", want)
		if i < 3 {
			c := onlyOne(t, mails, tmplConfirmation)
			if strings.Contains(c.Text, "evil.example") || strings.Contains(c.Text, "Jan de Vries") {
				t.Errorf("forged complaint %d: the confirmation repeats the sender's words:\n%s", i, c.Text)
			}
		}
	}
	mails := lc.deliver("Jan de Vries <"+janAddr+">", "Klacht", "Ik heb een klacht: de training begon een uur te laat.\n", janDomain, 2)
	c := onlyOne(t, mails, tmplConfirmation)
	if !strings.Contains(c.Text, "Beste Jan de Vries") || !strings.Contains(c.Text, "een uur te laat") {
		t.Errorf("the complainant's own confirmation lacks their words:\n%s", c.Text)
	}
	id := "KL-2026-0005"
	if got := lc.waitCase(id, "bevestigd", status(complaint.StatusBevestigd)); got.Unverified {
		t.Errorf("%s: the signed complaint is marked unverified", id)
	}
}
