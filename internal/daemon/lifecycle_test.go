package daemon

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/config"
	"github.com/groeimeesters/klachtd/internal/mailtest"
	"github.com/groeimeesters/klachtd/internal/store"
)

// TestLifecycleMemIMAP runs a whole case through go-imap's in-memory server and the SMTP sink.
func TestLifecycleMemIMAP(t *testing.T) {
	addr, user, pass := mailtest.StartMemIMAP(t)
	c := mailtest.Dial(t, addr, user, pass)
	runLifecycle(t, addr, user, pass, func(raw []byte) { mailtest.AppendTo(t, c, "INBOX", raw) })
}

// TestLifecycleDovecot runs the same case through a real Dovecot (skipped without it unless
// KLACHTD_REQUIRE_DOVECOT=1).
func TestLifecycleDovecot(t *testing.T) {
	dv := mailtest.StartDovecot(t)
	runLifecycle(t, dv.Addr(), dv.User, dv.Password, func(raw []byte) { dv.Append(t, "INBOX", raw) })
}

// startSignedLive runs a daemon for real against a Dovecot and the SMTP sink, on a running
// clock from 26 November 2026 10:00 in Amsterdam, with staff mail authenticated in mode
// (tweak sets the rest before the configuration is checked); it returns the daemon, the
// Dovecot to deliver to and the keys staffDomain signs with.
func startSignedLive(t *testing.T, mode string, tweak func(*config.Config)) (*live, *mailtest.Dovecot, *dkimKeys) {
	t.Helper()
	dv := mailtest.StartDovecot(t)
	sink := mailtest.StartSMTPSink(t)
	keys := newDKIMKeys(t, staffDomain)
	clock := mailtest.NewRunningClock(time.Date(2026, 11, 26, 10, 0, 0, 0, amsterdam(t)))
	cfg := testConfig(t, dv.Addr(), dv.User, dv.Password, sink.Port())
	cfg.Staff.Authentication = mode
	tweak(cfg)
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	d, st := newTestDaemon(t, cfg, clock, keys.lookup)
	runDaemon(t, d)
	return &live{t: t, d: d, st: st, sink: sink, clock: clock}, dv, keys
}

// live is a daemon running for real against an IMAP server and the SMTP sink.
type live struct {
	t     *testing.T
	d     *Daemon
	st    *store.Store
	sink  *mailtest.SMTPSink
	clock *mailtest.Clock
	seen  int
}

// next waits for n more mails at the sink and returns them, each with its template (from the
// outbox row with its Message-ID) and envelope recipients.
func (l *live) next(n int) []*outMsg {
	l.t.Helper()
	got := l.sink.WaitFor(l.t, l.seen+n, 15*time.Second)
	rows, err := l.st.Outbox(context.Background(), "")
	if err != nil {
		l.t.Fatal(err)
	}
	tmpl := map[string]string{}
	for _, r := range rows {
		tmpl["<"+r.MessageID+">"] = r.Template
	}
	var out []*outMsg
	for _, r := range got[l.seen:] {
		m := parseOut(l.t, r.Raw)
		m.Template, m.Envelope = tmpl[m.MessageID], r.To
		want := append(append([]string{}, m.To...), m.Cc...)
		if strings.Join(lower(m.Envelope), ",") != strings.Join(want, ",") {
			l.t.Errorf("%s: envelope recipients %v, header recipients %v", m.Template, m.Envelope, want)
		}
		out = append(out, m)
	}
	l.seen = len(got)
	return out
}

func lower(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = strings.ToLower(s)
	}
	return out
}

