package daemon

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/form"
	"github.com/groeimeesters/klachtd/internal/intake"
	"github.com/groeimeesters/klachtd/internal/mailparse"
	"github.com/groeimeesters/klachtd/internal/mailtest"
	"github.com/groeimeesters/klachtd/internal/mailtest/bombs"
)

// formBody is a klachtformulier filled in in the mail's text.
const formBody = "Geachte heer, mevrouw,\n\nHierbij mijn klacht.\n\nNaam: Jan de Vries\nTelefoon: 06-12345678\n" +
	"Datum van het voorval: 3 november 2026\nOmschrijving van de klacht: De training begon een uur te laat.\n"

// withDocx is a complaint with a .docx attached, which the form reader would read.
func withDocx(msgID string) []byte {
	return []byte("From: Jan <jan@example.nl>\r\nTo: " + orgAddr + "\r\nSubject: Klacht over de training\r\n" +
		"Date: " + time.Now().Format(time.RFC1123Z) + "\r\nMessage-ID: <" + msgID + ">\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"Mijn klacht staat in het formulier.\r\n--b\r\nContent-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document\r\n" +
		"Content-Disposition: attachment; filename=klachtformulier.docx\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		"UEsDBAoAAAAAAA==\r\n--b--\r\n")
}

// TestPreparedAhead checks what prepareAhead works out of a message besides its parse: the
// share of triage that needs no look-up for every message, and the form of a message that
// can only be a new complaint and has no document to read; no form for a message that may
// turn out a reply, or whose documents the form reader would read.
func TestPreparedAhead(t *testing.T) {
	d, _ := newTestDaemon(t, testConfig(t, "", "", "", 0), mailtest.NewRunningClock(time.Now()), nil)
	now := time.Now()
	tests := []struct {
		name            string
		raw             []byte
		complaint, form bool
	}{
		{"a complaint with its form in the text", rawMail("Jan <jan@example.nl>", orgAddr, "Klacht over de training", "a@example.nl", now, formBody), true, true},
		{"ordinary mail", rawMail("Piet <piet@example.nl>", orgAddr, "Afspraak", "b@example.nl", now, "Kunnen we dinsdag afspreken?\n"), false, false},
		{"a reply by its threading fields", rawMail("Jan <jan@example.nl>", orgAddr, "Re: uw bericht", "c@example.nl", now, formBody,
			"In-Reply-To: <klachtd.kl-2026-0001.bevestiging.1.ab@example.org>"), true, false},
		{"a reference in the subject", rawMail("Jan <jan@example.nl>", orgAddr, "Re: [KL-2026-0001] Klacht", "d@example.nl", now, formBody), true, false},
		{"automatic mail", rawMail("Jan <jan@example.nl>", orgAddr, "Klacht", "e@example.nl", now, formBody, "Auto-Submitted: auto-replied"), true, false},
		{"a document to read", withDocx("f@example.nl"), true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &intake.Fetched{Mailbox: "INBOX", UIDValidity: 1, UID: 1, Raw: tt.raw, Header: headerOf(tt.raw), Size: int64(len(tt.raw))}
			p, ok := d.prepareAhead(f).(parsed)
			if !ok || p.err != nil {
				t.Fatalf("prepareAhead = %#v, want the message parsed", p)
			}
			if got := p.ahead.Complaint(); got != tt.complaint {
				t.Errorf("ahead.Complaint() = %v, want %v", got, tt.complaint)
			}
			if got := p.textForm != nil; got != tt.form {
				t.Fatalf("form read ahead: %v, want %v", got, tt.form)
			}
			if p.textForm != nil {
				want := form.Extract(p.msg.Text, p.msg.HTML, nil, p.msg.From.Name, d.cfg.Complaints.Services)
				if !reflect.DeepEqual(p.textForm.res, want) || p.textForm.res.Phone != "06-12345678" {
					t.Errorf("form read ahead = %+v, want %+v", p.textForm.res, want)
				}
			}
		})
	}
}

// TestPreparedCaseSame checks that a complaint handled with its work done ahead (as the intake
// hands it over) becomes the same case as one the handler works out itself.
func TestPreparedCaseSame(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	cases := map[bool]complaint.Case{}
	for _, ahead := range []bool{false, true} {
		d, st := newTestDaemon(t, testConfig(t, "", "", "", 0), mailtest.NewRunningClock(now), nil)
		raw := rawMail("Jan <jan@example.nl>", orgAddr, "Klacht over de training", "same@example.nl", now, formBody)
		f := &intake.Fetched{Mailbox: "INBOX", UIDValidity: 1, UID: 1, Raw: raw, Header: headerOf(raw), Size: int64(len(raw)), InternalDate: now}
		if ahead {
			v := d.prepareAhead(f)
			if p, ok := v.(parsed); !ok || p.textForm == nil {
				t.Fatalf("prepareAhead = %#v, want the form read ahead", v)
			}
			f.Prepared = func() any { return v }
		}
		if _, err := d.Handle(ctx, f); err != nil {
			t.Fatal(err)
		}
		list := mustCases(t, st)
		if len(list) != 1 {
			t.Fatalf("cases = %d, want 1", len(list))
		}
		cases[ahead] = list[0]
	}
	plain, ahead := cases[false], cases[true]
	if plain.Phone != "06-12345678" || plain.Fields["omschrijving"] == "" {
		t.Fatalf("the case from the form: phone %q, fields %v; want the form's answers", plain.Phone, plain.Fields)
	}
	if ahead.Phone != plain.Phone || ahead.Name != plain.Name || !reflect.DeepEqual(ahead.Fields, plain.Fields) {
		t.Errorf("case with the form read ahead: %q %q %v; without: %q %q %v", ahead.Name, ahead.Phone, ahead.Fields,
			plain.Name, plain.Phone, plain.Fields)
	}
}

