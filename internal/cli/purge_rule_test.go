package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	kd "github.com/groeimeesters/klachtd/internal/daemon"
	"github.com/groeimeesters/klachtd/internal/store"
)

// sendQueued marks every queued mail sent, as the daemon's sender would once the mail server
// accepted it.
func sendQueued(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	q, err := st.Outbox(ctx, "queued")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range q {
		if err := st.Sent(ctx, m.ID, time.Now(), nil); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPurgeWaitsForQueuedMail: `klachtd purge` keeps the rule of the retention timer
// (complaint.MayPurge): a closed case past the limit whose mail is still queued (a mail server
// outage) is not deleted yet; once the mail is out it is. A case closed after the limit waits
// a day after the closing.
func TestPurgeWaitsForQueuedMail(t *testing.T) {
	cfg := writeConfig(t, shortTerms)
	old := time.Now().Add(-time.Hour)
	var queued, late string
	withDaemon(t, cfg, func(d *kd.Daemon, st *store.Store) {
		queued = register(t, d, st, kd.Registration{Name: "Oud Gesloten", Email: "oud@example.nl", Text: "Oude klacht", ReceivedAt: old})
		late = register(t, d, st, kd.Registration{Name: "Laat Gesloten", Email: "laat@example.nl", Text: "Oude klacht", ReceivedAt: old})
		sendQueued(t, st)
		closeCase(t, st, queued, complaint.VerdictOngegrond, old.Add(30*time.Second))
		closeCase(t, st, late, complaint.VerdictOngegrond, time.Now().Add(-time.Minute)) // after its 2m limit
		err := st.InTx(context.Background(), func(tx *store.Tx) error {
			_, err := tx.QueueMail(store.OutMail{CaseID: queued, Template: "afgehandeld", Audience: "complainant",
				Subject: "[" + queued + "] Afgehandeld", Text: "Uw klacht is afgehandeld.", MessageID: "x@intervisie-begeleiding.nl", Date: time.Now()})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	r := mustRun(t, 0, "purge", "--config", cfg)
	for _, s := range []string{queued + " is past the retention term but mail about it is still queued: not deleted yet",
		late + " was closed after the retention term, less than a day ago: not deleted yet",
		"purged 0 case(s); 0 open case(s) past the term kept; 2 closed case(s) purged later"} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("purge with mail queued does not say %q:\n%s", s, r.stdout)
		}
	}
	mustRun(t, 0, "show", queued, "--config", cfg)
	withDaemon(t, cfg, func(_ *kd.Daemon, st *store.Store) { sendQueued(t, st) })
	r = mustRun(t, 0, "purge", "--config", cfg)
	if !strings.Contains(r.stdout, "purged "+queued+"\n") || strings.Contains(r.stdout, "purged "+late+"\n") {
		t.Errorf("purge once the mail is out: want %s purged and %s kept:\n%s", queued, late, r.stdout)
	}
}
