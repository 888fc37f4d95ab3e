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
}

var emailRe = regexp.MustCompile(`[A-Za-z0-9._%+\-']+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)

// shortField fields take one paragraph; the others run until the next label.
func shortField(f string) bool {
	return f == complaint.FieldNaam || f == complaint.FieldDatum
}

// splitLabel recognises a line that is a label, alone or followed by its answer after ":",
// "?", a tab or a run of spaces. It returns the field (or non-field label) and the answer.
func splitLabel(line string) (field, answer string, ok bool) {
	t := strings.TrimSpace(line)
	if t == "" || len(t) > 4*maxLabelLen {
		return "", "", false
	}
	for _, sep := range []string{":", "?", "\t", "", "   ", "  "} {
		if sep == "" { // the whole line, after the explicit separators
			if f, ok := lookupLabel(t); ok {
				return f, "", true
			}
			continue
		}
		i := strings.Index(t, sep)
		if i <= 0 || i > maxLabelLen {
			continue
		}
		if f, ok := lookupLabel(t[:i]); ok {
			ans := strings.TrimSpace(t[i+len(sep):])
			ans = strings.TrimLeft(ans, "*_:? \t")
			ans = strings.TrimSpace(strings.TrimRight(ans, " \t"))
			if strings.HasSuffix(ans, "**") && !strings.Contains(ans[:len(ans)-2], "**") {
				ans = strings.TrimSpace(strings.TrimSuffix(ans, "**"))
			}
			return f, ans, true
		}
	}
	return "", "", false
}

// parseLines reads the label/answer structure of a form in lines of text.
func parseLines(lines []string) parsed {
	p := parsed{fields: map[string]string{}, seen: map[string]bool{}}
	cur := "" // field being read, a non-field label, or "" before the first label
	var buf []string
	closed := false // a short field's paragraph is complete; further lines are loose
	flush := func() {
		if isField(cur) {
			if v := joinAnswer(buf); v != "" && p.fields[cur] == "" {
				p.fields[cur] = v
			}
		}
		buf = buf[:0]
	}
	for _, line := range lines {
		field, answer, isLabel := splitLabel(line)
		if isLabel && field == cur && isField(cur) && !closed {
			// "Dienst" followed by "Training", or "Klacht: …" inside the omschrijving: the
			// same label again while its answer is being read is part of that answer.
			buf = append(buf, strings.TrimSpace(line))
			continue
		}
		if isLabel {
			flush()
			cur, closed = field, false
			switch field {
			case labelEmail:
				if m := emailRe.FindString(answer); m != "" && p.email == "" {
					p.email = m
				}
			case labelPhone:
				if answer != "" && p.phone == "" {
					p.phone = answer
				}
			default:
				if isField(field) {
					p.seen[field] = true
				}
			}
			if isField(field) && answer != "" {
				buf = append(buf, answer)
				closed = shortField(field)
			}
			continue
		}
		switch {
		case !isField(cur) || closed:
			p.loose = append(p.loose, line)
		case shortField(cur):
			if strings.TrimSpace(line) == "" {
				closed = joinAnswer(buf) != ""
				continue
			}
			buf = append(buf, line)
		default:
			buf = append(buf, line)
		}
	}
	flush()
	return p
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
