package daemon

import (
	"fmt"
	"strings"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/render"
)

// How a case reads in the templates: its fields by label, its dates in the reader's language,
// the commissaris' summary.

// caseView formats a case for templates in a language.
func (d *Daemon) caseView(c *complaint.Case, lang string) render.CaseView {
	loc := d.cfg.Organisation.Location
	date := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return complaint.FormatDate(t, lang, loc)
	}
	v := render.CaseView{
		ID: c.ID, Name: c.Name, Email: c.Email, Phone: c.Phone, Service: c.Service,
		Status: string(c.Status), Verdict: string(c.Verdict), Received: date(c.ReceivedAt),
		Due: date(c.DueAt), Closed: date(c.ClosedAt), RemedyDue: date(c.RemedyDueAt),
		Extended: c.Extended, Cause: c.Cause, Measure: c.Measure,
	}
	for _, f := range complaint.FormFields {
		if val := strings.TrimSpace(c.Fields[f]); val != "" {
			v.Fields = append(v.Fields, render.Field{Key: f, Label: fieldLabel(f, lang), Value: val})
		}
	}
	for _, f := range c.Missing() {
		v.Missing = append(v.Missing, fieldLabel(f, lang))
	}
	v.Summary = summary(c, lang)
	if next, what := c.NextDeadline(); !next.IsZero() {
		v.NextDeadline = date(next) + " (" + deadlineLabel(what, lang) + ")"
	}
	return v
}

var labels = map[string][2]string{
	complaint.FieldNaam:                {"Naam van indiener", "Your name"},
	complaint.FieldDatum:               {"Datum van de klacht", "Date of the complaint"},
	complaint.FieldOmschrijving:        {"Omschrijving van de klacht (wat is er gebeurd en tegen wie)", "Description of the complaint (what happened, and against whom)"},
	complaint.FieldGevolgen:            {"Gevolgen voor u (de invloed op uw ontwikkeling, cursus, training of begeleiding)", "Consequences for you (the effect on your development, course, training or coaching)"},
	complaint.FieldGewensteAfhandeling: {"Hoe wij uw klacht het beste kunnen afhandelen", "How we can best resolve your complaint"},
	complaint.FieldAanvullend:          {"Aanvullende informatie", "Additional information"},
	complaint.FieldDienst:              {"Over welke dienst uw klacht gaat", "Which service your complaint concerns"},
}

func fieldLabel(f, lang string) string {
	if lang == "en" {
		return labels[f][1]
	}
	return labels[f][0]
}

// summary is the short case summary for the commissaris: what it is about, never notes.
func summary(c *complaint.Case, lang string) string {
	desc := strings.TrimSpace(c.Fields[complaint.FieldOmschrijving])
	if r := []rune(desc); len(r) > 600 {
		desc = string(r[:600]) + " …"
	}
	var b strings.Builder
	if lang == "en" {
		fmt.Fprintf(&b, "Complaint %s by %s", c.ID, c.Name)
		if c.Service != "" {
			fmt.Fprintf(&b, " about %s", c.Service)
		}
		if c.Verdict != "" {
			fmt.Fprintf(&b, "; our assessment: %s", verdictWord(c.Verdict, lang))
		}
	} else {
		fmt.Fprintf(&b, "Klacht %s van %s", c.ID, c.Name)
		if c.Service != "" {
			fmt.Fprintf(&b, " over %s", c.Service)
		}
		if c.Verdict != "" {
			fmt.Fprintf(&b, "; ons oordeel: %s", verdictWord(c.Verdict, lang))
		}
	}
	b.WriteString(".")
	if desc != "" {
		// A paragraph of its own: the complaint in the complainant's words, not a sentence
		// that runs on from "ons oordeel: gegrond."
		b.WriteString("\n\n" + desc)
	}
	return b.String()
}

func verdictWord(v complaint.Verdict, lang string) string {
	switch {
	case v == complaint.VerdictGegrond && lang == "en":
		return "justified"
	case v == complaint.VerdictOngegrond && lang == "en":
		return "unjustified"
	}
	return string(v)
}

func deadlineLabel(what, lang string) string {
	m := map[string][2]string{"due": {"beslistermijn", "decision term"}, "remedy": {"hersteltermijn", "remediation term"}}
	if lang == "en" {
		return m[what][1]
	}
	return m[what][0]
}
