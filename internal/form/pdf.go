package form

import (
	"errors"
	"fmt"
	"strings"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/ledongthuc/pdf"
)

// Limits for PDF reading (the read budgets are in pdfbudget.go).
const (
	maxPDFPages      = 50
	maxPDFFields     = 2000
	maxPDFFieldDepth = 16
	maxPDFNodes      = 1000 // page tree nodes visited
)

// PDFText returns the AcroForm field values of a PDF as "Label: value" lines (the label is the
// field's tooltip when it has one, else its name; ticked checkboxes follow as "[x] name" lines
// under a "Dienst:" line when no field answers the service question), or, for a PDF without
// filled-in fields, the text of its pages. A malformed PDF gives an error, never a panic; one
// that needs more work than the budgets allow gives ErrTooComplex, one too large ErrTooLarge.
func PDFText(data []byte) (text string, err error) {
	if len(data) > maxDocument {
		return "", fmt.Errorf("read pdf: %w", ErrTooLarge)
	}
	if extendsTrouble(data) {
		return "", fmt.Errorf("read pdf: object streams extend each other in a cycle or a long chain: %w", ErrTooComplex)
	}
	if prevTrouble(data) {
		return "", fmt.Errorf("read pdf: cross-reference sections in a cycle or a long chain: %w", ErrTooComplex)
	}
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(errBudget); ok {
				text, err = "", fmt.Errorf("read pdf: %w", ErrTooComplex)
				return
			}
			text, err = "", fmt.Errorf("read pdf: malformed: %v", r)
		}
	}()
	r, err := pdf.NewReader(newBudgetReader(data), int64(len(data)))
	if err != nil {
		var b errBudget
		if errors.As(err, &b) {
			return "", fmt.Errorf("read pdf: %w", ErrTooComplex)
		}
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

// pageText extracts the text of the pages, a new line wherever the text moves vertically. A
// page whose content inflates beyond maxPDFContent is left out, and reading stops once all
// content read reaches maxPDFContentAll; when nothing could be read for that reason the
// error is ErrTooLarge.
func pageText(r *pdf.Reader) (string, error) {
	var b strings.Builder
	bud := pageBudget{ops: maxPDFOps, decode: maxPDFDecodeUnits, content: maxPDFContentAll}
	var pages []pdf.Value
	nodes := maxPDFNodes
	walkPages(r.Trailer().Key("Root").Key("Pages"), 0, &nodes, &pages)
	skipped := false
	for _, pg := range pages {
		if b.Len() >= maxText || bud.ops <= 0 || bud.decode <= 0 {
			break
		}
		n := streamSize(pg.Key("Contents"), min(maxPDFContent, bud.content))
		if n > maxPDFContent || n > bud.content {
			skipped = true
			if n > bud.content {
				break
			}
			continue
		}
		bud.content -= n
		pageLines(pg, &b, &bud)
		b.WriteString("\n\n")
	}
	t := tidyLines(b.String())
	switch {
	case t == "" && skipped:
		return "", fmt.Errorf("read pdf: page content: %w", ErrTooLarge)
	case t == "" && nodes < 0:
		return "", fmt.Errorf("read pdf: page tree: %w", ErrTooComplex)
	case t == "":
		return "", errors.New("read pdf: no text")
	}
	return t, nil
}

// walkPages collects page dictionaries in order. The library's own page lookup follows the
// page tree without bounds and loops forever on a cyclic one; this walk is bounded in depth,
// in pages and in the nodes it visits (a node that lists itself fifty times, fifty levels
// deep, is never a tree to walk).
func walkPages(node pdf.Value, depth int, nodes *int, out *[]pdf.Value) {
	if *nodes--; *nodes < 0 || depth > maxPDFFieldDepth || len(*out) >= maxPDFPages || node.Kind() != pdf.Dict {
		return
	}
	if node.Key("Type").Name() == "Page" || node.Key("Kids").Kind() != pdf.Array {
		*out = append(*out, node)
		return
	}
	kids := node.Key("Kids")
	for i := 0; i < kids.Len() && i < maxPDFPages && len(*out) < maxPDFPages && *nodes >= 0; i++ {
		walkPages(kids.Index(i), depth+1, nodes, out)
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

// pageBudget is what is left for the pages still to read: operators, units of text decoding
// (a byte of text through a font whose encoding has n entries costs 1+n) and inflated content.
type pageBudget struct {
	ops, decode int
	content     int64
}

// errStop ends the interpretation of a content stream early. Like errBudget it is a
// runtime.Error, so that the library passes it on.
type errStop struct{}

func (errStop) Error() string { return "pdf: stop" }
func (errStop) RuntimeError() {}

// pageLines writes one page's text to b: linear in the content stream, unlike the library's
// row grouping, and stopped at the text, operator and decoding budgets.
func pageLines(page pdf.Value, b *strings.Builder, bud *pageBudget) {
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
	encs := map[string]fontEncoding{}
	var enc fontEncoding
	y, lastY, space := 0.0, 0.0, false
	started := false
	show := func(raw string) {
		t := raw
		if enc.TextEncoding != nil {
			if bud.decode -= len(raw) * enc.cost; bud.decode < 0 {
				panic(errStop{})
			}
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
		if bud.ops--; bud.ops < 0 {
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
					e = encoding(fonts.Key(name))
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

// fontEncoding is a font's text encoding with what decoding one byte through it costs.
type fontEncoding struct {
	pdf.TextEncoding
	cost int
}

// encoding reads a font's encoding, unless its ToUnicode CMap is beyond the limits (the text
// is then taken as it is). Decoding a byte searches the font's /Differences and the CMap's
// entries one by one, so each entry adds to the cost.
func encoding(font pdf.Value) fontEncoding {
	toUnicode := font.Key("ToUnicode")
	size, ok := cmapSize(toUnicode)
	if !ok {
		return fontEncoding{}
	}
	cost := 1 + font.Key("Encoding").Key("Differences").Len() + int(size/16)
	f := pdf.Font{V: font}
	return fontEncoding{TextEncoding: f.Encoder(), cost: int(cost)}
}
