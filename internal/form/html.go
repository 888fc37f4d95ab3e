package form

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlLines renders an HTML body as lines of text for the form parser: every block and every
// table cell starts a line, except that a table row of two cells becomes "label<TAB>answer"
// (a form pasted from Word); <br> breaks a line, a block that is bold throughout is written
// "**like this**" (the question of a form, set in bold), a <blockquote> becomes "> " lines,
// and signatures marked by the mail client are left out.
func htmlLines(src string) []string {
	if len(src) > maxText {
		src = src[:maxText]
	}
	doc, err := html.Parse(strings.NewReader(src))
	if err != nil {
		return nil
	}
	r := &htmlRenderer{}
	r.walk(doc, 0)
	r.newline()
	return strings.Split(strings.Join(r.lines, "\n"), "\n")
}

type htmlRenderer struct {
	lines []string
	cur   strings.Builder
	pre   int
}

// maxHTMLDepth bounds recursion on hostile nesting; the parser itself caps the tree depth too.
const maxHTMLDepth = 512

func (r *htmlRenderer) newline() {
	line := strings.TrimSpace(r.cur.String())
	r.cur.Reset()
	if line == "" && (len(r.lines) == 0 || r.lines[len(r.lines)-1] == "") {
		return
	}
	r.lines = append(r.lines, line)
}

func (r *htmlRenderer) text(s string) {
	s = strings.ReplaceAll(s, "\u00a0", " ")
	if r.pre > 0 {
		parts := strings.Split(s, "\n")
		for i, p := range parts {
			if i > 0 {
				r.newline()
			}
			r.cur.WriteString(p)
		}
		return
	}
	f := strings.Fields(s)
	if len(f) == 0 {
		if s != "" && r.cur.Len() > 0 {
			r.cur.WriteByte(' ')
		}
		return
	}
	if startsWithSpace(s) && r.cur.Len() > 0 {
		r.cur.WriteByte(' ')
	}
	r.cur.WriteString(strings.Join(f, " "))
	if endsWithSpace(s) {
		r.cur.WriteByte(' ')
	}
}

func startsWithSpace(s string) bool { return s != "" && strings.TrimLeft(s, " \t\r\n") != s }
func endsWithSpace(s string) bool   { return s != "" && strings.TrimRight(s, " \t\r\n") != s }

func (r *htmlRenderer) walk(n *html.Node, depth int) {
	if depth > maxHTMLDepth {
		return
	}
	switch n.Type {
	case html.TextNode:
		r.text(n.Data)
		return
	case html.ElementNode:
	default:
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			r.walk(c, depth+1)
		}
		return
	}
	if skipElement(n) {
		return
	}
	switch n.DataAtom {
	case atom.Br:
		r.newline()
		return
	case atom.Blockquote:
		r.quote(n, depth)
		return
	case atom.Pre:
		r.pre++
		defer func() { r.pre-- }()
	case atom.Input:
		r.input(n)
		return
	}
	if n.DataAtom == atom.Tr && r.pairRow(n, depth) {
		return
	}
	block := isBlock(n.DataAtom)
	if block && r.pre == 0 && r.boldBlock(n, depth) {
		return
	}
	if block {
		r.newline()
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		r.walk(c, depth+1)
	}
	if block {
		r.newline()
	}
}

// maxPairLabel bounds the first cell of a row read as "label<TAB>answer".
const maxPairLabel = 300

// pairRow renders a table row of exactly two cells whose first is one short line as
// "label<TAB>answer", the answer's further lines below it. It reports whether it did.
func (r *htmlRenderer) pairRow(tr *html.Node, depth int) bool {
	var cells []*html.Node
	for c := tr.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.ElementNode && (c.DataAtom == atom.Td || c.DataAtom == atom.Th):
			cells = append(cells, c)
		case c.Type == html.TextNode && strings.TrimSpace(c.Data) == "":
		case c.Type == html.CommentNode:
		default:
			return false
		}
	}
	if len(cells) != 2 {
		return false
	}
	first := r.sub(cells[0], depth)
	if len(first) != 1 || len(first[0]) > maxPairLabel {
		return false
	}
	second := r.sub(cells[1], depth)
	r.newline()
	if len(second) == 0 {
		r.lines = append(r.lines, first[0])
	} else {
		r.lines = append(r.lines, first[0]+"\t"+second[0])
		r.lines = append(r.lines, second[1:]...)
	}
	r.lines = append(r.lines, "")
	return true
}

