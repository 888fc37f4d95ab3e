package daemon

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// TestRetentionPurgeRemovesMailboxCopies: when a closed case reaches the retention limit, the
// complaint and the staff mails the intake moved to the processed folder leave the IMAP
// server too; other mail there — even one whose Message-ID contains the complaint's — stays.
func TestRetentionPurgeRemovesMailboxCopies(t *testing.T) {
	for _, name := range []string{"mem", "dovecot"} {
		t.Run(name, func(t *testing.T) {
			var addr, user, pass string
			if name == "mem" {
				addr, user, pass = mailtest.StartMemIMAP(t)
			} else {
				dv := mailtest.StartDovecot(t)
				addr, user, pass = dv.Addr(), dv.User, dv.Password
			}
			c := mailtest.Dial(t, addr, user, pass)
			loc := amsterdam(t)
			clock := mailtest.NewRunningClock(time.Date(2026, 11, 26, 10, 0, 0, 0, loc))
			sink := mailtest.StartSMTPSink(t)
			cfg := testConfig(t, addr, user, pass, sink.Port())
			d, st := newTestDaemon(t, cfg, clock, nil)
			const id, root = "KL-2026-0001", "complaint-1@example.nl"
			other := rawMail("Iemand <iemand@example.org>", orgAddr, "Iets anders", "x-"+root, clock.Now(), "Geen klacht.\n",
				"X-Note: <"+root+">")
			mailtest.AppendTo(t, c, cfg.IMAP.Processed, other)
			mailtest.AppendTo(t, c, cfg.IMAP.Processed, rawMail("Iemand <iemand@example.org>", orgAddr, "Kopie",
				"COMPLAINT-1@EXAMPLE.NL", clock.Now(), "Hoofdletters.\n"))
			keep := mailtest.ListOf(t, c, cfg.IMAP.Processed)

			ctx := runDaemon(t, d)
			l := &live{t: t, d: d, st: st, sink: sink, clock: clock}
			deliver := func(raw []byte) { mailtest.AppendTo(t, c, "INBOX", raw) }
			deliver(rawMail("Jan de Vries <"+janAddr+">", orgAddr, "Klacht over de intervisie", root, clock.Now(),
				"Ik wil een klacht indienen over de vervallen bijeenkomst.\n"))
			l.next(2)
			l.waitCase(id, "bevestigd", status(complaint.StatusBevestigd))
			for i, cmd := range []string{"[ongegrond]", "[afgehandeld]"} {
				deliver(rawMail("Milou Meijer <"+staffAddr+">", orgAddr, "RE: ["+id+"] "+cmd,
					"staff-"+string(rune('1'+i))+"@intervisie-begeleiding.nl", clock.Now(), "Toelichting.\n", "In-Reply-To: <"+root+">"))
				l.next(2)
			}
			l.waitCase(id, "afgehandeld", status(complaint.StatusAfgehandeld))
			// The intake moves a mail just after the transaction that handled it.
			moved := func() int { return len(mailtest.ListOf(t, c, cfg.IMAP.Processed)) }
			for deadline := time.Now().Add(5 * time.Second); moved() < len(keep)+3 && time.Now().Before(deadline); {
				time.Sleep(20 * time.Millisecond)
			}
			if n := moved(); n != len(keep)+3 {
				t.Fatalf("%d messages in %s before the purge, want %d", n, cfg.IMAP.Processed, len(keep)+3)
			}

			// The sink has the mails; wait until the sender has recorded them too (a case with
			// mail still queued is purged a day later, by design).
			for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
				if q, err := st.Outbox(ctx, "queued"); err == nil && len(q) == 0 {
					break
				}
			}
			clock.Set(time.Date(2028, 12, 1, 12, 0, 0, 0, loc))
			if err := d.RunDue(ctx, clock.Now()); err != nil {
				t.Fatal(err)
			}
			if _, _, err := st.Case(ctx, id); err == nil {
				t.Fatalf("case %s not purged at the retention limit", id)
			}
			deadline := time.Now().Add(10 * time.Second)
			for len(mailtest.ListOf(t, c, cfg.IMAP.Processed)) > len(keep) && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond)
			}
			if diff := cmp.Diff(keep, mailtest.ListOf(t, c, cfg.IMAP.Processed)); diff != "" {
				t.Errorf("%s after the purge (-want +got):\n%s", cfg.IMAP.Processed, diff)
			}
			if inbox := mailtest.ListOf(t, c, "INBOX"); len(inbox) != 0 {
				t.Errorf("INBOX holds %d messages, want 0", len(inbox))
			}
			// The intake marks a purge done just after its expunge: wait for that too.
			left, err := st.MailboxPurgesLeft(ctx)
			for deadline := time.Now().Add(10 * time.Second); err == nil && left > 0 && time.Now().Before(deadline); {
				time.Sleep(50 * time.Millisecond)
				left, err = st.MailboxPurgesLeft(ctx)
			}
			if err != nil || left != 0 {
				t.Errorf("purge queue after the intake's cycle: %d left (%v), want none", left, err)
			}
		})
	}
}
