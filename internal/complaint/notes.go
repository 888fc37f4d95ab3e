package complaint

import "strings"

// noteLabels maps the labels of the root-cause lines staff may write in a tagged reply to
// the note they start.
var noteLabels = map[string]string{
	"oorzaak": "cause", "cause": "cause", "root cause": "cause", "grondoorzaak": "cause",
	"maatregel": "measure", "maatregelen": "measure", "measure": "measure", "measures": "measure",
	"corrigerende maatregel": "measure", "corrective measure": "measure",
}

// ParseNotes reads the root cause and the corrective measure from a staff text: a line that
// starts with "Oorzaak:" or "Cause:" (or "Maatregel:" / "Measure:") opens a note that runs
// until a blank line or the next such label. Repeated labels are joined by newlines.
// Leading list or emphasis marks ("- ", "* ", "**Oorzaak:**") are tolerated.
func ParseNotes(text string) (cause, measure string) {
	var causes, measures []string
	var cur *[]string
	var buf []string
	flush := func() {
		if cur != nil && len(buf) > 0 {
			if s := strings.TrimSpace(strings.Join(buf, "\n")); s != "" {
				*cur = append(*cur, s)
			}
		}
		cur, buf = nil, nil
	}
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" {
			flush()
			continue
		}
		if kind, rest, ok := noteLine(trimmed); ok {
			flush()
			cur = &causes
			if kind == "measure" {
				cur = &measures
			}
			buf = []string{rest}
			continue
		}
		if cur != nil {
			buf = append(buf, trimmed)
		}
	}
	flush()
	return strings.Join(causes, "\n"), strings.Join(measures, "\n")
}

// WithoutNotes is a staff text with its Oorzaak: / Maatregel: notes taken out (by the same
// rules as ParseNotes): the notes are for the organisation's own analysis and never go to the
// complainant or the commissaris.
func WithoutNotes(text string) string {
	var out []string
	inNote := false
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			inNote = false
		case inNote:
			continue
		default:
			if _, _, ok := noteLine(trimmed); ok {
				inNote = true
				continue
			}
		}
		out = append(out, line)
	}
	s := strings.Join(out, "\n")
	for strings.Contains(s, "\n\n\n") {
		s = strings.ReplaceAll(s, "\n\n\n", "\n\n")
	}
	return strings.TrimSpace(s)
}

// noteLine reports whether a trimmed line opens a note, and returns the text after the label.
func noteLine(line string) (kind, rest string, ok bool) {
	l := strings.TrimLeft(line, "-*•> \t")
	colon := strings.IndexByte(l, ':')
	if colon < 0 || colon > 30 {
		return "", "", false
	}
	label := strings.ToLower(strings.Trim(l[:colon], "*_ \t"))
	kind, ok = noteLabels[label]
	if !ok {
		return "", "", false
	}
	return kind, strings.TrimSpace(strings.TrimLeft(l[colon+1:], "*_")), true
}
