package report

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/wording"
)

// maxLabel is the longest service name, cause or measure shown in a table or chart, in runes.
const maxLabel = 60

// lang picks the Dutch or English wording; any language other than "en" gets Dutch.
type lang string

// say is the phrase p in l; the report's words are phrases in internal/wording, with the
// rest of klachtd's sentences. What stays here is format glue: separators, columns, numbers.
func (l lang) say(p wording.Phrase, args ...any) string { return p.In(string(l), args...) }

// num writes a figure with one decimal, with a decimal comma in Dutch.
func (l lang) num(f float64) string {
	s := strconv.FormatFloat(f, 'f', 1, 64)
	if l != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// days writes a figure in days of n cases, or "–" when there are none to measure: a median of
// no handling times is not 0,0.
func (l lang) days(f float64, n int) string {
	if n == 0 {
		return "–"
	}
	return l.num(f)
}

// pct writes a share such as "4 van 5 (80%)", or "–" when there is nothing to share.
func (l lang) pct(n, of int) string {
	if of == 0 {
		return "–"
	}
	return l.say(wording.ReportShare, n, of, (200*n+of)/(2*of))
}

func (l lang) service(s string) string {
	if s == "" {
		return l.say(wording.ReportNoService)
	}
	return clip(s)
}

func (l lang) verdict(v string) string {
	switch v {
	case "":
		return l.say(wording.ReportNoVerdict)
	case "gegrond":
		return l.say(wording.VerdictGegrond)
	case "ongegrond":
		return l.say(wording.VerdictOngegrond)
	}
	return clip(v)
}

// clip shortens a label to maxLabel runes.
func clip(s string) string {
	s = oneLine(s)
	if utf8.RuneCountInString(s) <= maxLabel {
		return s
	}
	return string([]rune(s)[:maxLabel-1]) + "…"
}

// Text is the report as plain text, in Dutch or, when lang is "en", English. A period without
// complaints says so, with the trend of the earlier periods when there is one.
func (r Report) Text(language string) string {
	l := lang(language)
	var b strings.Builder
	if r.Total == 0 {
		b.WriteString(r.NoComplaints(language) + "\n")
	} else {
		writeTable(&b, r.summaryRows(l), 0)
		b.WriteString("\n" + l.say(wording.ReportPerServiceVerdict) + "\n")
		writeTable(&b, r.crossRows(l), 1)
		writeCounts(&b, l.say(wording.ReportCauses), r.Causes)
		writeCounts(&b, l.say(wording.ReportMeasures), r.Measures)
	}
	if t := r.trend(); len(t) > 0 {
		b.WriteString("\n" + l.say(wording.ReportTrend) + "\n")
		writeTable(&b, r.trendRows(l, t), 1)
	}
	return b.String()
}

// NoComplaints is the sentence for a period in which no complaint was received.
func (r Report) NoComplaints(language string) string {
	l := lang(language)
	return l.say(wording.ReportNoComplaints, r.PeriodWords(language))
}

// Title is the report's title: "klachtenanalyse tweede helft 2026, 1 juli t/m 31 december".
func (r Report) Title(language string) string {
	l := lang(language)
	return l.say(wording.ReportTitle, r.PeriodWords(language))
}

// PeriodWords is the period as a person says it: "tweede helft 2026, 1 juli t/m 31 december"
// ("second half of 2026, 1 July to 31 December"); a period that is not a half year is named
// by its label and its first and last day.
func (r Report) PeriodWords(language string) string {
	l := lang(language)
	name := PeriodName(r.Period, language)
	if r.Start.IsZero() || !r.End.After(r.Start) {
		return name
	}
	loc := r.Start.Location()
	first := complaint.FormatDate(r.Start, string(l), loc)
	last := complaint.FormatDate(r.End.AddDate(0, 0, -1), string(l), loc)
	if name != r.Period && r.Start.Year() == r.End.AddDate(0, 0, -1).Year() {
		// The year is in the name already.
		year := " " + strconv.Itoa(r.Start.Year())
		first, last = strings.TrimSuffix(first, year), strings.TrimSuffix(last, year)
	}
	return l.say(wording.ReportPeriodSpan, name, first, last)
}

// PeriodName names a half year in words: "2026H2" is "tweede helft 2026" ("second half of
// 2026"); any other label is returned as it is.
func PeriodName(label, language string) string {
	l := lang(language)
	year, half, ok := strings.Cut(strings.ToUpper(label), "H")
	if !ok || len(year) != 4 || (half != "1" && half != "2") {
		return label
	}
	if _, err := strconv.Atoi(year); err != nil {
		return label
	}
	if half == "1" {
		return l.say(wording.ReportFirstHalf, year)
	}
	return l.say(wording.ReportSecondHalf, year)
}

// summaryRows is the table of key figures: label, value.
func (r Report) summaryRows(l lang) [][]string {
	period := r.PeriodWords(string(l))
	received := strconv.Itoa(r.Total)
	if r.Purged > 0 {
		received += l.say(wording.ReportPurgedOf, r.Purged)
	}
	extended := strconv.Itoa(r.Extended)
	if r.ExtendedAuto+r.ExtendedStaff > 0 {
		extended += l.say(wording.ReportExtendedBy, r.ExtendedAuto, r.ExtendedStaff)
	}
	return [][]string{
		{l.say(wording.ReportPeriod), period},
		{l.say(wording.ReportReceived), received},
		{l.say(wording.ReportClosed), strconv.Itoa(r.Closed)},
		{l.say(wording.ReportOpen), strconv.Itoa(r.Open)},
		{l.say(wording.ReportHandling), r.handlingText(l)},
		{l.say(wording.ReportOpenAge), r.openAgeText(l)},
		{l.say(wording.ReportConfirmedIn48), l.pct(r.ConfirmedIn48, r.Total)},
		{l.say(wording.ReportDeadlinesKept), l.pct(r.DeadlinesKept, r.DeadlinesJudged())},
		{l.say(wording.ReportOverdue), strconv.Itoa(r.Overdue)},
		{l.say(wording.ReportPending), strconv.Itoa(r.DeadlinesPending)},
		{l.say(wording.ReportExtended), extended},
		{l.say(wording.ReportEscalated), strconv.Itoa(r.Escalated)},
	}
}

// handlingText is the handling time of the closed cases, "–" when none was closed.
func (r Report) handlingText(l lang) string {
	if r.Closed == 0 {
		return "–"
	}
	return l.say(wording.ReportHandlingFigures, l.num(r.MedianDays), l.num(r.MeanDays), l.num(r.MaxDays))
}

// openAgeText is the age of the open cases, "–" when none is open.
func (r Report) openAgeText(l lang) string {
	if r.Open == 0 {
		return "–"
	}
	return l.say(wording.ReportOpenAgeFigures, l.num(r.OpenMedianAgeDays), l.num(r.OpenMaxAgeDays))
}

// crossRows is the service × verdict table with a header and a total row.
func (r Report) crossRows(l lang) [][]string {
	vs := r.verdicts()
	head := []string{l.say(wording.ReportColumnService), l.say(wording.ReportTotal)}
	for _, v := range vs {
		head = append(head, l.verdict(v))
	}
	rows := [][]string{head}
	for _, s := range r.services() {
		row := []string{l.service(s), strconv.Itoa(r.PerService[s])}
		for _, v := range vs {
			row = append(row, strconv.Itoa(r.Cross[s][v]))
		}
		rows = append(rows, row)
	}
	total := []string{l.say(wording.ReportTotal), strconv.Itoa(r.Total)}
	for _, v := range vs {
		total = append(total, strconv.Itoa(r.PerVerdict[v]))
	}
	return append(rows, total)
}

// trendRows is the table of earlier periods and this one.
func (r Report) trendRows(l lang, t []Summary) [][]string {
	rows := [][]string{{l.say(wording.ReportColumnPeriod), l.say(wording.ReportColumnComplaints), l.say(wording.VerdictGegrond),
		l.say(wording.VerdictOngegrond), l.say(wording.ReportColumnKept), l.say(wording.ReportColumnMedian),
		l.say(wording.ReportColumnCommissaris)}}
	for _, s := range append(t, *r.Summarize()) {
		rows = append(rows, []string{clip(PeriodName(s.Period, string(l))), strconv.Itoa(s.Total), strconv.Itoa(s.Gegrond), strconv.Itoa(s.Ongegrond),
			l.pct(s.DeadlinesKept, s.DeadlinesJudged), l.days(s.MedianDays, s.Closed), strconv.Itoa(s.Escalated)})
	}
	return rows
}

func writeCounts(b *strings.Builder, title string, cs []Count) {
	if len(cs) == 0 {
		return
	}
	b.WriteString("\n" + title + "\n")
	for _, c := range cs {
		fmt.Fprintf(b, "  - %s (%d×)\n", oneLine(c.Text), c.N)
	}
}

// writeTable writes rows in columns two spaces apart, indented by two spaces when indent is
// 1; columns from the second on are right-aligned in an indented table.
func writeTable(b *strings.Builder, rows [][]string, indent int) {
	var width []int
	for _, row := range rows {
		for i, c := range row {
			if i >= len(width) {
				width = append(width, 0)
			}
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	for _, row := range rows {
		line := strings.Repeat("  ", indent)
		for i, c := range row {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			switch {
			case i == 0:
				line += c + pad
			case indent > 0:
				line += "  " + pad + c
			default:
				line += "  " + c
			}
		}
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
}
