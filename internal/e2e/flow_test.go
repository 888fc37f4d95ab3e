package e2e

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// settle is how long a test waits to see that nothing more happens.
const settle = 4 * time.Second

func TestComplaintToConfirmation(t *testing.T) {
	e := newEnv(t, options{})
	p := e.startFresh()

	ordinary := ordinaryMail("gewoon-1")
	e.dv.Append(t, "INBOX", ordinary)
	c := newComplaint("flow", 1)
	e.dv.Append(t, "INBOX", c.raw())

	msgs, ok := waitSink(t, e.sink, 20*time.Second, func(m []mailtest.Received) bool {
		n := countTo(m)
		return n[c.Email] >= 1 && n[staffAddress] >= 1
	})
	if !ok {
		t.Fatalf("no confirmation and staff notice within 20s; sink holds %d messages", len(msgs))
	}
	all := parseSent(t, msgs)
	confs := to(all, c.Email)
	if len(confs) != 1 {
		t.Fatalf("%d mails to the complainant, want 1", len(confs))
	}
	conf := confs[0]
	subject := decodedSubject(t, conf.Header)
	m := subjectRef.FindStringSubmatch(subject)
	if m == nil {
		t.Fatalf("confirmation subject %q does not start with [KL-YYYY-NNNN]", subject)
	}
	ref := m[1]
	if want := "KL-" + time.Now().Format("2006") + "-"; !strings.HasPrefix(ref, want) {
		t.Errorf("case number %s, want the year's prefix %s", ref, want)
	}
	if got := conf.Header.Get("In-Reply-To"); got != c.MessageID {
		t.Errorf("In-Reply-To = %q, want the complaint's Message-ID %q", got, c.MessageID)
	}
	if got := conf.Header.Get("References"); !strings.Contains(got, c.MessageID) {
		t.Errorf("References = %q, want it to hold %q", got, c.MessageID)
	}
	if got := conf.Header.Get("Auto-Submitted"); got == "" || got == "no" {
		t.Errorf("Auto-Submitted = %q, want auto-replied or auto-generated", got)
	}
	if got := conf.Header.Get("Message-Id"); got == "" || got == c.MessageID {
		t.Errorf("confirmation Message-ID = %q, want its own", got)
	}
	if conf.From != orgAddress {
		t.Errorf("envelope sender %q, want %s", conf.From, orgAddress)
	}
	if !strings.Contains(string(conf.Raw), ref) {
		t.Errorf("confirmation body does not mention %s", ref)
	}
	staff := to(all, staffAddress)
	if len(staff) != 1 || !strings.Contains(decodedSubject(t, staff[0].Header), ref) {
		t.Errorf("staff notices %d, want 1 about %s", len(staff), ref)
	}

	cs := e.waitCases(15*time.Second, "case bevestigd", func(cs []caseView) bool {
		return len(cs) == 1 && cs[0].Status == "bevestigd"
	})
	got := cs[0]
	if got.ID != ref {
		t.Errorf("case id %s, want %s from the subject", got.ID, ref)
	}
	if got.Complainant.Email != c.Email || got.Complainant.Name != c.Name {
		t.Errorf("complainant %+v, want %s <%s>", got.Complainant, c.Name, c.Email)
	}
	if got.ReceivedAt == nil || got.ConfirmedAt == nil || got.DueAt == nil {
		t.Errorf("received_at %v confirmed_at %v due_at %v: want all set", got.ReceivedAt, got.ConfirmedAt, got.DueAt)
	} else if d := got.DueAt.Sub(*got.ReceivedAt); d < 27*24*time.Hour || d > 29*24*time.Hour {
		t.Errorf("due %s after receipt, want 4 weeks", d)
	}
	if got.Fields["naam"] != c.Name || !strings.Contains(got.Fields["omschrijving"], "niet voorbereid") {
		t.Errorf("fields naam %q omschrijving %q: want the name and the complaint text", got.Fields["naam"], got.Fields["omschrijving"])
	}

	// The complaint moves to Klachten; the ordinary mail stays in INBOX exactly as it was.
	waitMailbox(t, e.dv, "Klachten", 10*time.Second, func(ms []mailtest.MailboxMessage) bool { return hasRaw(ms, c.raw()) != nil })
	checkInbox(t, e.dv, [][]byte{ordinary})

	// A restart processes nothing twice.
	p.stop(t)
	before := len(e.sink.Messages())
	p = e.startDaemon()
	p.waitLog(t, "klachtd running", 10*time.Second)
	time.Sleep(settle)
	if n := len(e.sink.Messages()); n != before {
		t.Errorf("after a restart the sink holds %d messages, want still %d", n, before)
	}
	if cs := e.cases(); len(cs) != 1 {
		t.Errorf("after a restart %d cases, want 1", len(cs))
	}

	// A new UIDVALIDITY (with a copy of the complaint back in INBOX) creates no duplicate.
	p.stop(t)
	e.dv.Append(t, "INBOX", c.raw())
	e.dv.ResetUIDValidity(t, "INBOX")
	p = e.startDaemon()
	p.waitLog(t, "uidvalidity changed", 15*time.Second)
	waitMailbox(t, e.dv, "Klachten", 15*time.Second, func(ms []mailtest.MailboxMessage) bool { return len(ms) == 2 })
	time.Sleep(settle)
	if n := len(e.sink.Messages()); n != before {
		t.Errorf("after a UIDVALIDITY change the sink holds %d messages, want still %d", n, before)
	}
	if cs := e.cases(); len(cs) != 1 || cs[0].ID != ref {
		t.Errorf("after a UIDVALIDITY change cases %+v, want only %s", cs, ref)
	}
	checkInbox(t, e.dv, [][]byte{ordinary})
	if !p.running() {
		t.Errorf("klachtd exited: %v", p.err)
	}
}

// checkInbox asserts that INBOX holds exactly these messages, none with a flag.
func checkInbox(t *testing.T, dv *mailtest.Dovecot, want [][]byte) {
	t.Helper()
	ms := dv.List(t, "INBOX")
	var got [][]byte
	for _, m := range ms {
		got = append(got, m.Raw)
		if len(m.Flags) != 0 {
			t.Errorf("INBOX uid %d has flags %v, want none (klachtd must not touch other mail)", m.UID, m.Flags)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("INBOX (-want +got):\n%s", diff)
	}
}

func hasRaw(ms []mailtest.MailboxMessage, raw []byte) *mailtest.MailboxMessage {
	for i := range ms {
		if bytes.Equal(ms[i].Raw, raw) {
			return &ms[i]
		}
	}
	return nil
}

func waitMailbox(t *testing.T, dv *mailtest.Dovecot, mailbox string, timeout time.Duration, ok func([]mailtest.MailboxMessage) bool) []mailtest.MailboxMessage {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ms := dv.List(t, mailbox)
		if ok(ms) {
			return ms
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not as expected after %s: %d messages", mailbox, timeout, len(ms))
		}
		time.Sleep(200 * time.Millisecond)
	}
}
