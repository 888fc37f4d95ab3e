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
	"github.com/groeimeesters/klachtd/internal/docreader"
	"github.com/groeimeesters/klachtd/internal/mailtest"
	"github.com/groeimeesters/klachtd/internal/mailtest/bombs"
	"github.com/groeimeesters/klachtd/internal/store"
)

// mailWithDocument is a complaint whose text points to an attached document.
func mailWithDocument(from, msgID string, date time.Time, filename, ctype string, doc []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: Klacht\r\nDate: %s\r\nMessage-ID: <%s>\r\nMIME-Version: 1.0\r\n",
		from, orgAddr, date.Format(time.RFC1123Z), msgID)
	b.WriteString("Content-Type: multipart/mixed; boundary=\"grens\"\r\n\r\n--grens\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n\r\nIk heb een klacht over de training. Het formulier zit in de bijlage.\r\n" +
		"--grens\r\nContent-Type: " + ctype + "; name=\"" + filename + "\"\r\nContent-Transfer-Encoding: base64\r\n" +
		"Content-Disposition: attachment; filename=\"" + filename + "\"\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString(doc)
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n--grens--\r\n")
	return b.Bytes()
}

// TestDocumentsRead: an attached PDF form is read in a child process, and its answers are
// the case's.
func TestDocumentsRead(t *testing.T) {
	clock := &mailtest.Clock{}
	clock.Set(time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC))
	d, st := newTestDaemon(t, testConfig(t, "", "", "", 0), clock, nil)
	f := &feeder{d: d}
	pdf := bombs.TextPDF("Naam: Eva de Boer", "Datum: 3 maart 2026", "Omschrijving: De trainer kwam niet opdagen.",
		"Gevolgen: Een verloren dag.", "Gewenste afhandeling: Geld terug.", "Dienst: online cursus")
	f.feed(t, mailWithDocument("eva@example.nl", "pdf-1@example.nl", clock.Now(), "klachtformulier.pdf", "application/pdf", pdf))
	cases, err := st.Cases(context.Background(), "")
	if err != nil || len(cases) != 1 {
		t.Fatalf("cases: %v, %v", cases, err)
	}
	c, _, err := st.Case(context.Background(), cases[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{complaint.FieldNaam: "Eva de Boer", complaint.FieldDatum: "3 maart 2026",
		complaint.FieldOmschrijving: "De trainer kwam niet opdagen.", complaint.FieldGevolgen: "Een verloren dag.",
		complaint.FieldDienst: "online cursus"}
	for k, v := range want {
		if c.Fields[k] != v {
			t.Errorf("field %s = %q, want %q (from the PDF)", k, c.Fields[k], v)
		}
	}
	if hasEvent(timeline(t, st, c.ID), "document-skipped") {
		t.Error("the readable PDF is noted as skipped")
	}
}

// TestDocumentBombs: each hostile document is skipped (its reader killed or stopped at a limit,
// in its own process), the complaint carrying it is registered from its text with a timeline
// note and a note in the staff notice naming the document and why, and the complaint after it
// is registered and confirmed as if nothing happened.
func TestDocumentBombs(t *testing.T) {
	tests := []struct {
		name, filename, ctype string
		doc                   []byte
		exe                   bool
		why                   string
	}{
		{"flate bomb", "formulier.pdf", "application/pdf", bombs.FlatePDF(600), true, "het bestand is te groot"},
		{"self-listing page tree", "pagina's.pdf", "application/pdf", bombs.SelfListingPDF(50), true, "te ingewikkeld opgebouwd"},
		{"self-extending object stream", "stroom.pdf", "application/octet-stream", bombs.SelfExtendingPDF(), true, "te ingewikkeld opgebouwd"},
		{"no reader", "formulier.pdf", "application/pdf", bombs.TextPDF("Naam: X"), false, "kon het leesproces niet starten"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := &mailtest.Clock{}
			clock.Set(time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC))
			d, st := newTestDaemon(t, testConfig(t, "", "", "", 0), clock, nil)
			if !tt.exe {
				d.docs = docreader.New(docreader.Options{})
			}
			f := &feeder{d: d}
			bomber := fmt.Sprintf("bommen%d@example.nl", i)
			f.feed(t, mailWithDocument(bomber, fmt.Sprintf("bomb-%d@example.nl", i), clock.Now(), tt.filename, tt.ctype, tt.doc))
			f.feed(t, rawMail("Gewone Klager <gewoon@example.nl>", orgAddr, "Klacht over de training", "after-bomb@example.nl",
				clock.Now(), "Ik wil een klacht indienen over de training van vorige week."))
			sent := sendAll(t, d, clock.Now())
			for _, who := range []string{bomber, "gewoon@example.nl"} {
				if n := len(withTemplate(to(sent, who), "bevestiging")); n != 1 {
					t.Errorf("%s: %d confirmations, want 1", who, n)
				}
			}
			var bombCase string
			for _, c := range mustCases(t, st) {
				if c.Email == bomber {
					bombCase = c.ID
				}
			}
			if bombCase == "" {
				t.Fatal("the complaint with the document was not registered")
			}
			note := fmt.Sprintf("bijlage %q niet gelezen: ", tt.filename)
			found := false
			for _, e := range timeline(t, st, bombCase) {
				if e.Kind == "document-skipped" && strings.HasPrefix(e.Text, note) && strings.Contains(e.Text, tt.why) {
					found = true
				}
			}
			if !found {
				t.Errorf("no timeline note %q…%q on %s: %+v", note, tt.why, bombCase, timeline(t, st, bombCase))
			}
			var notice string
			for _, m := range withTemplate(to(sent, staffAddr), "melding-nieuw") {
				if strings.Contains(m.Subject, bombCase) {
					notice = normSpaces(m.Text)
				}
			}
			if !strings.Contains(notice, fmt.Sprintf("De bijlage %q is niet gelezen", tt.filename)) || !strings.Contains(notice, tt.why) {
				t.Errorf("the staff notice of %s does not name the skipped document and why:\n%s", bombCase, notice)
			}
		})
	}
}

func mustCases(t *testing.T, st *store.Store) []complaint.Case {
	t.Helper()
	cs, err := st.Cases(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func normSpaces(s string) string { return strings.Join(strings.Fields(s), " ") }
