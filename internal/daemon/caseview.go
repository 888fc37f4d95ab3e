package daemon

import (
	"strings"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/render"
	"github.com/groeimeesters/klachtd/internal/wording"
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

// summary is the short case summary for the commissaris: what it is about, never notes.
func summary(c *complaint.Case, lang string) string {
	desc := strings.TrimSpace(c.Fields[complaint.FieldOmschrijving])
	if r := []rune(desc); len(r) > 600 {
		desc = string(r[:600]) + " …"
	}
	var b strings.Builder
	b.WriteString(wording.Summary.In(lang, c.ID, c.Name))
	if c.Service != "" {
		b.WriteString(wording.SummaryService.In(lang, c.Service))
	}
	if c.Verdict != "" {
		b.WriteString(wording.SummaryVerdict.In(lang, verdictWord(c.Verdict, lang)))
	}
	b.WriteString(".")
	if desc != "" {
		// A paragraph of its own: the complaint in the complainant's words, not a sentence
		// that runs on from "ons oordeel: gegrond."
		b.WriteString("\n\n" + desc)
	}
	return b.String()
}

// verdictWord is a verdict in words: in Dutch as it is (gegrond, ongegrond), in English its
// translation.
func verdictWord(v complaint.Verdict, lang string) string {
	switch v {
	case complaint.VerdictGegrond:
		return wording.VerdictGegrond.In(lang)
	case complaint.VerdictOngegrond:
		return wording.VerdictOngegrond.In(lang)
	}
	return string(v)
}

// deadlineLabel names the deadline Case.NextDeadline reports ("due" or "remedy").
func deadlineLabel(what, lang string) string {
	switch what {
	case "due":
		return wording.DecisionTerm.In(lang)
	case "remedy":
		return wording.RemedyTerm.In(lang)
	}
	return ""
}
