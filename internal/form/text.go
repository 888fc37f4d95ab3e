package form

import (
	"regexp"
	"strings"

	"github.com/groeimeesters/klachtd/internal/complaint"
)

// maxText bounds how much of one source is read: a form is a few kilobytes.
const maxText = 1 << 20

// parsed is what one source (the text body, the HTML, one document) says.
type parsed struct {
	fields map[string]string // non-empty answers by field
	seen   map[string]bool   // fields whose label was recognised
	email  string
	phone  string
	loose  []string // lines under no field label
	// extra is what belongs to no field of the form: answers under labels the form does not
	// have, a second different answer to naam or datum, and the text between and after the
	// answers. It goes to aanvullend when the source has an omschrijving.
	extra []string
	// after is the text under no label after the first answer: extra, unless it is the
	// omschrijving.
	after []string
}

var emailRe = regexp.MustCompile(`[A-Za-z0-9._%+\-']+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)

// shortField fields take one paragraph; the others run until the next label.
func shortField(f string) bool {
	return f == complaint.FieldNaam || f == complaint.FieldDatum
}

// label is a recognised label line.
type label struct {
	field  string // a field, a non-field label (#email …), or labelUnknown
	text   string // the label as written, for answers that go to aanvullend
	sep    string // what separated it from its answer: ":", "?", "\t", or "" (alone on its line)
	answer string // the answer on the label's own line
}

// labelUnknown is a label the form does not have: its answer goes to aanvullend.
const labelUnknown = "#unknown"

// splitLabel recognises a line that is a label, alone or followed by its answer after ":",
// "?", a tab or a run of spaces. It returns the field (or non-field label) and the answer.
func splitLabel(line string) (field, answer string, ok bool) {
	l, ok := splitLabelWith(line, false)
	return l.field, l.answer, ok
}

// splitLabelWith is splitLabel, with labels as people write them too when spoken is set:
// rephrased questions only before ":", "?" or a tab, or alone on a line in bold.
func splitLabelWith(line string, spoken bool) (label, bool) {
	t := strings.TrimSpace(line)
	if t == "" || len(t) > 4*maxLabelLen {
		return label{}, false
	}
	for _, sep := range []string{":", "?", "\t", "", "   ", "  "} {
		if sep == "" { // the whole line, after the explicit separators
			mode := formLabels
			if spoken {
				mode = spokenToo
				if strings.HasPrefix(t, "**") && strings.HasSuffix(t, "**") && len(t) > 4 {
					mode = questionsToo
				}
			}
			if f, ok := lookupAny(t, mode); ok {
				return label{field: f, text: cleanLabel(t), sep: ""}, true
			}
			continue
		}
		i := sepIndex(t, sep)
		if i <= 0 || i > maxLabelLen {
			continue
		}
		mode := formLabels
		switch {
		case spoken && (sep == "   " || sep == "  "):
			mode = spokenToo
		case spoken:
			mode = questionsToo
		}
		if f, ok := lookupAny(t[:i], mode); ok {
			ans := strings.TrimSpace(t[i+len(sep):])
			ans = strings.TrimLeft(ans, "*_:? \t")
			ans = strings.TrimSpace(strings.TrimRight(ans, " \t"))
			if strings.HasSuffix(ans, "**") && !strings.Contains(ans[:len(ans)-2], "**") {
				ans = strings.TrimSpace(strings.TrimSuffix(ans, "**"))
			}
			return label{field: f, text: cleanLabel(t[:i]), sep: sep, answer: ans}, true
		}
	}
	return label{}, false
}

// sepIndex finds sep in t; a colon between two digits (a time, "10:30") separates nothing.
func sepIndex(t, sep string) int {
	if sep != ":" {
		return strings.Index(t, sep)
	}
	from := 0
	for {
		i := strings.IndexByte(t[from:], ':')
		if i < 0 {
			return -1
		}
		i += from
		if i > 0 && i+1 < len(t) && isDigit(t[i-1]) && isDigit(t[i+1]) {
			from = i + 1
			continue
		}
		return i
	}
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// cleanLabel is a label as written, without bold markers, bullets and a trailing ":" or "?".
func cleanLabel(s string) string {
	s = strings.TrimSpace(s)
	s = strings.Trim(s, "*_ \t")
	s = strings.TrimLeft(s, "#>•·-– \t")
	return strings.TrimSpace(strings.TrimRight(s, ":?*_ \t"))
}

// parseOptions say what a pass over a source recognises besides the form's own labels.
type parseOptions struct {
	spoken  bool // labels as people write them (spokenLabels, typos, rephrased questions)
	unknown bool // labels the form does not have start answers for aanvullend
}

// parseLines reads the label/answer structure of a form in lines of text. Rephrased
// questions and labels the form does not have are read only in a text with at least two
// labels: in a letter, a line ending in "?" or a "Let wel: …" is prose. A text without labels
// may still answer the questions numbered 1. to 7. (see numberedAnswers).
func parseLines(lines []string) parsed {
	p := parseWith(lines, parseOptions{spoken: true, unknown: true})
	if len(p.seen) >= 2 {
		return p
	}
	p = parseWith(lines, parseOptions{})
	if len(p.seen) == 0 {
		if n, ok := numberedAnswers(lines); ok {
			return n
		}
	}
	return p
}

// parseWith is one pass of parseLines.
func parseWith(lines []string, opt parseOptions) parsed {
	p := parsed{fields: map[string]string{}, seen: map[string]bool{}}
	var cur label // the label whose answer is being read; cur.field "" before the first label
	var buf []string
	closed := false  // a short field's paragraph is complete; further lines are loose
	started := false // a field's label was seen: loose text now is text after the answers
	flush := func() {
		v := joinAnswer(buf)
		buf = buf[:0]
		if v == "" {
			return
		}
		switch {
		case cur.field == labelUnknown:
			p.extra = append(p.extra, labelled(cur, v))
		case !isField(cur.field):
		case p.fields[cur.field] == "":
			p.fields[cur.field] = v
		case strings.Contains(p.fields[cur.field], v):
			// The same answer again: the form's closing "Naam" and "Datum" under the signature.
		case shortField(cur.field):
			p.extra = append(p.extra, labelled(cur, v))
		default:
			p.fields[cur.field] += "\n\n" + v
		}
	}
	for _, line := range lines {
		l, isLabel := splitLabelWith(line, opt.spoken)
		if !isLabel && opt.unknown && started {
			// After the form's first answer: before it, "Xxx: …" is the letter around it.
			l, isLabel = unknownLabel(line)
		}
		if isLabel && l.field == cur.field && isField(cur.field) && !closed {
			// "Dienst" followed by "Training", or "Klacht: …" inside the omschrijving: the
			// same label again while its answer is being read is part of that answer.
			buf = append(buf, strings.TrimSpace(line))
			continue
		}
		if isLabel {
			flush()
			cur, closed = l, false
			switch l.field {
			case labelEmail:
				if m := emailRe.FindString(l.answer); m != "" && p.email == "" {
					p.email = m
				}
			case labelPhone:
				if l.answer != "" && p.phone == "" {
					p.phone = l.answer
				}
			default:
				if isField(l.field) {
					p.seen[l.field] = true
					started = true
				}
			}
			if (isField(l.field) || l.field == labelUnknown) && l.answer != "" {
				buf = append(buf, l.answer)
				closed = shortField(l.field)
			}
			continue
		}
		blank := strings.TrimSpace(line) == ""
		switch {
		case cur.field == labelEmail && p.email == "" && !blank:
			// "E-mail:" with the address on the next line.
			if m := emailRe.FindString(line); m != "" {
				p.email = m
				continue
			}
		case cur.field == labelPhone && p.phone == "" && !blank:
			p.phone = strings.TrimSpace(line)
			continue
		}
		switch {
		case !isField(cur.field) && cur.field != labelUnknown || closed:
			p.loose = append(p.loose, line)
			if started && cur.field != labelStop {
				p.after = append(p.after, line)
			}
		case shortField(cur.field):
			if blank {
				closed = joinAnswer(buf) != ""
				continue
			}
			buf = append(buf, line)
		default:
			buf = append(buf, line)
		}
	}
	flush()
	if p.seen[complaint.FieldOmschrijving] {
		if v := joinAnswer(p.after); v != "" {
			p.extra = append(p.extra, v)
		}
	}
	p.addExtra()
	return p
}

// addExtra appends the text that belongs to no field to the aanvullend answer.
func (p *parsed) addExtra() {
	if len(p.extra) == 0 {
		return
	}
	parts := p.extra
	if a := p.fields[complaint.FieldAanvullend]; a != "" {
		parts = append([]string{a}, parts...)
	}
	p.fields[complaint.FieldAanvullend] = strings.Join(parts, "\n\n")
}

// labelled writes an answer that goes to aanvullend with its label, as the complainant did.
func labelled(l label, answer string) string {
	sep := ":"
	if l.sep == "?" {
		sep = "?"
	}
	if strings.Contains(answer, "\n") {
		return l.text + sep + "\n" + answer
	}
	return l.text + sep + " " + answer
}

// joinAnswer trims an answer's lines and collapses runs of blank lines to one.
func joinAnswer(lines []string) string {
	var out []string
	blank := false
	for _, l := range lines {
		l = strings.TrimRight(l, " \t\u00a0")
		if strings.TrimSpace(l) == "" {
			blank = len(out) > 0
			continue
		}
		if blank {
			out = append(out, "")
			blank = false
		}
		out = append(out, strings.TrimSpace(l))
	}
	return strings.Join(out, "\n")
}

// splitText normalises line ends and cuts the text to maxText.
func splitText(text string) []string {
	if len(text) > maxText {
		text = text[:maxText]
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	return strings.Split(text, "\n")
}
