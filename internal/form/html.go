package form

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlLines renders an HTML body as lines of text for the form parser: every block and every
// table cell starts a line (so a label cell and its answer cell become a label line followed
// by its answer), <br> breaks a line, a <blockquote> becomes "> " lines, and signatures marked
// by the mail client are left out.
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
	block := isBlock(n.DataAtom)
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