// waitCase waits until the case satisfies ok (the delivery that confirms a case is recorded
// just after the sink accepted it).
func (l *live) waitCase(id string, what string, ok func(complaint.Case) bool) complaint.Case {
	l.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, _, err := l.st.Case(context.Background(), id)
		if err == nil && ok(c) {
			return c
		}
		if time.Now().After(deadline) {
			l.t.Fatalf("case %s: %s not reached (status %s, err %v)", id, what, c.Status, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func status(s complaint.Status) func(complaint.Case) bool {
	return func(c complaint.Case) bool { return c.Status == s }
}

func runLifecycle(t *testing.T, imapAddr, user, pass string, deliver func(raw []byte)) {
	loc := amsterdam(t)
	base := time.Date(2026, 11, 26, 10, 0, 0, 0, loc)
	clock := mailtest.NewRunningClock(base)
	sink := mailtest.StartSMTPSink(t)
	cfg := testConfig(t, imapAddr, user, pass, sink.Port())
	d, st := newTestDaemon(t, cfg, clock, nil)
	ctx := runDaemon(t, d)
	l := &live{t: t, d: d, st: st, sink: sink, clock: clock}
	const id, root = "KL-2026-0001", "complaint-1@example.nl"
	staff := func(subject, msgID, body string) {
		deliver(rawMail("Milou Meijer <"+staffAddr+">", orgAddr, subject, msgID, clock.Now(), body,
			"In-Reply-To: <"+root+">"))
	}

	// 1. The complaint: a confirmation to the complainant and a notice to staff.
	deliver(rawMail("Jan de Vries <"+janAddr+">", orgAddr, "Klacht over de intervisie", root, clock.Now(),
		"Geachte heer, mevrouw,\n\nIk wil een klacht indienen: de intervisiebijeenkomst van 10 november is zonder bericht vervallen.\n\nMet vriendelijke groet,\nJan de Vries\n"))
	mails := l.next(2)
	conf := onlyOne(t, mails, "bevestiging")
	checkCaseMail(t, conf, id, root, janAddr)
	checkCaseMail(t, onlyOne(t, mails, "melding-nieuw"), id, root, staffAddr)
	if got := conf.Header.Get("Auto-Submitted"); got != "auto-replied" {
		t.Errorf("confirmation Auto-Submitted %q, want auto-replied", got)
	}
	for _, want := range []string{"Beste Jan de Vries", "klachtnummer " + id, "uiterlijk op 24 december 2026", "Kathleen Naber"} {
		if !strings.Contains(conf.Text, want) {
			t.Errorf("confirmation text lacks %q:\n%s", want, conf.Text)
		}
	}
	for _, want := range []string{"<strong>" + id + "</strong>", "24 december 2026"} {
		if !strings.Contains(conf.HTML, want) {
			t.Errorf("confirmation HTML lacks %q", want)
		}
	}
	c := l.waitCase(id, "bevestigd", status(complaint.StatusBevestigd))
	if c.DueAt.In(loc).Format("2006-01-02") != "2026-12-24" {
		t.Errorf("due %s, want 24 December 2026", c.DueAt.In(loc))
	}

	// 2. Staff ask for information: only the staff's own text reaches the complainant.
	staff("RE: ["+id+"] Bevestiging van uw klacht [info-nodig]", "staff-1@intervisie-begeleiding.nl",
		"Beste heer De Vries,\n\nKunt u ons laten weten welke begeleider de bijeenkomst had gepland?\n\n-- \nMilou Meijer\nGroeimeesters STAFFSIG-7731\n\nOp 26 nov. 2026 om 10:00 schreef Groeimeesters <"+orgAddr+">:\n> Hartelijk dank voor uw bericht. QUOTED-HISTORY-4411\n")
	mails = l.next(2)
	info := onlyOne(t, mails, "nadere-info")
	checkCaseMail(t, info, id, root, janAddr)
	checkCaseMail(t, onlyOne(t, mails, "commando-ok"), id, root, staffAddr)
	if !strings.Contains(info.Text, "welke begeleider de bijeenkomst had gepland") || !strings.Contains(info.HTML, "welke begeleider") {
		t.Errorf("nadere-info lacks the staff question:\n%s", info.Text)
	}
	for _, bad := range []string{"QUOTED-HISTORY-4411", "STAFFSIG-7731", "schreef Groeimeesters"} {
		if strings.Contains(info.Text, bad) || strings.Contains(info.HTML, bad) {
			t.Errorf("nadere-info carries %q (quoted history or signature)", bad)
		}
	}
	l.waitCase(id, "info-nodig", status(complaint.StatusInfoNodig))

	// 3. The complainant answers: staff are told, the case is back in behandeling.
	deliver(rawMail("Jan de Vries <"+janAddr+">", orgAddr, "RE: ["+id+"] Uw klacht: wij hebben nog enkele vragen",
		"jan-2@example.nl", clock.Now(), "Het was de begeleider Karel Jansen.\n\nJan\n"))
	mails = l.next(1)
	note := onlyOne(t, mails, "melding")
	checkCaseMail(t, note, id, root, staffAddr)
	if !strings.Contains(note.Text, "Karel Jansen") {
		t.Errorf("staff notice lacks the complainant's answer:\n%s", note.Text)
	}
	l.waitCase(id, "in-behandeling", status(complaint.StatusInBehandeling))

	// 4. Extension by two weeks: the complainant gets the new term.
	staff("RE: ["+id+"] [verlenging 2w]", "staff-2@intervisie-begeleiding.nl", "Wij hebben meer tijd nodig voor een gesprek met de begeleider.\n")
	mails = l.next(2)
	ext := onlyOne(t, mails, "verlenging")
	checkCaseMail(t, ext, id, root, janAddr)
	c = l.waitCase(id, "extended", func(c complaint.Case) bool { return c.Extended })
	if got := c.DueAt.In(loc).Format("2006-01-02"); got != "2027-01-07" {
		t.Errorf("extended due date %s, want 2027-01-07", got)
	}
	if !strings.Contains(ext.Text, "7 januari 2027") || !strings.Contains(ext.HTML, "7 januari 2027") {
		t.Errorf("verlenging lacks the new term 7 januari 2027:\n%s", ext.Text)
	}

	// 5. Verdict with a remediation term, cause and measure.
	staff("RE: ["+id+"] [gegrond] [hersteltermijn 2026-12-10]", "staff-3@intervisie-begeleiding.nl",
		"Wij vinden uw klacht gegrond. U krijgt een vervangende bijeenkomst op kosten van Groeimeesters.\n\nOorzaak: de afmelding is alleen naar de begeleider gestuurd\nMaatregel: afmeldingen gaan voortaan via de deelnemerslijst\n")
	mails = l.next(2)
	out := onlyOne(t, mails, "uitkomst-gegrond")
	checkCaseMail(t, out, id, root, janAddr)
	for _, want := range []string{"vervangende bijeenkomst", "10 december 2026"} {
		if !strings.Contains(out.Text, want) || !strings.Contains(out.HTML, want) {
			t.Errorf("outcome lacks %q:\n%s", want, out.Text)
		}
	}
	c = l.waitCase(id, "gegrond", func(c complaint.Case) bool { return c.Verdict == complaint.VerdictGegrond })
	if c.Cause != "de afmelding is alleen naar de begeleider gestuurd" || c.Measure != "afmeldingen gaan voortaan via de deelnemerslijst" {
		t.Errorf("cause %q, measure %q", c.Cause, c.Measure)
	}
	if got := c.RemedyDueAt.In(loc).Format("2006-01-02"); got != "2026-12-10" {
		t.Errorf("remedy term %s, want 2026-12-10", got)
	}

	// 6. The remediation term passes: staff are reminded (and the digest of Monday 7
	// December, missed while the clock jumped, goes out once).
	clock.Set(time.Date(2026, 12, 11, 12, 0, 0, 0, loc))
	if err := d.RunDue(ctx, clock.Now()); err != nil {
		t.Fatal(err)
	}
	mails = l.next(2)
	rem := onlyOne(t, mails, "herinnering")
	checkCaseMail(t, rem, id, root, staffAddr)
	if !strings.Contains(rem.Text, "hersteltermijn van klacht "+id+" verloopt op 10 december 2026") {
		t.Errorf("remedy reminder text:\n%s", rem.Text)
	}
	if dg := onlyOne(t, mails, "overzicht"); !strings.Contains(dg.Text, id) || strings.Join(dg.To, ",") != staffAddr {
		t.Errorf("digest to %v lacks %s:\n%s", dg.To, id, dg.Text)
	}

	// 7. Closing.
	staff("RE: ["+id+"] [afgehandeld]", "staff-4@intervisie-begeleiding.nl", "De vervangende bijeenkomst heeft plaatsgevonden. Wij sluiten uw klacht hierbij af.\n")
	mails = l.next(2)
	closing := onlyOne(t, mails, "afgehandeld")
	checkCaseMail(t, closing, id, root, janAddr)
	if !strings.Contains(closing.Text, "De vervangende bijeenkomst heeft plaatsgevonden") {
		t.Errorf("closing mail lacks the staff text:\n%s", closing.Text)
	}
	l.waitCase(id, "afgehandeld", status(complaint.StatusAfgehandeld))

	// Nothing else went out, and nothing is left unsent.
	time.Sleep(300 * time.Millisecond)
	if n := len(sink.Messages()); n != l.seen {
		t.Errorf("sink holds %d mails, the steps expected %d", n, l.seen)
	}
	// The sender records a mail just after the server accepted it: give it that moment.
	queued, err := st.Outbox(context.Background(), "queued")
	for deadline := time.Now().Add(5 * time.Second); err == nil && len(queued) > 0 && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		queued, err = st.Outbox(context.Background(), "queued")
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range queued {
		t.Errorf("left in the outbox: %s to %v", m.Template, m.To)
	}
	ev := timeline(t, st, id)
	for _, kind := range []string{"registered", "confirmed", "extension", "closed"} {
		if !hasEvent(ev, kind) {
			t.Errorf("timeline lacks %q: %+v", kind, ev)
		}
	}
}
