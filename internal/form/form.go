// Package form reads the klachtformulier out of a complaint: the seven answers of the
// organisation's form, from a mail's text, its HTML, or a .docx or .pdf attachment, in the
// layouts people actually send (label and answer on one line, the label on its own line with
// the answer below it, an HTML table, Word content controls, PDF form fields) and in the words
// they use: rephrased questions, labels of their own, typos, answers numbered 1. to 7., and a
// free text that says what they want or what it did to them. No word is lost: text under a
// label the form does not have goes to aanvullend, and Result.Text keeps the whole text for
// staff. It also matches the service answer to the configured services and counts the form's
// own labels for triage.
//
// It is pure: no I/O, no clock, no logging. Quoted history is not read as answers when the mail
// has text of its own. Hostile input (huge, malformed, zip bombs, broken PDFs) gives an empty
// or partial result or an error, never a panic.
package form

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/groeimeesters/klachtd/internal/complaint"
)

// Result is what the form says.
type Result struct {
	Fields  complaint.Fields // answers by field name, trimmed, multi-line answers kept with \n
	Missing []string         // required fields still empty, in form order (aanvullend is optional)
	Labels  int              // how many distinct form labels were recognised (>=2: a filled-in form)
	Email   string           // an "E-mail:" / "Email:" / "Mail:" line's address, if any
	Phone   string           // a "Telefoon:" / "Tel:" / "Phone:" / "Telefoonnummer:" line, if any
	Sources []string         // where answers came from: "text", "html", "docx:NAME", "pdf:NAME"
	// Text is the complainant's whole text as written, for staff: the mail's text (its HTML
	// as text when it has no text), then the text of each document read, after a line with
	// its name in brackets. Nothing is left out but what lies beyond maxText.
	Text string
}

// Attachment is a file that may hold the filled-in form. A document read beforehand (in a
// separate process: internal/docreader) comes with its Kind and Text, and its Data is then
// not opened.
type Attachment struct {
	Filename    string
	ContentType string
	Data        []byte
	Kind, Text  string
}

// maxDocuments bounds how many attachments are opened.
const maxDocuments = 10

type source struct {
	name string
	p    parsed
}

// Extract reads the form from a mail's text and HTML bodies and its attachments. Answers are
// taken first from the source that recognises the most labels (the HTML body on a tie), then
// from the others for fields still empty. Without any label the mail's own text is the
// omschrijving. naam falls back to fallbackName (the sender's display name); dienst becomes
// the canonical service when MatchService finds one, else it keeps the answer as written.
func Extract(text, html string, atts []Attachment, fallbackName string, services []string) Result {
	var srcs []source
	var whole []string // the whole text, for Result.Text
	srcs = append(srcs, source{"text", parseLines(mainLines(text, false))})
	whole = append(whole, strings.TrimSpace(strings.Join(splitText(text), "\n")))
	if strings.TrimSpace(html) != "" {
		h := strings.Join(htmlLines(html), "\n")
		srcs = append(srcs, source{"html", parseLines(mainLines(h, false))})
		if whole[0] == "" {
			whole[0] = strings.TrimSpace(h)
		}
	}
	docs := 0
	for _, a := range atts {
		if docs >= maxDocuments {
			break
		}
		kind, t := documentText(a)
		if kind == "" {
			continue
		}
		docs++
		srcs = append(srcs, source{kind + ":" + a.Filename, parseLines(splitText(t))})
		whole = append(whole, "["+oneLine(a.Filename)+"]\n"+strings.TrimSpace(strings.Join(splitText(t), "\n")))
	}

	order := make([]int, len(srcs))
	for i := range order {
		order[i] = i
	}
	// Stable by number of labels, most first; on a tie the HTML goes before the text, whose
	// plain rendering has lost the bold and the table cells that set labels apart.
	rank := func(i int) int {
		n := 2 * len(srcs[i].p.seen)
		if srcs[i].name == "html" {
			n++
		}
		return n
	}
	for i := 1; i < len(order); i++ {
		for j := i; j > 0 && rank(order[j]) > rank(order[j-1]); j-- {
			order[j], order[j-1] = order[j-1], order[j]
		}
	}

	res := Result{Fields: complaint.Fields{}}
	used := make([]bool, len(srcs))
	seen := map[string]bool{}
	for _, i := range order {
		s := srcs[i]
		for f := range s.p.seen {
			seen[f] = true
		}
		for _, f := range complaint.FormFields {
			if v := s.p.fields[f]; v != "" && res.Fields[f] == "" {
				res.Fields[f] = v
				used[i] = true
			}
		}
		if res.Email == "" && s.p.email != "" {
			res.Email, used[i] = s.p.email, true
		}
		if res.Phone == "" && s.p.phone != "" {
			res.Phone, used[i] = s.p.phone, true
		}
	}
	res.Labels = len(seen)

	if !seen[complaint.FieldOmschrijving] && res.Fields[complaint.FieldOmschrijving] == "" {
		looseOmschrijving(&res, srcs, used, text)
	}
	inferFromText(res.Fields, freeText(res.Fields, srcs[order[0]].p), services)
	if res.Fields[complaint.FieldNaam] == "" && strings.TrimSpace(fallbackName) != "" {
		res.Fields[complaint.FieldNaam] = strings.TrimSpace(fallbackName)
	}
	if d := res.Fields[complaint.FieldDienst]; d != "" {
		if canon, ok := MatchService(d, services); ok {
			res.Fields[complaint.FieldDienst] = canon
		}
	}
	for _, f := range complaint.FormFields {
		if f != complaint.FieldAanvullend && res.Fields[f] == "" {
			res.Missing = append(res.Missing, f)
		}
	}
	for i, s := range srcs {
		if used[i] {
			res.Sources = append(res.Sources, s.name)
		}
	}
	res.Text = joinWhole(whole)
	return res
}

