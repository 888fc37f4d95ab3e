package report

import (
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/groeimeesters/klachtd/internal/clean"
	"github.com/groeimeesters/klachtd/internal/wording"
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
	rows := [][]string{{l.say(wording.ReportPeriod), l.say(wording.CSVFigure), l.say(wording.CSVKey),
		l.say(wording.CSVVerdict), l.say(wording.CSVValue)}}
	period := PeriodName(r.Period, language)
	add := func(figure, key, verdict, v string) { rows = append(rows, []string{period, figure, key, verdict, v}) }
	n := func(figure wording.Phrase, v int) { add(l.say(figure), "", "", strconv.Itoa(v)) }
	days := func(figure wording.Phrase, v float64, of int) {
		d := ""
		if of > 0 {
			d = l.num(v)
		}
		add(l.say(figure), "", "", d)
	}
	n(wording.ReportReceived, r.Total)
	n(wording.CSVPurged, r.Purged)
	n(wording.ReportClosed, r.Closed)
	n(wording.ReportOpen, r.Open)
	days(wording.CSVHandlingMedian, r.MedianDays, r.Closed)
	days(wording.CSVHandlingMean, r.MeanDays, r.Closed)
	days(wording.CSVHandlingLongest, r.MaxDays, r.Closed)
	days(wording.CSVOpenAgeMedian, r.OpenMedianAgeDays, r.Open)
	days(wording.CSVOpenAgeOldest, r.OpenMaxAgeDays, r.Open)
	n(wording.ReportConfirmedIn48, r.ConfirmedIn48)
	n(wording.CSVConfirmedLate, r.ConfirmedLate)
	n(wording.CSVUnconfirmed, r.Unconfirmed)
	n(wording.ReportDeadlinesKept, r.DeadlinesKept)
	n(wording.CSVDeadlinesMissed, r.DeadlinesMissed)
	n(wording.ReportPending, r.DeadlinesPending)
	n(wording.ReportOverdue, r.Overdue)
	n(wording.ReportExtended, r.Extended)
	n(wording.CSVExtendedAuto, r.ExtendedAuto)
	n(wording.CSVExtendedStaff, r.ExtendedStaff)
	n(wording.ReportEscalated, r.Escalated)
	for _, s := range r.services() {
		add(l.say(wording.CSVPerService), l.service(s), "", strconv.Itoa(r.PerService[s]))
	}
	for _, v := range r.verdicts() {
		add(l.say(wording.CSVPerVerdict), "", l.verdict(v), strconv.Itoa(r.PerVerdict[v]))
	}
	for _, s := range r.services() {
		for _, v := range r.verdicts() {
			add(l.say(wording.ReportPerServiceVerdict), l.service(s), l.verdict(v), strconv.Itoa(r.Cross[s][v]))
		}
	}
	for _, c := range r.Causes {
		add(l.say(wording.ShowCause), oneLine(c.Text), "", strconv.Itoa(c.N))
	}
	for _, c := range r.Measures {
		add(l.say(wording.ShowMeasure), oneLine(c.Text), "", strconv.Itoa(c.N))
	}
	for _, s := range r.trend() {
		p := PeriodName(s.Period, language)
		add(l.say(wording.CSVTrendComplaints), p, "", strconv.Itoa(s.Total))
		add(l.say(wording.CSVTrendGegrond), p, "", strconv.Itoa(s.Gegrond))
		add(l.say(wording.CSVTrendKept), p, "", strconv.Itoa(s.DeadlinesKept))
		add(l.say(wording.CSVTrendJudged), p, "", strconv.Itoa(s.DeadlinesJudged))
		med := ""
		if s.Closed > 0 {
			med = l.num(s.MedianDays)
		}
		add(l.say(wording.CSVTrendMedian), p, "", med)
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
