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
)

// startLive runs a daemon for real against a Dovecot and the SMTP sink, with DKIM checked
// against keys (staff.authentication = "dkim") and a clock that runs from base.
func startLive(t *testing.T, base time.Time, keys *dkimKeys, tweak func(*config.Config)) (*live, *imapclient.Client) {
	t.Helper()
	dv := mailtest.StartDovecot(t)
	sink := mailtest.StartSMTPSink(t)
	cfg := testConfig(t, dv.Addr(), dv.User, dv.Password, sink.Port())
	cfg.Staff.Authentication = config.AuthenticationDKIM
	if tweak != nil {
		tweak(cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("test configuration: %v", err)
	}
	clock := mailtest.NewRunningClock(base)
	d, st := newTestDaemon(t, cfg, clock, keys.lookup)
	runDaemon(t, d)
	c := dv.Client(t)
	t.Cleanup(func() { _ = c.Close() })
	return &live{t: t, d: d, st: st, sink: sink, clock: clock}, c
}

// all returns every mail the sink accepted so far, as recipients read them.
func (l *live) all() []*outMsg {
	l.t.Helper()
	l.seen = 0
	return l.next(len(l.sink.Messages()))
}

// quiet waits until nothing is due in the outbox at the clock's time and every mail handed
// to the sink is recorded as sent: until the next moment of the clock, no more mail goes out.
func (l *live) quiet() {
	l.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		next, ok, err := l.st.NextDue(context.Background())
		if err != nil {
			l.t.Fatal(err)
		}
		sent, err := l.st.Outbox(context.Background(), "sent")
		if err != nil {
			l.t.Fatal(err)
		}
		if (!ok || next.After(l.clock.Now())) && len(sent) == len(l.sink.Messages()) {
			return
		}
		if time.Now().After(deadline) {
			l.t.Fatalf("outbox not quiet: next due %s (clock %s), %d sent, %d at the sink", next, l.clock.Now(), len(sent), len(l.sink.Messages()))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// nudgeTimers wakes the timer loop, which sleeps on the real clock.
func (l *live) nudgeTimers() {
	select {
	case l.d.wake <- struct{}{}:
	default:
	}
}

// jump moves the clock on and nudges the sender, which sleeps on the real clock.
func (l *live) jump(to time.Time) {
	l.clock.Set(to)
	l.d.sender.Wake()
}

// waitCases waits until n cases are registered.
func (l *live) waitCases(n int) []complaint.Case {
	l.t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		cases, err := l.st.Cases(context.Background(), "")
		if err != nil {
			l.t.Fatal(err)
		}
		if len(cases) >= n {
			return cases
		}
		if time.Now().After(deadline) {
			l.t.Fatalf("%d cases registered, want %d", len(cases), n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// outside returns the mails that went to an address that is not staff's.
func outside(mails []*outMsg) []*outMsg {
	var out []*outMsg
	for _, m := range mails {
		for _, a := range append(append([]string{}, m.To...), m.Cc...) {
			if a != staffAddr {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

// TestFloodOfForgedComplaints: an auto-responder rotating its forged From address sends 100
// complaints within a minute, each with a link. Every case is registered and kept in full,
// and staff get every word of it, but no mail to an outside address carries a link, a name or a word of
// the senders; no more than max_new_per_hour confirmations go out in any hour, the rest wait
// their turn and go out later, each exactly once. Staff are told of the flood once: a flood
// notice, their notices of the complaints while it lasts left for one summary when it is over
// (every complaint listed in it once), fewer than max_new_per_hour+2 mails to staff in the
// flood's first hour.
func TestFloodOfForgedComplaints(t *testing.T) {
	const n, perHour = 100, 30
	loc := amsterdam(t)
	base := time.Date(2026, 11, 26, 10, 0, 0, 0, loc)
	l, imap := startLive(t, base, newDKIMKeys(t), func(c *config.Config) { c.Complaints.MaxNewPerHour = perHour })
	words := func(i int) []string {
		return []string{fmt.Sprintf("spam%d.example", i), fmt.Sprintf("FLOODWORD%03d", i), fmt.Sprintf("Spamname%03d", i)}
	}
	// What must not reach an outside address: the links, the text, the names (the address
	// itself, and the Message-ID the confirmation threads on, hold the domain).
	leaks := func(i int) []string {
		w := words(i)
		return []string{w[0] + "/", w[1], w[2], "Win at", "https://", "Geachte heer", "aanbieding"}
	}
	for i := range n {
		w := words(i)
		from := fmt.Sprintf("%s Win at %s <flood%03d@%s>", w[2], w[0], i, w[0])
		body := fmt.Sprintf("Geachte heer, mevrouw,\n\nIk heb een klacht: %s. Kijk op https://%s/offer?id=%d voor de aanbieding.\n\nOmschrijving van de klacht: %s op https://%s/x\n\nMet vriendelijke groet,\n%s\n",
			w[1], w[0], i, w[1], w[0], w[2])
		mailtest.AppendTo(t, imap, "INBOX", rawMail(from, orgAddr, "Klacht", fmt.Sprintf("flood-%03d@%s", i, w[0]), l.clock.Now(), body))
	}
	if el := l.clock.Now().Sub(base); el > time.Minute {
		t.Logf("delivering the flood took %s", el)
	}
	cases := l.waitCases(n)
	if len(cases) != n {
		t.Fatalf("%d cases, want %d", len(cases), n)
	}

	// Hour by hour: perHour confirmations more, and no more.
	for stage := 0; ; stage++ {
		want := min(n, perHour*(stage+1))
		deadline := time.Now().Add(60 * time.Second)
		for len(withTemplate(l.all(), tmplConfirmation)) < want && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		l.quiet()
		got := withTemplate(l.all(), tmplConfirmation)
		if len(got) != want {
			t.Fatalf("hour %d: %d confirmations sent in all, want %d", stage+1, len(got), want)
		}
		if want == n {
			break
		}
		// Each next hour (and five minutes, past the turns of the hour before).
		l.jump(base.Add(time.Duration(stage+1) * (time.Hour + 5*time.Minute)))
	}

	// The flood is over an hour after the last waiting confirmation's turn: staff get one
	// summary of the complaints whose notices waited for it.
	sentSoFar := len(l.sink.Messages())
	l.jump(base.Add(5 * time.Hour))
	l.nudgeTimers()
	l.sink.WaitFor(t, sentSoFar+1, 30*time.Second)
	l.quiet()

	mails := l.all()
	conf := withTemplate(mails, tmplConfirmation)
	ids, confirmed := map[string]bool{}, map[string]int{}
	for _, m := range conf {
		id := strings.TrimPrefix(strings.SplitN(m.Subject, "]", 2)[0], "[")
		confirmed[id]++
		ids[m.MessageID] = true
		if got := m.Header.Get("To"); strings.Contains(got, "Spamname") || strings.Contains(got, "Win") {
			t.Errorf("%s: To %q carries the sender's display name", id, got)
		}
	}
	for _, c := range cases {
		if confirmed[c.ID] != 1 {
			t.Errorf("%s: %d confirmations, want 1", c.ID, confirmed[c.ID])
		}
	}
	if len(ids) != n {
		t.Errorf("%d distinct confirmation Message-IDs, want %d", len(ids), n)
	}
	// At most perHour in any hour, by the Date they carry.
	for _, m := range conf {
		at, _ := m.Header.Date()
		inHour := 0
		for _, o := range conf {
			if ot, _ := o.Header.Date(); !ot.After(at) && ot.After(at.Add(-time.Hour)) {
				inHour++
			}
		}
		if inHour > perHour {
			t.Fatalf("%d confirmations dated in the hour up to %s, want at most %d", inHour, at, perHour)
		}
	}
	for _, m := range outside(mails) {
		for i := range n {
			for _, w := range leaks(i) {
				if strings.Contains(m.Text, w) || strings.Contains(m.HTML, w) || strings.Contains(string(m.Raw), w) {
					t.Fatalf("%s to %v carries the senders' words %q:\n%s", m.Template, m.To, w, m.Text)
				}
			}
		}
	}
	// Staff are told once: one flood notice, one summary, and a notice of its own only for
	// each complaint that came before the flood began; each complaint reaches staff once.
	var flood, summaries []*outMsg
	for _, m := range to(mails, staffAddr) {
		switch {
		case m.Template == "melding" && strings.Contains(m.Subject, "Veel nieuwe klachten tegelijk"):
			flood = append(flood, m)
		case m.Template == "melding" && strings.Contains(m.Subject, "Overzicht na de golf van nieuwe klachten"):
			summaries = append(summaries, m)
		}
	}
	if len(flood) != 1 || len(summaries) != 1 {
		t.Fatalf("%d flood notices and %d summaries to staff, want 1 and 1", len(flood), len(summaries))
	}
	if !strings.Contains(flood[0].Text, "één overzicht") {
		t.Errorf("the flood notice does not say the notices wait for one summary:\n%s", flood[0].Text)
	}
	summary := summaries[0]
	summaryText := strings.ReplaceAll(summary.Text, "\r\n", "\n")
	notices := withTemplate(mails, "melding-nieuw")
	told := map[string]int{}
	for _, m := range notices {
		told[strings.TrimPrefix(strings.SplitN(m.Subject, "]", 2)[0], "[")]++
	}
	listed := 0
	for _, c := range cases {
		inSummary := strings.Count(summaryText, "klachtd show "+c.ID+"\n")
		if inSummary > 0 {
			listed++
			if !strings.Contains(summaryText, c.ID+"  "+c.Email+"\n") || !strings.Contains(summary.HTML, "<code>klachtd show "+c.ID+"</code>") {
				t.Errorf("%s: the summary does not name it with its sender %s (text and HTML)", c.ID, c.Email)
			}
			if ev := timeline(t, l.st, c.ID); !hasEvent(ev, "notice-held") {
				t.Errorf("%s: listed in the summary, but its timeline does not say its notice waited", c.ID)
			}
		}
		if inSummary+told[c.ID] != 1 {
			t.Errorf("%s: %d notices of its own and listed %d times in the summary, want once in all", c.ID, told[c.ID], inSummary)
		}
	}
	if len(notices) != perHour || listed != n-perHour {
		t.Errorf("%d notices of their own and %d complaints in the summary, want %d and %d", len(notices), listed, perHour, n-perHour)
	}
	for _, want := range []string{"niet geverifieerd", "map Klachten", "Begin: FLOODWORD099"} {
		if !strings.Contains(summary.Text, want) {
			t.Errorf("the summary lacks %q:\n%s", want, summary.Text)
		}
	}
	if want := fmt.Sprintf(": %d klachten", n-perHour); !strings.HasSuffix(summary.Subject, want) {
		t.Errorf("summary subject %q, want it to end in %q", summary.Subject, want)
	}
	// In the hour the flood began, fewer than max_new_per_hour+2 mails went to staff.
	inHour := 0
	for _, m := range to(mails, staffAddr) {
		if at, _ := m.Header.Date(); at.Before(base.Add(time.Hour)) {
			inHour++
		}
	}
	if inHour >= perHour+2 {
		t.Errorf("%d mails to staff in the flood's first hour, want fewer than %d", inHour, perHour+2)
	}
	// Staff always get the full text.
	if len(notices) > 0 && !strings.Contains(notices[0].Text, "FLOODWORD") {
		t.Errorf("staff notice lacks the complaint's text:\n%s", notices[0].Text)
	}
	for _, c := range l.waitCases(n) {
		if c.ConfirmedAt.IsZero() || !c.Unverified {
			t.Errorf("%s: confirmed %v, unverified %v; want confirmed and unverified", c.ID, c.ConfirmedAt, c.Unverified)
		}
	}
	if rows, err := l.st.Outbox(context.Background(), "queued"); err != nil || len(rows) != 0 {
		t.Errorf("%d mails still queued (%v)", len(rows), err)
	}
}
