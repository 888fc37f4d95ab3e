package daemon

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/mailtest"
	"github.com/groeimeesters/klachtd/internal/outbox"
)

// TestSentJournalAfterADeath: a process that died after the SMTP server accepted a
// confirmation and before the record was committed left the row leased. The next start finds
// the row in the sent journal and records it as sent, at the moment it was accepted, with what
// that means for the case (confirmed, its timers set); the lease is not released and the
// confirmation is not sent again. A journal that names the row with another Message-ID (left
// beside another database), or one cleared after the record, changes nothing: that row is
// sent again after the restart, as before.
func TestSentJournalAfterADeath(t *testing.T) {
	cases := []struct {
		what      string
		messageID func(r *outbox.Row) string // what the journal says of the row
		recorded  bool                       // the journal was cleared (Recorded)
		resent    bool
	}{
		{"accepted, not recorded", func(r *outbox.Row) string { return r.MessageID }, false, false},
		{"another database's journal", func(r *outbox.Row) string { return "<elders@example.nl>" }, false, true},
		{"cleared after the record", func(r *outbox.Row) string { return r.MessageID }, true, true},
	}
	for _, tc := range cases {
		t.Run(tc.what, func(t *testing.T) {
			ctx := context.Background()
			cfg := testConfig(t, "", "", "", 0)
			now := time.Date(2026, 11, 26, 10, 0, 0, 0, amsterdam(t))
			d, st := newTestDaemon(t, cfg, mailtest.NewRunningClock(now), nil)
			f := &feeder{d: d}
			f.feed(t, rawMail("Klant <klant@example.nl>", orgAddr, "Klacht over de training", "journaal@example.nl",
				now, "Ik wil een klacht indienen over de training van vorige week.\n"))

			now = d.clock.Now().Truncate(time.Millisecond) // the store keeps milliseconds
			row, err := queueAdapter{d}.Claim(ctx, now, 10*time.Minute)
			if err != nil || row == nil || row.Template != tmplConfirmation {
				t.Fatalf("claim = %+v, %v; want the confirmation", row, err)
			}
			accepted := now.Add(1500 * time.Millisecond)
			jm, _, err := openJournal(cfg.Storage.Path + "-accepted")
			if err != nil {
				t.Fatal(err)
			}
			j := &acceptedJournal{m: jm, d: d}
			named := *row
			named.MessageID = tc.messageID(row)
			j.Accepted(&named, accepted)
			if tc.recorded {
				j.Recorded()
			}
			jm.close()
			// The process dies here; the next one starts.
			next, err := d.startAccepted(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer next.close()
			if fi, err := os.Stat(cfg.Storage.Path + "-accepted"); err != nil {
				t.Error(err)
			} else if fi.Mode().Perm() != 0o600 {
				t.Errorf("the journal's mode = %v, want 0600", fi.Mode().Perm())
			}
			if n, err := st.ReleaseLeases(ctx, now.Add(2*time.Second), 5); err != nil {
				t.Fatal(err)
			} else if want := map[bool]int64{true: 1, false: 0}[tc.resent]; n != want {
				t.Errorf("ReleaseLeases released %d leases, want %d", n, want)
			}
			out := sendAll(t, d, now.Add(2*time.Second))
			if got := len(withTemplate(out, tmplConfirmation)); got != map[bool]int{true: 1, false: 0}[tc.resent] {
				t.Errorf("after the restart the confirmation was sent %d times; resent = %v wanted", got, tc.resent)
			}
			c, _, err := st.Case(ctx, row.CaseID)
			if err != nil {
				t.Fatal(err)
			}
			want := accepted
			if tc.resent {
				want = now.Add(2 * time.Second) // sendAll's moment
			}
			if !c.ConfirmedAt.Equal(want) {
				t.Errorf("case confirmed at %v, want %v", c.ConfirmedAt, want)
			}
			if got, want := sentCounted(t, d, tmplConfirmation), map[bool]float64{true: 0, false: 1}[tc.resent]; got != want {
				t.Errorf("klachtd_mail_sent_total{template=%q} = %v after the start, want %v", tmplConfirmation, got, want)
			}
			if !tc.resent && !hasEvent(timeline(t, st, row.CaseID), string(complaint.EventConfirmed)) {
				t.Errorf("no confirmation event on the case: %+v", timeline(t, st, row.CaseID))
			}
			// A second start finds the journal cleared.
			again, err := d.startAccepted(ctx)
			if err != nil {
				t.Fatal(err)
			}
			again.close()
			b, _ := os.ReadFile(cfg.Storage.Path + "-accepted")
			if parseAccepted(b) != nil {
				t.Errorf("the journal still names a row after the start: %q", b)
			}
		})
	}
}

// TestParseAccepted: the journal is read only when it is whole and says so; anything else
// (another file, a torn write, a cleared state byte) names no row.
func TestParseAccepted(t *testing.T) {
	ok := acceptedMagic + "1 42 1796226320000 19 <r42@example.nl>.x\n"
	tests := []struct {
		in   string
		want *acceptedRow
	}{
		{acceptedMagic + "1 42 1796226320000 16 <r42@example.nl>\n", &acceptedRow{id: 42, at: time.UnixMilli(1796226320000), messageID: "<r42@example.nl>"}},
		{acceptedMagic + "1 42 1796226320000 15 <r42@example.nl>\n", nil}, // the length stops short of the line's end
		{ok, nil}, // the length runs past the line
		{acceptedMagic + "0 42 1796226320000 16 <r42@example.nl>\n", nil},
		{acceptedMagic + "1 42 1796226320000 16 <r42@exa", nil},
		{acceptedMagic + "1 -4 1796226320000 16 <r42@example.nl>\n", nil},
		{acceptedMagic + "1 x 1796226320000 16 <r42@example.nl>\n", nil},
		{acceptedMagic + "1 42 1796226320000 0 \n", nil},
		{"klachtd handling v1\n1 42 1796226320000 16 <r42@example.nl>\n", nil},
		{"", nil},
		{acceptedMagic, nil},
	}
	for _, tc := range tests {
		got := parseAccepted([]byte(tc.in))
		switch {
		case got == nil && tc.want == nil:
		case got == nil || tc.want == nil || got.id != tc.want.id || !got.at.Equal(tc.want.at) || got.messageID != tc.want.messageID:
			t.Errorf("parseAccepted(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

// parseAccepted reads a journal's content as startAccepted does: nil when it names no row.
func parseAccepted(b []byte) *acceptedRow {
	return acceptedOf(parseMarkerFile(b, acceptedMagic, 2))
}

// sentCounted is d's count of mails sent with template, as the metrics give it.
func sentCounted(t *testing.T, d *Daemon, template string) float64 {
	t.Helper()
	fams, err := d.metrics.Gatherer().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() != "klachtd_mail_sent_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "template" && l.GetValue() == template {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}
