package report

import (
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/groeimeesters/klachtd/internal/clean"
)

// CSV is the report as a table for a spreadsheet, in the organisation's language: a header
// row, then one row per figure (period, figure, service or text, verdict, value). Periods and
// figures are named in words, a missing service is "(geen dienst genoemd)", a figure that
// cannot be measured (the handling time of no closed case) is empty. Every cell is inert in a
// spreadsheet (see inert).
func (r Report) CSV(language string) string {
	l := lang(language)
	var b strings.Builder
	w := csv.NewWriter(&b)
	rows := [][]string{{l.t("Periode", "Period"), l.t("Cijfer", "Figure"), l.t("Dienst of tekst", "Service or text"),
		l.t("Oordeel", "Verdict"), l.t("Waarde", "Value")}}
	period := PeriodName(r.Period, language)
	add := func(figure, key, verdict, v string) { rows = append(rows, []string{period, figure, key, verdict, v}) }
	n := func(nl, en string, v int) { add(l.t(nl, en), "", "", strconv.Itoa(v)) }
	days := func(nl, en string, v float64, of int) {
		d := ""
		if of > 0 {
			d = l.num(v)
		}
		add(l.t(nl, en), "", "", d)
	}
	n("Klachten ontvangen", "Complaints received", r.Total)
	n("Geanonimiseerd na de bewaartermijn", "Anonymised after the retention period", r.Purged)
	n("Afgehandeld", "Closed", r.Closed)
	n("Nog open", "Still open", r.Open)
	days("Doorlooptijd in dagen, mediaan", "Handling time in days, median", r.MedianDays, r.Closed)
	days("Doorlooptijd in dagen, gemiddeld", "Handling time in days, mean", r.MeanDays, r.Closed)
	days("Doorlooptijd in dagen, langst", "Handling time in days, longest", r.MaxDays, r.Closed)
	days("Leeftijd open klachten in dagen, mediaan", "Age of open complaints in days, median", r.OpenMedianAgeDays, r.Open)
	days("Leeftijd open klachten in dagen, oudste", "Age of open complaints in days, oldest", r.OpenMaxAgeDays, r.Open)
	n("Ontvangst bevestigd binnen 48 uur", "Receipt confirmed within 48 hours", r.ConfirmedIn48)
	n("Ontvangst later bevestigd", "Receipt confirmed later", r.ConfirmedLate)
	n("Ontvangst niet bevestigd", "Receipt not confirmed", r.Unconfirmed)
	n("Binnen de (verlengde) termijn beslist", "Decided within the (extended) term", r.DeadlinesKept)
	n("Niet binnen de termijn beslist", "Not decided within the term", r.DeadlinesMissed)
	n("Termijn nog niet te beoordelen", "Term not yet to be judged", r.DeadlinesPending)
	n("Termijn verstreken, nog open", "Term passed, still open", r.Overdue)
	n("Termijn verlengd", "Term extended", r.Extended)
	n("Termijn automatisch verlengd", "Term extended automatically", r.ExtendedAuto)
	n("Termijn verlengd door medewerkers", "Term extended by staff", r.ExtendedStaff)
	n("Voorgelegd aan de klachtencommissaris", "Referred to the complaints commissioner", r.Escalated)
	for _, s := range r.services() {
		add(l.t("Per dienst", "Per service"), l.service(s), "", strconv.Itoa(r.PerService[s]))
	}
	for _, v := range r.verdicts() {
		add(l.t("Per oordeel", "Per verdict"), "", l.verdict(v), strconv.Itoa(r.PerVerdict[v]))
	}
	for _, s := range r.services() {
		for _, v := range r.verdicts() {
			add(l.t("Per dienst en oordeel", "Per service and verdict"), l.service(s), l.verdict(v), strconv.Itoa(r.Cross[s][v]))
		}
	}
	for _, c := range r.Causes {
		add(l.t("Oorzaak", "Cause"), oneLine(c.Text), "", strconv.Itoa(c.N))
	}
	for _, c := range r.Measures {
		add(l.t("Maatregel", "Measure"), oneLine(c.Text), "", strconv.Itoa(c.N))
	}
	for _, s := range r.trend() {
		p := PeriodName(s.Period, language)
		add(l.t("Trend: klachten", "Trend: complaints"), p, "", strconv.Itoa(s.Total))
		add(l.t("Trend: gegrond", "Trend: justified"), p, "", strconv.Itoa(s.Gegrond))
		add(l.t("Trend: binnen de termijn beslist", "Trend: decided within the term"), p, "", strconv.Itoa(s.DeadlinesKept))
		add(l.t("Trend: termijn te beoordelen", "Trend: terms judged"), p, "", strconv.Itoa(s.DeadlinesJudged))
		med := ""
		if s.Closed > 0 {
			med = l.num(s.MedianDays)
		}
		add(l.t("Trend: mediane doorlooptijd in dagen", "Trend: median handling time in days"), p, "", med)
	}
	for _, row := range rows {
		for i := range row {
			row[i] = inert(row[i])
		}
	}
	_ = w.WriteAll(rows) // a strings.Builder does not fail
	return b.String()
}

// inert makes a cell that a spreadsheet shows as the text it is: no control characters or
// line breaks, and a cell beginning with =, +, -, @, a tab or a carriage return (which Excel,
// LibreOffice and Google Sheets read as a formula: "=HYPERLINK(…)", "-2+3+cmd|…", "@SUM(…)")
// gets a leading apostrophe, the spreadsheets' own mark for "this is text".
func inert(s string) string {
	s = clean.Line(s) // first: "\x1b=cmd" must not become "=cmd" after the check
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		s = "'" + s
	}
	return s
}

// JSON is the report as indented JSON.
func (r Report) JSON() string {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil { // only a non-finite figure could do this; the analysis makes none
		return "{}\n"
	}
	return string(b) + "\n"
}