// freeText is the complainant's own prose, where a free text may answer a question: the
// omschrijving, aanvullend, and the main source's text under no label.
func freeText(f complaint.Fields, p parsed) string {
	parts := []string{f[complaint.FieldOmschrijving], f[complaint.FieldAanvullend]}
	if loose := joinAnswer(p.loose); !strings.Contains(f[complaint.FieldOmschrijving], loose) {
		parts = append(parts, loose)
	}
	return strings.Join(parts, "\n")
}

// joinWhole joins the parts of the whole text with a blank line, bounded by maxText.
func joinWhole(parts []string) string {
	var kept []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			kept = append(kept, p)
		}
	}
	t := strings.Join(kept, "\n\n")
	if len(t) > maxText {
		n := maxText
		for n > 0 && !utf8.RuneStart(t[n]) {
			n--
		}
		t = t[:n]
	}
	return t
}

// oneLine makes a file name fit on one line.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
}

// looseOmschrijving fills the omschrijving, when no source has an omschrijving label, with the
// text under no label: the mail's own text, else the HTML's, else a document's. A mail that
// only quotes (nothing of its own) falls back to its quoted text.
func looseOmschrijving(res *Result, srcs []source, used []bool, text string) {
	for i, s := range srcs {
		if v := joinAnswer(s.p.loose); v != "" {
			res.Fields[complaint.FieldOmschrijving] = v
			used[i] = true
			return
		}
	}
	if res.Labels > 0 {
		return
	}
	q := parseLines(mainLines(text, true))
	if v := joinAnswer(q.loose); v != "" {
		res.Fields[complaint.FieldOmschrijving] = v
		used[0] = true
	}
}

// documentText recognises a .docx or .pdf attachment and returns its kind and text; an
// unreadable document is skipped.
func documentText(a Attachment) (string, string) {
	if a.Text != "" {
		return a.Kind, a.Text
	}
	kind := DocumentKind(a.Filename, a.ContentType, a.Data[:min(len(a.Data), 5)])
	if kind == "" {
		return "", ""
	}
	if t, err := ReadDocument(kind, a.Data); err == nil && t != "" {
		return kind, t
	}
	return "", ""
}
