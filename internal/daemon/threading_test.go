package daemon

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/google/go-cmp/cmp"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/config"
	"github.com/groeimeesters/klachtd/internal/intake"
	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// dovecotEnv is a daemon running for real against Dovecot and the SMTP sink.
type dovecotEnv struct {
	*live
	ctx context.Context
	dv  *mailtest.Dovecot
	c   *imapclient.Client
	cfg *config.Config
	loc *time.Location
}

// startDovecotEnv starts Dovecot, the sink and a daemon on them; tweak changes the
// configuration, setup the daemon before it runs.
func startDovecotEnv(t *testing.T, base time.Time, tweak func(*config.Config), setup ...func(*Daemon)) *dovecotEnv {
	t.Helper()
	dv := mailtest.StartDovecot(t)
	sink := mailtest.StartSMTPSink(t)
	cfg := testConfig(t, dv.Addr(), dv.User, dv.Password, sink.Port())
	if tweak != nil {
		tweak(cfg)
		if err := cfg.Validate(); err != nil {
			t.Fatalf("test configuration: %v", err)
		}
	}
	clock := mailtest.NewRunningClock(base)
	d, st := newTestDaemon(t, cfg, clock, nil)
	for _, f := range setup {
		f(d)
	}
	e := &dovecotEnv{live: &live{t: t, d: d, st: st, sink: sink, clock: clock}, dv: dv, c: dv.Client(t), cfg: cfg,
		loc: amsterdam(t)}
	e.ctx = runDaemon(t, d)
	return e
}

func (e *dovecotEnv) deliver(raw []byte) uint32 { return mailtest.AppendTo(e.t, e.c, "INBOX", raw) }

func (e *dovecotEnv) list(box string) []mailtest.MailboxMessage {
	return mailtest.ListOf(e.t, e.c, box)
}

