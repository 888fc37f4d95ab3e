package form

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/ledongthuc/pdf"
)

// Limits for PDF reading.
const (
	maxPDFPages      = 50
	maxPDFFields     = 2000
	maxPDFFieldDepth = 16
)

// PDFText returns the AcroForm field values of a PDF as "Label: value" lines (the label is the
// field's tooltip when it has one, else its name; ticked checkboxes follow as "[x] name" lines
// under a "Dienst:" line when no field answers the service question), or, for a PDF without
// filled-in fields, the text of its pages. A malformed PDF gives an error, never a panic.
func PDFText(data []byte) (text string, err error) {
	if len(data) > maxDocument {
		return "", fmt.Errorf("read pdf: %w", ErrTooLarge)
	}
	defer func() {
		if r := recover(); r != nil {
			text, err = "", fmt.Errorf("read pdf: malformed: %v", r)
		}
	}()
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", fmt.Errorf("read pdf: %w", err)
	}
	if t := acroFormText(r); t != "" {
		return t, nil
	}
	return pageText(r)
}

// pdfField is one terminal AcroForm field.
type pdfField struct {
	label, value string
	checkbox     bool
}

func acroFormText(r *pdf.Reader) string {
	fields := r.Trailer().Key("Root").Key("AcroForm").Key("Fields")
	var all []pdfField
	count := 0
	for i := 0; i < fields.Len() && i < maxPDFFields; i++ {
		collectFields(fields.Index(i), "", 0, &count, &all)
	}
	var lines, boxes []string
	dienst := false
	for _, f := range all {
		if f.checkbox {
			if f.value != "" {
				boxes = append(boxes, "[x] "+f.label)
			}
			continue
		}
		if f.value == "" {
			continue
		}
		if field, ok := lookupLabel(f.label); ok && field == complaint.FieldDienst {
			dienst = true
		}
		lines = append(lines, f.label+": "+f.value)
	}
	if len(boxes) > 0 {
		if !dienst {
			lines = append(lines, "Dienst:")
		}
		lines = append(lines, boxes...)
	}
	return strings.Join(lines, "\n")
}

// collectFields walks a field and its kids; count and depth bound hostile (cyclic) trees.
func collectFields(v pdf.Value, parent string, depth int, count *int, out *[]pdfField) {
	*count++
	if depth > maxPDFFieldDepth || *count > maxPDFFields || v.Kind() != pdf.Dict {
		return
	}
	name := v.Key("T").Text()
	full := name
	if parent != "" && name != "" {
		full = parent + "." + name
	} else if name == "" {
		full = parent
	}
	if kids := v.Key("Kids"); kids.Kind() == pdf.Array && kids.Len() > 0 && kids.Index(0).Key("T").Kind() != pdf.Null {
		for i := 0; i < kids.Len() && *count <= maxPDFFields; i++ {
			collectFields(kids.Index(i), full, depth+1, count, out)
		}
		return
	}
	label := strings.TrimSpace(v.Key("TU").Text())
	if label == "" {
		label = full
	}
	label = strings.Join(strings.Fields(label), " ")
	val := v.Key("V")
	switch val.Kind() {
	case pdf.String:
		s := strings.ReplaceAll(val.Text(), "\r\n", "\n")
		*out = append(*out, pdfField{label: label, value: strings.TrimSpace(strings.ReplaceAll(s, "\r", "\n"))})
	case pdf.Name:
		n := val.Name()
		if v.Key("FT").Name() == "Btn" {
			// A checkbox is "Off" or its export name; a radio group's value names the choice.
			if n == "Off" || n == "" {
				*out = append(*out, pdfField{label: label, checkbox: true})
			} else if n == "Yes" || n == "On" || n == "Ja" || n == "1" {
				*out = append(*out, pdfField{label: label, value: n, checkbox: true})
			} else {
				*out = append(*out, pdfField{label: label, value: n})
			}
			return
		}
		*out = append(*out, pdfField{label: label, value: n})
	case pdf.Array: // a multiple-choice list
		var parts []string
		for i := 0; i < val.Len() && i < 100; i++ {
			parts = append(parts, val.Index(i).Text())
		}
		*out = append(*out, pdfField{label: label, value: strings.Join(parts, ", ")})
	}
}