// sub renders n's children on their own and returns the lines, without blank ones at the
// start or end.
func (r *htmlRenderer) sub(n *html.Node, depth int) []string {
	inner := &htmlRenderer{pre: r.pre}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		inner.walk(c, depth+1)
	}
	inner.newline()
	lines := inner.lines
	for len(lines) > 0 && lines[0] == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// boldBlock renders a block with no blocks inside it whose text is bold throughout as one
// "**text**" line. It reports whether it did.
func (r *htmlRenderer) boldBlock(n *html.Node, depth int) bool {
	if n.DataAtom == atom.Td || n.DataAtom == atom.Th || n.DataAtom == atom.Body || !allBold(n) {
		return false
	}
	lines := r.sub(n, depth)
	if len(lines) != 1 || strings.Trim(lines[0], "*_ ") == "" {
		return false
	}
	r.newline()
	r.lines = append(r.lines, "**"+strings.Trim(lines[0], "* ")+"**")
	return true
}

// allBold reports whether n has text and every piece of it is inside <b> or <strong>, with
// no block element and no line break in n.
func allBold(n *html.Node) bool {
	ok, found := boldText(n, false, 0)
	return ok && found
}

// boldText walks n: ok is false when some text is not bold (or n holds a block or a break),
// found says whether there is any text.
func boldText(n *html.Node, bold bool, depth int) (ok, found bool) {
	if depth > 32 {
		return false, false
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			if strings.TrimSpace(strings.ReplaceAll(c.Data, "\u00a0", " ")) != "" {
				if !bold {
					return false, found
				}
				found = true
			}
		case html.ElementNode:
			if skipElement(c) {
				continue
			}
			if isBlock(c.DataAtom) || c.DataAtom == atom.Br || c.DataAtom == atom.Input {
				return false, found
			}
			cok, cfound := boldText(c, bold || c.DataAtom == atom.B || c.DataAtom == atom.Strong, depth+1)
			if !cok {
				return false, found
			}
			found = found || cfound
		}
	}
	return true, found
}

// quote renders a blockquote's content as "> " lines.
func (r *htmlRenderer) quote(n *html.Node, depth int) {
	r.newline()
	inner := &htmlRenderer{}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		inner.walk(c, depth+1)
	}
	inner.newline()
	for _, l := range inner.lines {
		r.lines = append(r.lines, "> "+l)
	}
}

// input renders a checked checkbox or radio button as "[x]", an unchecked one as "[ ]", and a
// text field as its value.
func (r *htmlRenderer) input(n *html.Node) {
	typ, checked, value := "", false, ""
	for _, a := range n.Attr {
		switch strings.ToLower(a.Key) {
		case "type":
			typ = strings.ToLower(a.Val)
		case "checked":
			checked = true
		case "value":
			value = a.Val
		}
	}
	switch typ {
	case "checkbox", "radio":
		if checked {
			r.cur.WriteString("[x] ")
		} else {
			r.cur.WriteString("[ ] ")
		}
	case "", "text":
		r.text(value)
	}
}

func skipElement(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Head, atom.Title, atom.Template, atom.Noscript, atom.Object:
		return true
	}
	for _, a := range n.Attr {
		if a.Key == "class" {
			for _, c := range strings.Fields(a.Val) {
				switch c {
				case "gmail_signature", "moz-signature", "gmail_quote_container_signature":
					return true
				}
			}
		}
		if a.Key == "id" && (a.Val == "Signature" || a.Val == "signature") {
			return true
		}
	}
	return false
}

func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Li, atom.Ul, atom.Ol, atom.Tr, atom.Td, atom.Th, atom.Table,
		atom.Tbody, atom.Thead, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Hr,
		atom.Section, atom.Article, atom.Header, atom.Footer, atom.Address, atom.Center, atom.Dt,
		atom.Dd, atom.Dl, atom.Pre, atom.Caption, atom.Form, atom.Fieldset, atom.Legend,
		atom.Label, atom.Textarea, atom.Body:
		return true
	}
	return false
}
