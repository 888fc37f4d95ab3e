package daemon

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// lockedBuffer is a bytes.Buffer for a log written from several goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestLogsHoldNoComplaintContent: at info level the log names case numbers, never the
// complainant, the subject or the text (README, "Running it": confidentiality).
func TestLogsHoldNoComplaintContent(t *testing.T) {
	clock := &mailtest.Clock{}
	clock.Set(time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC))
	cfg := testConfig(t, "", "", "", 0)
	var logs lockedBuffer
	d, _ := newDaemonWith(t, Options{Config: cfg, Clock: clock,
		Log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	f := &feeder{d: d}
	secret := []string{"Zwanenburg", "zwanenburg@example.nl", "Geheimzinnige", "Vertrouwelijk-7731"}
	f.feed(t, rawMail("Petra Zwanenburg <zwanenburg@example.nl>", orgAddr, "Klacht Geheimzinnige cursus",
		"c1@example.nl", clock.Now(), "Naam: Petra Zwanenburg\nOmschrijving: Vertrouwelijk-7731 ging mis"))
	sent := sendAll(t, d, clock.Now())
	conf := onlyOne(t, sent, "bevestiging")
	caseID := strings.TrimPrefix(strings.SplitN(conf.Subject, "]", 2)[0], "[")
	f.feed(t, rawMail("Milou <"+staffAddr+">", orgAddr, "RE: ["+caseID+"] [gegrond]", "s1@example.nl",
		clock.Now(), "Vertrouwelijk-7731: wij geven u gelijk.\nOorzaak: Zwanenburg-fout"))
	clock.Set(clock.Now().Add(60 * 24 * time.Hour))
	if err := d.RunDue(context.Background(), clock.Now()); err != nil {
		t.Fatal(err)
	}
	sendAll(t, d, clock.Now())
	out := logs.String()
	if !strings.Contains(out, caseID) {
		t.Fatalf("the log does not even name the case %s:\n%s", caseID, out)
	}
	for _, s := range secret {
		if strings.Contains(strings.ToLower(out), strings.ToLower(s)) {
			t.Errorf("the log holds %q:\n%s", s, out)
		}
	}
}
