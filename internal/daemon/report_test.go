package daemon

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// TestHalfYearReport: on 1 January at 08:00 management gets the analysis of the half year
// before, with the chart embedded in the HTML part.
func TestHalfYearReport(t *testing.T) {
	loc := amsterdam(t)
	clock := &mailtest.Clock{}
	clock.Set(time.Date(2026, 11, 26, 10, 0, 0, 0, loc))
	cfg := testConfig(t, "", "", "", 0)
	d, _ := newTestDaemon(t, cfg, clock, nil)
	ctx := context.Background()
	if err := d.ensureGlobalTimers(ctx); err != nil {
		t.Fatal(err)
	}
	f := &feeder{d: d}
	services := []string{"online cursus", "intervisie-begeleiding", "online cursus"}
	for i, svc := range services {
		f.feed(t, rawMail(fmt.Sprintf("Klant %d <klant%d@example.nl>", i, i), orgAddr, "Klacht",
			fmt.Sprintf("r%d@example.nl", i), clock.Now(), "Naam: Klant\nDienst: "+svc+"\nOmschrijving: het ging mis"))
	}
	sendAll(t, d, clock.Now())
	newYear := time.Date(2027, 1, 1, 8, 0, 0, 0, loc)
	clock.Set(newYear.Add(time.Minute))
	if err := d.RunDue(ctx, clock.Now()); err != nil {
		t.Fatal(err)
	}
	sent := sendAll(t, d, clock.Now())
	rep := onlyOne(t, sent, "rapport")
	if !strings.Contains(rep.Subject, "tweede helft 2026") {
		t.Errorf("report subject %q does not name the second half of 2026", rep.Subject)
	}
	if !strings.Contains(rep.Text, "klachtd report --period 2026H2") {
		t.Errorf("report text does not give the command for 2026H2:\n%s", rep.Text)
	}
	for _, want := range []string{"online cursus", "intervisie-begeleiding", "3"} {
		if !strings.Contains(rep.Text, want) {
			t.Errorf("report text lacks %q:\n%s", want, rep.Text)
		}
	}
	if len(rep.Row.Attachments) != 1 || !rep.Row.Attachments[0].Inline || !bytes.HasPrefix(rep.Row.Attachments[0].Data, []byte("\x89PNG")) {
		t.Fatalf("report attachments: %+v", rep.Row.Attachments)
	}
	name := rep.Row.Attachments[0].Name
	if !strings.Contains(rep.HTML, "cid:"+name) {
		t.Errorf("HTML does not show the chart cid:%s", name)
	}
	if !bytes.Contains(rep.Raw, []byte("Content-Id: <"+name+">")) && !bytes.Contains(rep.Raw, []byte("Content-ID: <"+name+">")) {
		t.Errorf("the chart part has no Content-ID <%s>", name)
	}
}