// TestExtractTakesAhead checks when extract takes the form read ahead: only when it was read
// from the very text, HTML and fallback name it would read, and no document was read.
func TestExtractTakesAhead(t *testing.T) {
	d, _ := newTestDaemon(t, testConfig(t, "", "", "", 0), mailtest.NewRunningClock(time.Now()), nil)
	marker := form.Result{Phone: "read ahead"}
	reg := Registration{Name: "Jan de Vries", Email: "jan@example.nl", Text: formBody}
	tests := []struct {
		name  string
		ahead *textForm
		taken bool
	}{
		{"the same inputs", &textForm{text: formBody, html: "", name: "Jan de Vries", res: marker}, true},
		{"nothing read ahead", nil, false},
		{"another name (the web form's Reply-To)", &textForm{text: formBody, name: "Iemand anders", res: marker}, false},
		{"another text (the message read whole)", &textForm{text: formBody + "meer", name: "Jan de Vries", res: marker}, false},
		{"another HTML", &textForm{text: formBody, html: "<p>x</p>", name: "Jan de Vries", res: marker}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := d.extract(context.Background(), reg, tt.ahead)
			if err != nil {
				t.Fatal(err)
			}
			if taken := got.Phone == marker.Phone; taken != tt.taken {
				t.Errorf("form read ahead taken: %v, want %v (phone %q)", taken, tt.taken, got.Phone)
			}
			if !tt.taken && got.Phone != "06-12345678" {
				t.Errorf("phone = %q, want the form's own", got.Phone)
			}
		})
	}
}

// TestExtractAheadNotWithDocuments checks that a form read ahead from the text is not taken
// when a document was read: the document's answers count too.
func TestExtractAheadNotWithDocuments(t *testing.T) {
	d, _ := newTestDaemon(t, testConfig(t, "", "", "", 0), mailtest.NewRunningClock(time.Now()), nil)
	doc := bombs.TextPDF("Naam: Jan de Vries", "Telefoon: 06-99999999", "Omschrijving van de klacht: te laat")
	reg := Registration{Name: "Jan de Vries", Email: "jan@example.nl", Text: "Zie het formulier.\n",
		Attachments: []mailparse.Attachment{{Filename: "klachtformulier.pdf", ContentType: "application/pdf", Data: doc, Size: len(doc)}}}
	ahead := &textForm{text: reg.Text, name: reg.Name, res: form.Result{Phone: "read ahead"}}
	got, skipped, err := d.extract(context.Background(), reg, ahead)
	if err != nil {
		t.Fatal(err)
	}
	if got.Phone != "06-99999999" {
		t.Errorf("phone = %q (skipped %v), want the document's", got.Phone, skipped)
	}
	if !strings.Contains(fmt.Sprint(got.Sources), "pdf") {
		t.Errorf("sources = %v, want the document among them", got.Sources)
	}
}

// TestHandleTakesFormReadAhead checks that Handle takes the form the preparer read, instead of
// reading it again: the case gets the answer only the form read ahead holds.
func TestHandleTakesFormReadAhead(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	d, st := newTestDaemon(t, testConfig(t, "", "", "", 0), mailtest.NewRunningClock(now), nil)
	raw := rawMail("Jan <jan@example.nl>", orgAddr, "Klacht over de training", "taken@example.nl", now, formBody)
	f := &intake.Fetched{Mailbox: "INBOX", UIDValidity: 1, UID: 1, Raw: raw, Header: headerOf(raw), Size: int64(len(raw)), InternalDate: now}
	p, ok := d.prepareAhead(f).(parsed)
	if !ok || p.textForm == nil {
		t.Fatalf("prepareAhead = %#v, want the form read ahead", p)
	}
	p.textForm.res.Phone = "06-00000000" // what the form read ahead says, and the text does not
	f.Prepared = func() any { return p }
	if _, err := d.Handle(ctx, f); err != nil {
		t.Fatal(err)
	}
	list := mustCases(t, st)
	if len(list) != 1 {
		t.Fatalf("cases = %d, want 1", len(list))
	}
	if got := list[0].Phone; got != "06-00000000" {
		t.Errorf("phone = %q, want the form read ahead's", got)
	}
}