// pageText extracts the text of the pages, a new line wherever the text moves vertically.
func pageText(r *pdf.Reader) (string, error) {
	var b strings.Builder
	budget := maxPDFOps
	var pages []pdf.Value
	walkPages(r.Trailer().Key("Root").Key("Pages"), 0, &pages)
	for _, pg := range pages {
		if b.Len() >= maxText || budget <= 0 {
			break
		}
		pageLines(pg, &b, &budget)
		b.WriteString("\n\n")
	}
	t := tidyLines(b.String())
	if t == "" {
		return "", errors.New("read pdf: no text")
	}
	return t, nil
}

// walkPages collects page dictionaries in order. The library's own page lookup follows the
// page tree without bounds and loops forever on a cyclic one; this walk is bounded in depth
// and count.
func walkPages(node pdf.Value, depth int, out *[]pdf.Value) {
	if depth > maxPDFFieldDepth || len(*out) >= maxPDFPages || node.Kind() != pdf.Dict {
		return
	}
	if node.Key("Type").Name() == "Page" || node.Key("Kids").Kind() != pdf.Array {
		*out = append(*out, node)
		return
	}
	kids := node.Key("Kids")
	for i := 0; i < kids.Len() && i < maxPDFPages && len(*out) < maxPDFPages; i++ {
		walkPages(kids.Index(i), depth+1, out)
	}
}

// resources finds a page's resources, inherited from its parents; bounded for cyclic parents.
func resources(page pdf.Value) pdf.Value {
	v := page
	for i := 0; i < maxPDFFieldDepth && v.Kind() == pdf.Dict; i++ {
		if r := v.Key("Resources"); r.Kind() == pdf.Dict {
			return r
		}
		v = v.Key("Parent")
	}
	return pdf.Value{}
}

// maxPDFOps bounds the content stream operators interpreted over all pages.
const maxPDFOps = 2_000_000

// errStop ends the interpretation of a content stream early.
type errStop struct{}

// pageLines writes one page's text to b: linear in the content stream, unlike the library's
// row grouping, and stopped at the text and operator budgets.
func pageLines(page pdf.Value, b *strings.Builder, budget *int) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(errStop); !ok {
				panic(r)
			}
		}
	}()
	strm := page.Key("Contents")
	fonts := resources(page).Key("Font")
	if strm.Kind() == pdf.Null {
		return
	}
	encs := map[string]pdf.TextEncoding{}
	var enc pdf.TextEncoding
	y, lastY, space := 0.0, 0.0, false
	started := false
	show := func(raw string) {
		t := raw
		if enc != nil {
			t = enc.Decode(raw)
		}
		if started && y != lastY {
			b.WriteByte('\n')
		} else if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		started, lastY, space = true, y, false
		b.WriteString(t)
		if b.Len() > maxText {
			panic(errStop{})
		}
	}
	pdf.Interpret(strm, func(stk *pdf.Stack, op string) {
		*budget--
		if *budget < 0 {
			panic(errStop{})
		}
		args := make([]pdf.Value, stk.Len())
		for i := len(args) - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		switch op {
		case "BT":
			y, space = 0, true
		case "Tf":
			if len(args) == 2 {
				name := args[0].Name()
				e, ok := encs[name]
				if !ok && len(encs) < 100 {
					f := pdf.Font{V: fonts.Key(name)}
					e = f.Encoder()
					encs[name] = e
				}
				enc = e
			}
		case "Td", "TD":
			if len(args) == 2 {
				y += args[1].Float64()
				space = true
			}
		case "Tm":
			if len(args) == 6 {
				y = args[5].Float64()
				space = true
			}
		case "T*":
			y--
		case "Tj", "'", "\"":
			if op != "Tj" {
				y--
			}
			if len(args) > 0 {
				show(args[len(args)-1].RawString())
			}
		case "TJ":
			if len(args) == 1 {
				for i := 0; i < args[0].Len() && i < 10000; i++ {
					x := args[0].Index(i)
					if x.Kind() == pdf.String {
						show(x.RawString())
					} else if x.Float64() < -200 {
						space = true
					}
				}
			}
		}
	})
}
