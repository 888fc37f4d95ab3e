package report

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/go-analyze/charts"

	"github.com/groeimeesters/klachtd/internal/wording"
)

// Chart formats.
const (
	FormatPNG = "png"
	FormatSVG = "svg"
)

// maxChartServices is how many services the chart names; the rest are summed as "other".
const maxChartServices = 12

const (
	chartWidth      = 900
	chartTrendH     = 300
	chartMinBarsH   = 260
	chartPerService = 34
)

// ChartPNG draws the report as a PNG in Dutch: complaints per service, stacked by verdict,
// and, when earlier periods are known, the trend of the totals.
func (r Report) ChartPNG() ([]byte, error) { return r.Chart("nl", FormatPNG) }

// Chart draws the report as a PNG or SVG image (format FormatPNG or FormatSVG), labelled in
// Dutch or, when lang is "en", English. It uses the chart library's embedded font.
func (r Report) Chart(language, format string) ([]byte, error) {
	if format != FormatPNG && format != FormatSVG {
		return nil, fmt.Errorf("draw chart: unknown format %q", format)
	}
	l := lang(language)
	names, values := r.chartBars(l)
	barsH := max(chartMinBarsH, 90+chartPerService*len(names))
	trend := r.trend()
	height := barsH
	if len(trend) > 0 {
		height += chartTrendH
	}
	p := charts.NewPainter(charts.PainterOptions{OutputFormat: format, Width: chartWidth, Height: height})
	p.FilledRect(0, 0, chartWidth, height, charts.ColorWhite, charts.ColorWhite, 0)
	bars := p.Child(charts.PainterBoxOption(charts.NewBox(0, 0, chartWidth, barsH)))
	if err := bars.BarChart(r.barOption(l, names, values)); err != nil {
		return nil, fmt.Errorf("draw chart of period %s: %w", r.Period, err)
	}
	if len(trend) > 0 {
		lines := p.Child(charts.PainterBoxOption(charts.NewBox(0, barsH, chartWidth, height)))
		if err := lines.LineChart(r.trendOption(l, trend)); err != nil {
			return nil, fmt.Errorf("draw trend chart of period %s: %w", r.Period, err)
		}
	}
	b, err := p.Bytes()
	if err != nil {
		return nil, fmt.Errorf("encode chart of period %s: %w", r.Period, err)
	}
	return b, nil
}

// chartBars gives the service labels, top service first, and per verdict column the counts
// per service; services beyond maxChartServices are summed as "other".
func (r Report) chartBars(l lang) ([]string, [][]float64) {
	svcs, vs := r.services(), r.verdicts()
	values := make([][]float64, len(vs))
	var names []string
	for i, s := range svcs {
		if i == maxChartServices-1 && len(svcs) > maxChartServices {
			names = append(names, l.say(wording.ReportOtherServices))
		} else if i < maxChartServices {
			names = append(names, l.service(s))
		}
		row := min(i, maxChartServices-1)
		for j, v := range vs {
			if len(values[j]) <= row {
				values[j] = append(values[j], 0)
			}
			values[j][row] += float64(r.Cross[s][v])
		}
	}
	if len(names) == 0 { // an empty period still gets a readable chart
		names = []string{l.say(wording.ReportChartEmpty)}
		for j := range values {
			values[j] = []float64{0}
		}
	}
	return names, values
}

func (r Report) barOption(l lang, names []string, values [][]float64) charts.BarChartOption {
	// A horizontal bar chart draws its first category at the bottom: reverse, so the
	// service with the most complaints comes first from the top.
	names = slices.Clone(names)
	slices.Reverse(names)
	for j := range values {
		values[j] = slices.Clone(values[j])
		slices.Reverse(values[j])
	}
	var legend []string
	for _, v := range r.verdicts() {
		legend = append(legend, l.verdict(v))
	}
	opt := charts.NewBarChartOptionWithSeries(charts.NewSeriesListBar(values,
		charts.BarSeriesOption{Names: legend}))
	opt.Horizontal = true
	opt.StackSeries = charts.Ptr(true)
	opt.Padding = charts.NewBox(20, 20, 30, 20)
	opt.Title = charts.TitleOption{Text: l.say(wording.ReportChartTitle) + ", " + clip(PeriodName(r.Period, string(l)))}
	opt.Legend = charts.LegendOption{SeriesNames: legend, Offset: charts.OffsetRight}
	opt.CategoryAxis = charts.CategoryAxisOption{Labels: names}
	opt.ValueFormatter = wholeNumber
	var top float64
	for i := range names {
		var sum float64
		for j := range values {
			sum += values[j][i]
		}
		top = max(top, sum)
	}
	opt.ValueAxis = []charts.ValueAxisOption{countAxis(top)}
	return opt
}

func (r Report) trendOption(l lang, trend []Summary) charts.LineChartOption {
	all := append(slices.Clone(trend), *r.Summarize())
	labels := make([]string, len(all))
	totals, gegrond := make([]float64, len(all)), make([]float64, len(all))
	for i, s := range all {
		labels[i], totals[i], gegrond[i] = clip(PeriodName(s.Period, string(l))), float64(s.Total), float64(s.Gegrond)
	}
	names := []string{l.say(wording.ReportColumnComplaints), l.say(wording.VerdictGegrond)}
	opt := charts.NewLineChartOptionWithSeries(charts.NewSeriesListLine([][]float64{totals, gegrond},
		charts.LineSeriesOption{Names: names}))
	opt.Padding = charts.NewBox(20, 20, 30, 20)
	opt.Title = charts.TitleOption{Text: l.say(wording.ReportPerHalfYear)}
	opt.Legend = charts.LegendOption{SeriesNames: names, Offset: charts.OffsetRight}
	// Each half year at its own tick, the line across the whole width from the oldest to
	// this one.
	opt.XAxis = charts.XAxisOption{Labels: labels, BoundaryGap: charts.Ptr(false)}
	opt.ValueFormatter = wholeNumber
	opt.YAxis = []charts.YAxisOption{countAxis(slices.Max(totals))}
	return opt
}

// countAxis is a value axis for counts from 0 to at least top, with a label on every whole
// number while there are few.
func countAxis(top float64) charts.ValueAxisOption {
	axis := charts.ValueAxisOption{Min: charts.Ptr(0.0)}
	if top <= 10 {
		top = max(top, 1)
		axis.Max, axis.LabelCount = charts.Ptr(top), int(top)+1
	}
	return axis
}

func wholeNumber(f float64) string { return strconv.FormatFloat(f, 'f', 0, 64) }
