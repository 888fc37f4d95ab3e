package report

import (
	"encoding/base64"
	"html/template"
	"strings"

	"github.com/groeimeesters/klachtd/internal/wording"
)

// htmlPage is the standalone page; every value is escaped by html/template, the chart is a
// data URI built here from the PNG bytes alone.
var htmlPage = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Org}} — {{.Title}}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222;line-height:1.4}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em}
table{border-collapse:collapse;margin:.5em 0}
td,th{padding:.25em .8em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
tr.total td{font-weight:bold;border-top:2px solid #999}
img{max-width:100%;height:auto}
</style>
</head>
<body>
<h1>{{.Org}} — {{.Title}}</h1>
{{- if .None}}
<p>{{.None}}</p>
{{- else}}
<table>
{{- range .Summary}}
<tr><th>{{index . 0}}</th><td>{{index . 1}}</td></tr>
{{- end}}
</table>
<h2>{{.CrossTitle}}</h2>
{{template "grid" .Cross}}
{{- end}}
{{- if .Causes}}
<h2>{{.CausesTitle}}</h2>
<ul>{{range .Causes}}<li>{{.Text}} ({{.N}}×)</li>{{end}}</ul>
{{- end}}
{{- if .Measures}}
<h2>{{.MeasuresTitle}}</h2>
<ul>{{range .Measures}}<li>{{.Text}} ({{.N}}×)</li>{{end}}</ul>
{{- end}}
{{- if .Trend}}
<h2>{{.TrendTitle}}</h2>
{{template "grid" .Trend}}
{{- end}}
{{- if .Chart}}
<h2>{{.ChartTitle}}</h2>
<p><img src="{{.Chart}}" alt="{{.ChartTitle}}"></p>
{{- end}}
</body>
</html>
{{define "grid"}}<table>
<tr>{{range $j, $c := .Head}}<th{{if gt $j 0}} class="n"{{end}}>{{$c}}</th>{{end}}</tr>
{{- range .Body}}
<tr>{{range $j, $c := .}}<td{{if gt $j 0}} class="n"{{end}}>{{$c}}</td>{{end}}</tr>
{{- end}}
{{- if .Foot}}
<tr class="total">{{range $j, $c := .Foot}}<td{{if gt $j 0}} class="n"{{end}}>{{$c}}</td>{{end}}</tr>
{{- end}}
</table>{{end}}`))

// HTML is the report as a standalone page for the organisation org, in Dutch or, when lang
// is "en", English, with the chart embedded as a PNG. A chart that cannot be drawn is left
// out; the figures are all in the tables.
func (r Report) HTML(org, language string) string {
	l := lang(language)
	if language != "en" {
		language = "nl"
	}
	var chart template.URL
	if png, err := r.Chart(language, FormatPNG); err == nil {
		chart = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
	}
	var trend *grid
	if t := r.trend(); len(t) > 0 {
		rows := r.trendRows(l, t)
		trend = &grid{Head: rows[0], Body: rows[1:]}
	}
	cross := r.crossRows(l)
	none := ""
	if r.Total == 0 {
		none = r.NoComplaints(language)
	}
	var b strings.Builder
	err := htmlPage.Execute(&b, map[string]any{
		"Lang": language, "Org": oneLine(org), "Title": oneLine(r.Title(language)), "None": none,
		"Summary":    r.summaryRows(l),
		"CrossTitle": l.say(wording.ReportPerServiceVerdict), "Cross": grid{Head: cross[0], Body: cross[1 : len(cross)-1], Foot: cross[len(cross)-1]},
		"CausesTitle": l.say(wording.ReportCauses), "Causes": r.Causes,
		"MeasuresTitle": l.say(wording.ReportMeasures), "Measures": r.Measures,
		"TrendTitle": l.say(wording.ReportTrend), "Trend": trend,
		"ChartTitle": l.say(wording.ReportChartTitle), "Chart": chart,
	})
	if err != nil { // the template and its data are fixed here; this is a programming error
		return "<!DOCTYPE html><p>report: " + template.HTMLEscapeString(err.Error()) + "</p>\n"
	}
	return b.String()
}

// grid is a table for the page: a header row, body rows and an optional total row.
type grid struct {
	Head []string
	Body [][]string
	Foot []string
}
