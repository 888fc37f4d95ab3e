package render

import (
	htmltemplate "html/template"
	"regexp"
	"strings"
	"unicode/utf8"
)

// wrapWidth is the line length from which a line is taken to have been wrapped by the
// writer's mail program (which wraps at 72 to 78 characters) rather than ended by the writer.
const wrapWidth = 40

// listItem is a line that starts an item of a list or a label of a form: its line break is
// the writer's own.
var listItem = regexp.MustCompile(`^\s*([-*•–>]|\d{1,2}[.)]|[A-Za-zÀ-ÿ][\w ()/-]{0,40}:\s)`)

// htmlLines escapes multi-line text for HTML the way a reader expects it in a browser: a blank
// line separates paragraphs (two <br>), and within a paragraph the hard line breaks that a mail
// program added are taken out, so that a sentence is not broken at every 72nd character.
// A break the writer made is kept as <br>: after a short line, before a list item or a form
// label, after a colon.
func htmlLines(s string) htmltemplate.HTML {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	var paras []string
	for _, p := range splitParagraphs(s) {
		lines := strings.Split(p, "\n")
		var b strings.Builder
		for i, l := range lines {
			l = strings.TrimRight(l, " \t")
			if i > 0 {
				if joins(lines[i-1], l) {
					b.WriteString(" ")
				} else {
					b.WriteString("<br>\n")
				}
			}
			b.WriteString(htmltemplate.HTMLEscapeString(strings.TrimLeft(l, " \t")))
		}
		paras = append(paras, b.String())
	}
	return htmltemplate.HTML(strings.Join(paras, "<br>\n<br>\n"))
}

// splitParagraphs splits at blank lines (lines of white space only count as blank).
func splitParagraphs(s string) []string {
	var out []string
	var cur []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) == "" {
			if len(cur) > 0 {
				out = append(out, strings.Join(cur, "\n"))
				cur = nil
			}
			continue
		}
		cur = append(cur, l)
	}
	if len(cur) > 0 {
		out = append(out, strings.Join(cur, "\n"))
	}
	return out
}

// joins reports whether the break between prev and next was made by a mail program: prev is
// long (a writer who ends a line early means it), does not end a label, and next does not
// start a list item.
func joins(prev, next string) bool {
	prev, next = strings.TrimSpace(prev), strings.TrimSpace(next)
	if prev == "" || next == "" || strings.HasSuffix(prev, ":") || listItem.MatchString(next) {
		return false
	}
	return utf8.RuneCountInString(prev) >= wrapWidth
}
