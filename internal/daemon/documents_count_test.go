package daemon

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/mailtest"
	"github.com/groeimeesters/klachtd/internal/mailtest/bombs"
)

// TestDocumentsPastTheCountNoted: of a complaint with more attached documents than klachtd
// reads, the first maxFormDocuments are read and the rest are skipped with one note on the
// case naming the first document not read and why (a document over a limit is never skipped
// silently), not one note for each.
func TestDocumentsPastTheCountNoted(t *testing.T) {
	clock := mailtest.NewClock(time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC))
	d, st := newTestDaemon(t, testConfig(t, "", "", "", 0), clock, nil)
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: eva@example.nl\r\nTo: %s\r\nSubject: Klacht\r\nDate: %s\r\nMessage-ID: <many-docs@example.nl>\r\n"+
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"grens\"\r\n\r\n--grens\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n\r\nIk heb een klacht over de training. De stukken zitten in de bijlagen.\r\n",
		orgAddr, clock.Now().Format(time.RFC1123Z))
	for i := 1; i <= maxFormDocuments+3; i++ {
		name := fmt.Sprintf("stuk%02d.pdf", i)
		fmt.Fprintf(&b, "--grens\r\nContent-Type: application/pdf; name=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n"+
			"Content-Disposition: attachment; filename=\"%s\"\r\n\r\n%s\r\n",
			name, name, base64.StdEncoding.EncodeToString(bombs.TextPDF(fmt.Sprintf("Aanvullend: stuk %d", i))))
	}
	b.WriteString("--grens--\r\n")
	(&feeder{d: d}).feed(t, b.Bytes())
	cases, err := st.Cases(context.Background(), "")
	if err != nil || len(cases) != 1 {
		t.Fatalf("cases: %v, %v", cases, err)
	}
	var notes []string
	for _, e := range timeline(t, st, cases[0].ID) {
		if e.Kind == string(complaint.EventDocumentSkipped) {
			notes = append(notes, e.Text)
		}
	}
	want := fmt.Sprintf("stuk%02d.pdf", maxFormDocuments+1)
	if len(notes) != 1 || !strings.Contains(notes[0], want) || !strings.Contains(notes[0], fmt.Sprintf("eerste %d documenten", maxFormDocuments)) {
		t.Errorf("document-skipped notes %q, want one naming %s and that the first %d are read", notes, want, maxFormDocuments)
	}
}
