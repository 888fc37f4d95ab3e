package daemon

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/store"
)

// floodSummaries picks the flood notices and the summaries among staff mails.
func floodSummaries(mails []*outMsg) (floods, summaries []*outMsg) {
	for _, m := range to(mails, staffAddr) {
		switch {
		case m.Template == "melding" && strings.Contains(m.Subject, "Veel nieuwe klachten tegelijk"):
			floods = append(floods, m)
		case m.Template == "melding" && strings.Contains(m.Subject, "Overzicht na de golf"):
			summaries = append(summaries, m)
		}
	}
	return floods, summaries
}

// listedIn returns the case numbers a summary lists, in its order.
func listedIn(m *outMsg) []string {
	var ids []string
	for _, l := range strings.Split(strings.ReplaceAll(m.Text, "\r\n", "\n"), "\n") {
		if id, ok := strings.CutPrefix(strings.TrimSpace(l), "Lezen: klachtd show "); ok {
			ids = append(ids, id)
		}
	}
	return ids
}

// TestFloodSummaryAcrossRestarts: the flood, the cases whose notices wait for its summary and
// the moment the summary went are kept in the database. A daemon restarted during the flood
// keeps leaving the new complaints' notices for the summary and sends no second flood notice;
// the summary goes when the flood is over (an hour after the last waiting confirmation's
// turn), once, listing each of those complaints once, also when the daemon is restarted
// after it; the confirm alarm and the digest still name the waiting complaints. A later flood
// is a new one: a new notice, a new summary.
func TestFloodSummaryAcrossRestarts(t *testing.T) {
	e := newCaseEnv(t, capTo(2), nil)
	start := e.clock.Now()
	ids, mails := e.flood(5)
	floods, _ := floodSummaries(mails)
	if len(floods) != 1 || len(withTemplate(mails, "melding-nieuw")) != 2 {
		t.Fatalf("%d flood notices and %d new-complaint notices, want 1 and 2 (for the two confirmed at once)",
			len(floods), len(withTemplate(mails, "melding-nieuw")))
	}

	restart := func() (*Daemon, *feeder) {
		t.Helper()
		if err := e.st.Close(); err != nil {
			t.Fatal(err)
		}
		d, st := newTestDaemon(t, e.cfg, e.clock, nil)
		e.d, e.st = d, st
		e.feed = &feeder{d: d, uid: e.feed.uid} // the mailbox's UIDs go on
		return d, e.feed
	}
	d, feed := restart()
	// Two more during the flood, after the restart.
	for i := 5; i < 7; i++ {
		e.advance(time.Minute)
		feed.feed(t, rawMail(fmt.Sprintf("Klager %d <klager%d@example.nl>", i, i), orgAddr, "Klacht", fmt.Sprintf("flood-%d@example.nl", i),
			e.clock.Now(), "Ik heb een klacht over de online cursus.\n"))
		ids = append(ids, fmt.Sprintf("KL-2026-%04d", i+1))
	}
	// The confirm alarm (confirm_alarm 30 minutes) still comes for each waiting complaint.
	now := e.advance(30 * time.Minute)
	if err := d.RunDue(context.Background(), now); err != nil {
		t.Fatal(err)
	}
	mails = sendAll(t, d, now)
	if f, s := floodSummaries(mails); len(f) != 0 || len(s) != 0 || len(withTemplate(mails, "melding-nieuw")) != 0 {
		t.Fatalf("during the flood after a restart: %d flood notices, %d summaries, %d new-complaint notices; want none",
			len(f), len(s), len(withTemplate(mails, "melding-nieuw")))
	}
	alarmed := map[string]bool{}
	for _, m := range withTemplate(mails, "herinnering") {
		alarmed[strings.TrimPrefix(strings.SplitN(m.Subject, "]", 2)[0], "[")] = true
	}
	for _, id := range ids[2:] {
		if !alarmed[id] {
			t.Errorf("%s waits its turn but no confirm alarm came for it (alarms for %v)", id, alarmed)
		}
	}
	// The weekly digest lists every open complaint, the waiting ones too.
	if err := d.inTx(context.Background(), func(tx *store.Tx) error { return d.digest(tx, now) }); err != nil {
		t.Fatal(err)
	}
	digest := onlyOne(t, sendAll(t, d, now), "overzicht")
	for _, id := range ids {
		if !strings.Contains(digest.Text, id) {
			t.Errorf("the digest does not list %s", id)
		}
	}

	// The last waiting confirmation (the 7th, two per hour) has its turn three hours after the
	// 5th complaint; the flood is over an hour after that.
	var summaries []*outMsg
	for _, at := range []time.Duration{time.Hour, 2 * time.Hour, 3 * time.Hour, 3*time.Hour + 30*time.Minute, 5 * time.Hour} {
		now := start.Add(at)
		e.clock.Set(now)
		if at == 3*time.Hour+30*time.Minute {
			d, _ = restart() // down and up again while the flood is still on
		}
		if err := d.RunDue(context.Background(), now); err != nil {
			t.Fatal(err)
		}
		mails := sendAll(t, d, now)
		_, s := floodSummaries(mails)
		if len(s) > 0 && at < 4*time.Hour {
			t.Errorf("a summary at +%s, while confirmations still waited their turn", at)
		}
		summaries = append(summaries, s...)
	}
	if len(summaries) != 1 {
		t.Fatalf("%d summaries, want 1", len(summaries))
	}
	if got, want := strings.Join(listedIn(summaries[0]), ","), strings.Join(ids[2:], ","); got != want {
		t.Errorf("the summary lists %s, want %s (each complaint whose notice waited, once)", got, want)
	}

	// Restarted after the summary: it does not go again.
	d, feed = restart()
	now = e.advance(6 * time.Hour)
	if err := d.RunDue(context.Background(), now); err != nil {
		t.Fatal(err)
	}
	if _, s := floodSummaries(sendAll(t, d, now)); len(s) != 0 {
		t.Errorf("%d summaries more after a restart", len(s))
	}

	// A later flood is a new one: a notice of its own, and its own summary.
	floodStart := e.clock.Now()
	var later []*outMsg
	for i := 7; i < 11; i++ {
		e.advance(time.Minute)
		feed.feed(t, rawMail(fmt.Sprintf("Klager %d <klager%d@example.nl>", i, i), orgAddr, "Klacht", fmt.Sprintf("flood-%d@example.nl", i),
			e.clock.Now(), "Ik heb een klacht over de online cursus.\n"))
		later = append(later, sendAll(t, d, e.clock.Now())...)
	}
	if f, _ := floodSummaries(later); len(f) != 1 || len(withTemplate(later, "melding-nieuw")) != 2 {
		t.Errorf("a later flood: %d flood notices, %d new-complaint notices; want 1 and 2", len(f), len(withTemplate(later, "melding-nieuw")))
	}
	now = floodStart.Add(4 * time.Hour)
	e.clock.Set(now)
	if err := d.RunDue(context.Background(), now); err != nil {
		t.Fatal(err)
	}
	_, s := floodSummaries(sendAll(t, d, now))
	if len(s) != 1 || strings.Join(listedIn(s[0]), ",") != "KL-2026-0010,KL-2026-0011" {
		t.Errorf("the later flood's summaries: %d, listing %v; want one listing KL-2026-0010 and KL-2026-0011", len(s), s)
	}
}
