package render

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func newTest(t *testing.T, overrideDir string) *Renderer {
	t.Helper()
	r, err := New(os.DirFS(filepath.Join("..", "..", "templates")), overrideDir)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return r
}

// sampleFor is SampleData as a caller would fill it for kind in lang.
func sampleFor(kind, lang string) Data {
	d := SampleData()
	switch kind {
	case "melding":
		d.Notice, d.Detail = NoticeReplyComplainant, ""
	case "herinnering":
		d.Notice, d.Detail, d.Body = NoticeRemindBeforeDue, "", ""
	case "melding-nieuw":
		d.Detail = ""
		d.Body = "Goedendag,\nIk wil een klacht indienen over de intervisie van 10 december.\nJan de Vries"
	case "commando-fout", "commando-ok":
		d.Detail = ""
	case "storing":
		d.Notice, d.Body = "oauth2-refused", ""
		d.Detail = "the OAuth2 server refused klachtd's refresh token (invalid_grant: AADSTS700082: The refresh token has expired due to inactivity.), so klachtd can no longer log in to the mailbox"
		d.StaffText = "sign in again, once: klachtd oauth2 login --config /etc/klachtd/config.toml"
	}
	if lang != "en" {
		return d
	}
	d.Language = "en"
	d.PeriodName = "second half of 2026, 1 July to 31 December"
	en := map[string]string{
		"Naam van indiener": "Name of the complainant", "Datum van de klacht": "Date of the complaint",
		"Omschrijving van de klacht": "Description of the complaint", "Gevolgen voor u": "Consequences for you",
		"14 december 2026": "14 December 2026",
	}
	fields := make([]Field, len(d.Case.Fields))
	for i, f := range d.Case.Fields {
		f.Label = en[f.Label]
		if v, ok := en[f.Value]; ok {
			f.Value = v
		}
		fields[i] = f
	}
	d.Case.Fields = fields
	d.Case.Missing = []string{"Desired resolution", "Service"}
	d.Case.Received, d.Case.Due, d.Case.Closed, d.Case.RemedyDue = "15 December 2026", "12 January 2027", "20 January 2027", "31 January 2027"
	d.Case.NextDeadline = "12 January 2027 (decision term)"
	d.Case.Summary = "Mr De Vries complains that an intervision session was cancelled without notice."
	d.Term = "9 February 2027"
	d.StaffText = "We have spoken with the facilitator.\nYou will be offered a replacement session."
	d.Errors = []string{"Unknown tag [gegrnd]."}
	d.Changes = []string{"Status: in-behandeling → beoordeeld (gegrond).", "Outcome sent to jan.devries@example.nl."}
	if kind == "melding" {
		d.Body = "Here is the information you asked for.\nI would like a replacement session."
	} else if kind == "melding-nieuw" {
		d.Body = "Hello,\nI would like to complain about the intervision session of 10 December.\nJan de Vries"
	}
	other := d.Cases[1]
	other.Received, other.Due = "20 November 2026", "18 December 2026"
	other.NextDeadline = "18 December 2026 (decision term)"
	d.Cases, d.Overdue = []CaseView{d.Case, other}, []CaseView{other}
	return d
}

func osDirFS() fs.FS { return os.DirFS(filepath.Join("..", "..", "templates")) }

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}
