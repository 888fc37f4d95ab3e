package daemon

import (
	"context"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// TestComplaintHandledOnceWhenTheMoveFails: a complaint through a real Dovecot, with the
// connection cut exactly at the MOVE after the case was committed, and then the MOVE refused
// once. The message comes back on the next pass and is moved in the end; it makes one case,
// one confirmation and one staff notice.
func TestComplaintHandledOnceWhenTheMoveFails(t *testing.T) {
	dv := mailtest.StartDovecot(t)
	proxy := mailtest.NewProxy(t, dv.Addr())
	proxy.CutOn("MOVE ")
	proxy.RefuseOn("MOVE ")
	sink := mailtest.StartSMTPSink(t)
	clock := mailtest.NewRunningClock(time.Date(2026, 11, 26, 10, 0, 0, 0, amsterdam(t)))
	cfg := testConfig(t, proxy.Addr(), dv.User, dv.Password, sink.Port())
	d, st := newTestDaemon(t, cfg, clock, nil)
	runDaemon(t, d)
	l := &live{t: t, d: d, st: st, sink: sink, clock: clock}
	dv.Append(t, "INBOX", rawMail("Jan de Vries <"+janAddr+">", orgAddr, "Klacht over de training", "move-fail@example.nl",
		clock.Now(), "Ik wil een klacht indienen over de training van 3 november.\n"))
	first := l.next(2)
	waitFor(t, "the complaint moved to "+cfg.IMAP.Processed, func() bool {
		return len(dv.List(t, cfg.IMAP.Processed)) == 1 && len(dv.List(t, "INBOX")) == 0
	})
	if proxy.Cuts() != 1 || proxy.Refused() != 1 {
		t.Fatalf("%d cuts and %d refusals at MOVE, want 1 and 1", proxy.Cuts(), proxy.Refused())
	}
	time.Sleep(3 * cfg.IMAP.PollInterval) // room for a wrong second case or confirmation
	cases, err := st.Cases(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 1 {
		t.Errorf("%d cases, want 1", len(cases))
	}
	templates := map[string]int{}
	for _, m := range first {
		templates[m.Template]++
	}
	if templates["bevestiging"] != 1 || templates["melding-nieuw"] != 1 || len(sink.Messages()) != 2 {
		t.Errorf("mails sent %v (%d in all), want one bevestiging and one melding-nieuw", templates, len(sink.Messages()))
	}
}