// waitFor polls cond until it holds, for at most 10 seconds.
func (e *dovecotEnv) waitFor(what string, cond func() bool) {
	e.t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			e.t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// idle waits until nothing is queued: the sender records a mail just after the sink took it.
func (e *dovecotEnv) idle() {
	e.t.Helper()
	e.waitFor("an empty outbox", func() bool {
		q, err := e.st.Outbox(e.ctx, "queued")
		return err == nil && len(q) == 0
	})
}

func (e *dovecotEnv) cases() []complaint.Case {
	e.t.Helper()
	cs, err := e.st.Cases(e.ctx, "")
	if err != nil {
		e.t.Fatal(err)
	}
	return cs
}

// TestPlantedMessageID: a complaint sent under a Message-ID the organisation once used (its
// newsletter's) catches nobody else's mail: another sender's complaint answering that
// newsletter is registered and confirmed on its own, an ordinary answer stays in INBOX
// untouched; at the retention limit only the planted case's own filed copies leave the
// server, and an ordinary INBOX mail with the same Message-ID stays.
func TestPlantedMessageID(t *testing.T) {
	base := time.Date(2026, 11, 26, 10, 0, 0, 0, amsterdam(t))
	e := startDovecotEnv(t, base, nil)
	const newsletter = "nieuwsbrief-2026-11@intervisie-begeleiding.nl"
	const annaAddr = "anna@example.org"

	// The organisation's newsletter, as it sits in INBOX (a partner's copy), and later the
	// attacker's complaint under the same Message-ID.
	e.deliver(rawMail("Groeimeesters nieuwsbrief <nieuws@intervisie-begeleiding.nl>", orgAddr, "Nieuwsbrief november",
		newsletter, e.clock.Now(), "Nieuws van Groeimeesters.\n"))
	e.deliver(rawMail("Aanvaller <aanvaller@evil.example>", orgAddr, "Klacht", newsletter, e.clock.Now(),
		"Ik heb een klacht over alles.\n"))
	planted := onlyOne(t, e.next(2), "bevestiging")
	const plantedID = "KL-2026-0001"
	if planted.To[0] != "aanvaller@evil.example" {
		t.Fatalf("first confirmation to %v", planted.To)
	}

	// Another sender's complaint answering the newsletter: a case of its own, confirmed.
	e.deliver(rawMail("Anna Jansen <"+annaAddr+">", orgAddr, "Re: Nieuwsbrief november", "anna-1@example.org", e.clock.Now(),
		"Ik heb een klacht: de cursus van oktober is nooit doorgegaan.\n", "In-Reply-To: <"+newsletter+">",
		"References: <"+newsletter+">"))
	mails := e.next(2)
	conf := onlyOne(t, mails, "bevestiging")
	if strings.Join(conf.To, ",") != annaAddr || !strings.HasPrefix(conf.Subject, "[KL-2026-0002] ") {
		t.Errorf("Anna's confirmation: to %v, subject %q; want her own case KL-2026-0002", conf.To, conf.Subject)
	}
	e.waitCase("KL-2026-0002", "Anna's case confirmed", func(c complaint.Case) bool {
		return c.Email == annaAddr && c.Status == complaint.StatusBevestigd
	})
	if ev := timeline(t, e.st, plantedID); hasEvent(ev, "mail-unverified") || hasEvent(ev, "mail-complainant") {
		t.Errorf("the planted case caught another sender's mail: %+v", ev)
	}

	// An ordinary answer to the newsletter from someone else: left exactly as it was.
	e.deliver(rawMail("Partner <partner@example.org>", orgAddr, "Re: Nieuwsbrief november", "partner-1@example.org", e.clock.Now(),
		"Mooie nieuwsbrief, tot ziens op de studiedag.\n", "In-Reply-To: <"+newsletter+">"))
	// Close the planted case so that the retention purge may delete it.
	for i, cmd := range []string{"[ongegrond]", "[afgehandeld]"} {
		e.deliver(staffMail(plantedID, cmd, "staff-"+string(rune('1'+i))+"@intervisie-begeleiding.nl", e.clock.Now(), "Toelichting.\n"))
		e.next(2)
	}
	e.waitCase(plantedID, "afgehandeld", status(complaint.StatusAfgehandeld))
	e.waitFor("the handled mail in Klachten", func() bool { return len(e.list("Klachten")) == 4 })
	inbox := e.list("INBOX")
	if len(inbox) != 2 {
		t.Fatalf("INBOX holds %d messages, want the newsletter and the partner's answer", len(inbox))
	}
	for _, m := range inbox {
		if len(m.Flags) != 0 {
			t.Errorf("INBOX uid %d got flags %v, want none (ordinary mail is left as it was)", m.UID, m.Flags)
		}
	}
	var annaCopy []mailtest.MailboxMessage
	for _, m := range e.list("Klachten") {
		if strings.Contains(string(m.Raw), "anna-1@example.org") {
			annaCopy = append(annaCopy, m)
		}
	}
	if len(annaCopy) != 1 {
		t.Fatalf("Anna's complaint in Klachten: %d copies, want 1", len(annaCopy))
	}

	e.idle()
	e.clock.Set(time.Date(2028, 12, 1, 12, 0, 0, 0, e.loc))
	if err := e.d.RunDue(e.ctx, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.st.Case(e.ctx, plantedID); err == nil {
		t.Fatalf("case %s not purged at the retention limit", plantedID)
	}
	e.waitFor("the mailbox purge", func() bool {
		n, err := e.st.MailboxPurgesLeft(e.ctx)
		return err == nil && n == 0
	})
	if diff := cmp.Diff(inbox, e.list("INBOX")); diff != "" {
		t.Errorf("INBOX after the purge (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(annaCopy, e.list("Klachten")); diff != "" {
		t.Errorf("Klachten after the purge: want only Anna's complaint (-want +got):\n%s", diff)
	}
}

// lostFilings is a Filer that loses every record, as a crash between the move and the record
// would.
type lostFilings struct{}

func (lostFilings) Filed(context.Context, []intake.Filing) error { return errors.New("lost") }

// TestPurgeFindsAnUnrecordedMove: when where a mail was moved was never recorded (a crash
// between the move and the record, or mail handled before filings were kept), the purge
// finds it in the processed folder by Message-ID and by the hash of the bytes handled — also
// of a mail too large to read whole, hashed by its header — and leaves other mail with the
// same Message-ID alone. Real Dovecot.
func TestPurgeFindsAnUnrecordedMove(t *testing.T) {
	base := time.Date(2026, 11, 26, 10, 0, 0, 0, amsterdam(t))
	e := startDovecotEnv(t, base, func(c *config.Config) { c.IMAP.MaxSize = 4000 },
		func(d *Daemon) { d.intake.SetFiler(lostFilings{}) })
	const root = "complaint-1@example.nl"
	sameID := rawMail("Iemand <iemand@example.org>", orgAddr, "Iets anders", root, e.clock.Now(), "Een vraag over de planning, met dezelfde Message-ID.\n")
	mailtest.AppendTo(t, e.c, "Klachten", sameID)
	e.deliver(sameID)
	e.deliver(rawMail("Jan de Vries <"+janAddr+">", orgAddr, "Klacht over de intervisie", root, e.clock.Now(),
		"Ik wil een klacht indienen over de vervallen bijeenkomst.\n"+strings.Repeat("Een lange toelichting.\n", 300)))
	e.next(2)
	const id = "KL-2026-0001"
	for i, cmd := range []string{"[ongegrond]", "[afgehandeld]"} {
		e.deliver(staffMail(id, cmd, "staff-"+string(rune('1'+i))+"@intervisie-begeleiding.nl", e.clock.Now(), "Toelichting.\n"))
		e.next(2)
	}
	e.waitCase(id, "afgehandeld", status(complaint.StatusAfgehandeld))
	e.waitFor("the handled mail in Klachten", func() bool { return len(e.list("Klachten")) == 4 })
	inbox := e.list("INBOX")
	if len(inbox) != 1 {
		t.Fatalf("INBOX holds %d messages, want the one with the same Message-ID", len(inbox))
	}
	var keep []mailtest.MailboxMessage
	for _, m := range e.list("Klachten") {
		if string(m.Raw) == string(sameID) {
			keep = append(keep, m)
		}
	}
	e.idle()
	e.clock.Set(time.Date(2028, 12, 1, 12, 0, 0, 0, e.loc))
	if err := e.d.RunDue(e.ctx, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	e.waitFor("the mailbox purge", func() bool {
		n, err := e.st.MailboxPurgesLeft(e.ctx)
		return err == nil && n == 0
	})
	if diff := cmp.Diff(keep, e.list("Klachten")); diff != "" {
		t.Errorf("Klachten after the purge: want only the other mail with the same Message-ID (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(inbox, e.list("INBOX")); diff != "" {
		t.Errorf("INBOX after the purge (-want +got):\n%s", diff)
	}
}
