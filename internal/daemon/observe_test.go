package daemon

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/intake"
	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// TestObserver: with Options.Observe set, the intake's handler reports each message after
// its commit, with what it was taken for and what it caused, and the sender's queue each mail
// the server accepted, with its recipients; without an observer nothing is wrapped.
func TestObserver(t *testing.T) {
	cfg := testConfig(t, "", "", "", 0)
	clock := mailtest.NewClock(time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC))
	d, _ := newTestDaemon(t, cfg, clock, nil)
	var mu sync.Mutex
	var seen []Observation
	d.observer = func(o Observation) { mu.Lock(); seen = append(seen, o); mu.Unlock() }
	handle, queue := d.handler(), d.senderQueue()
	uid := uint32(0)
	feed := func(raw []byte) {
		uid++
		if _, err := handle(context.Background(), &intake.Fetched{Mailbox: "INBOX", UIDValidity: 1, UID: uid, Raw: raw,
			Header: headerOf(raw), Size: int64(len(raw))}); err != nil {
			t.Fatal(err)
		}
	}
	send := func() {
		for {
			row, err := queue.Claim(context.Background(), clock.Now(), time.Minute)
			if err != nil || row == nil {
				return
			}
			if err := queue.Sent(context.Background(), row.ID, clock.Now()); err != nil {
				t.Fatal(err)
			}
		}
	}
	feed(rawMail("Jan <"+janAddr+">", orgAddr, "Vraag over de factuur", "o-1@example.nl", clock.Now(), "Wanneer komt de factuur?\n"))
	feed(rawMail("Jan <"+janAddr+">", orgAddr, "Klacht", "o-2@example.nl", clock.Now(), "Ik heb een klacht over de training.\n"))
	send()
	clock.Set(clock.Now().Add(time.Hour))
	var id string
	for _, o := range seen {
		if o.Kind == "complaint" {
			id = o.CaseID
		}
	}
	feed(staffMail(id, "[in-behandeling]", "o-3@intervisie-begeleiding.nl", clock.Now(), "Wij kijken ernaar.\n"))
	feed(staffMail(id, "[verlenging morgen-ooit]", "o-4@intervisie-begeleiding.nl", clock.Now(), "Later.\n"))
	send()

	var got []string
	for _, o := range seen {
		line := o.What + " " + o.Kind
		if o.What == ObservedMailOut {
			line += " → " + strings.Join(o.To, ",")
		}
		for _, e := range o.Events {
			line += " [" + e.Kind + "]"
		}
		got = append(got, line)
	}
	want := []string{
		"mail-in ",                              // ordinary mail, left as it was
		"mail-in complaint [registered]",        // registered
		"mail-out bevestiging → " + janAddr,     // its confirmation
		"mail-out melding-nieuw → " + staffAddr, // and the notice to staff
		"mail-in reply-staff [status]",          // a command carried out
		"mail-in reply-staff [command-error]",   // one refused
		"mail-out status → " + janAddr,          // what the command sent
		"mail-out commando-ok → " + staffAddr,   // and its confirmation to staff
		"mail-out commando-fout → " + staffAddr, // the refusal's reply
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("no observation %q among:\n%s", w, strings.Join(got, "\n"))
		}
	}
	if id == "" || seen[1].CaseID != id {
		t.Errorf("the complaint's observation names case %q", seen[1].CaseID)
	}

	d.observer = nil
	if _, ok := d.senderQueue().(queueAdapter); !ok {
		t.Errorf("without an observer the sender's queue is wrapped")
	}
}
