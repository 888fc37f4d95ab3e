package mailparse

import (
	"strconv"
	"strings"

	"golang.org/x/net/html"
)

// maxHTMLNesting bounds the stacks of open quotes, cells, lists and tables.
const maxHTMLNesting = 32

// HTMLToText renders HTML as readable plain text: paragraphs separated by a blank line, line
// breaks kept, list items as "- item" or "1. item", links as "text (url)", blockquotes
// prefixed with "> ", and table rows on one line ("Label: answer" for two cells) so that a
// form pasted as a table reads like one typed in. Scripts, styles and the head are dropped.
// It streams through the tokenizer, so malformed HTML is read as far as it goes.
func HTMLToText(s string) string {
	r := &htmlRenderer{}
	r.blocks = []*textBlock{{}}
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		switch tt {
		case html.TextToken:
			if r.skip == 0 {
				r.top().text(string(z.Text()), r.pre > 0)
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			attrs := map[string]string{}
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				if len(attrs) < 20 {
					attrs[string(k)] = string(v)
				}
			}
			r.start(string(name), attrs, tt == html.SelfClosingTagToken)
		case html.EndTagToken:
			name, _ := z.TagName()
			r.end(string(name))
		}
	}
	for len(r.tables) > 0 {
		r.endTable()
	}
	for len(r.blocks) > 1 {
		r.popBlock()
	}
	return tidyText(r.blocks[0].b.String())
}

// textBlock is an output buffer: the document, a table cell, or a blockquote.
type textBlock struct {
	b      strings.Builder
	nl     int  // newlines at the end of b
	space  bool // a space is pending before the next word
	blank  bool // a line held only &nbsp;: the next line break leaves a blank line
	quote  bool
	cellOf *tableState
}

func (t *textBlock) text(s string, pre bool) {
	if pre {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		t.b.WriteString(s)
		t.nl = 0
		for i := len(s) - 1; i >= 0 && s[i] == '\n'; i-- {
			t.nl++
		}
		return
	}
	if t.nl > 0 && strings.ContainsRune(s, '\u00a0') && strings.TrimSpace(strings.ReplaceAll(s, "\u00a0", " ")) == "" {
		t.blank = true
	}
	for _, c := range s {
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u00a0' {
			t.space = true
			continue
		}
		if t.space && t.b.Len() > 0 && t.nl == 0 {
			t.b.WriteByte(' ')
		}
		t.space, t.blank = false, false
		t.b.WriteRune(c)
		t.nl = 0
	}
}

// newline ends the current line and adds blank lines until n newlines end the buffer.
func (t *textBlock) newline(n int) {
	t.space = false
	if t.b.Len() == 0 {
		return
	}
	if t.blank {
		n, t.blank = max(n, 2), false
	}
	for t.nl < n {
		t.b.WriteByte('\n')
		t.nl++
	}
}

type listState struct {
	ordered bool
	n       int
}

type linkState struct {
	href  string
	block *textBlock
	start int
}

type tableState struct {
	row   []string
	depth int // len(blocks) when the table started
}

type htmlRenderer struct {
	blocks []*textBlock
	skip   int
	pre    int
	lists  []listState
	links  []linkState
	tables []*tableState
	// msoPara is set inside an Outlook MsoNormal paragraph, which ends with one line break.
	msoPara bool
}

func (r *htmlRenderer) top() *textBlock { return r.blocks[len(r.blocks)-1] }

var blockTags = map[string]bool{
	"div": true, "section": true, "article": true, "header": true, "footer": true, "center": true,
	"address": true, "form": true, "fieldset": true, "dl": true, "dt": true, "dd": true,
	"figure": true, "main": true, "nav": true, "aside": true, "caption": true,
}

var skipTags = map[string]bool{
	"script": true, "style": true, "head": true, "title": true, "noscript": true,
	"template": true, "xml": true, "svg": true,
}

func (r *htmlRenderer) start(name string, attrs map[string]string, selfClosing bool) {
	t := r.top()
	switch {
	case skipTags[name]:
		if !selfClosing {
			r.skip++
		}
	case name == "body":
		r.skip = 0
	case name == "br":
		if t.b.Len() > 0 {
			t.b.WriteByte('\n')
			t.nl++
		}
		t.space = false
	case name == "p" && strings.Contains(strings.ToLower(attrs["class"]), "msonormal"):
		t.newline(1) // Outlook writes every line as a MsoNormal paragraph
		r.msoPara = true
	case name == "p" || isHeading(name) || name == "hr":
		r.msoPara = false
		t.newline(2)
	case blockTags[name]:
		t.newline(1)
	case name == "ul" || name == "ol":
		t.newline(1)
		if len(r.lists) < maxHTMLNesting {
			r.lists = append(r.lists, listState{ordered: name == "ol"})
		}
	case name == "li":
		r.listItem()
	case name == "pre":
		t.newline(1)
		r.pre++
	case name == "blockquote":
		t.newline(1)
		r.pushBlock(&textBlock{quote: true})
	case name == "a":
		if len(r.links) < maxHTMLNesting {
			r.links = append(r.links, linkState{href: attrs["href"], block: t, start: t.b.Len()})
		}
	case name == "table":
		t.newline(1)
		if len(r.tables) < maxHTMLNesting {
			r.tables = append(r.tables, &tableState{depth: len(r.blocks)})
		}
	case name == "tr":
		r.endRow()
	case name == "td" || name == "th":
		r.endCell()
		if tb := r.table(); tb != nil {
			r.pushBlock(&textBlock{cellOf: tb})
		} else {
			t.newline(1)
		}
	}
}

func (r *htmlRenderer) end(name string) {
	t := r.top()
	switch {
	case skipTags[name]:
		if r.skip > 0 {
			r.skip--
		}
	case name == "p" && r.msoPara:
		t.newline(1)
	case name == "p" || isHeading(name):
		t.newline(2)
	case blockTags[name] || name == "li":
		t.newline(1)
	case name == "ul" || name == "ol":
		if len(r.lists) > 0 {
			r.lists = r.lists[:len(r.lists)-1]
		}
		t.newline(1)
	case name == "pre":
		if r.pre > 0 {
			r.pre--
		}
		t.newline(1)
	case name == "blockquote":
		for len(r.blocks) > 1 {
			q := r.top().quote
			r.popBlock()
			if q {
				break
			}
		}
	case name == "a":
		r.endLink()
	case name == "td" || name == "th":
		r.endCell()
	case name == "tr":
		r.endRow()
	case name == "table":
		r.endTable()
	}
}

func isHeading(name string) bool {
	return len(name) == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6'
}

func (r *htmlRenderer) listItem() {
	t := r.top()
	t.newline(1)
	indent := ""
	if len(r.lists) > 1 {
		indent = strings.Repeat("  ", len(r.lists)-1)
	}
	marker := "- "
	if len(r.lists) > 0 && r.lists[len(r.lists)-1].ordered {
		l := &r.lists[len(r.lists)-1]
		l.n++
		marker = strconv.Itoa(l.n) + ". "
	}
	t.b.WriteString(indent + marker)
	t.nl = 0
	t.space = false
}

// endLink appends the link target after its text, unless the text already shows it.
func (r *htmlRenderer) endLink() {
	if len(r.links) == 0 {
		return
	}
	l := r.links[len(r.links)-1]
	r.links = r.links[:len(r.links)-1]
	href := strings.TrimSpace(l.href)
	t := r.top()
	if href == "" || strings.HasPrefix(href, "#") || l.block != t || l.start > t.b.Len() {
		return
	}
	lower := strings.ToLower(href)
	if !strings.HasPrefix(lower, "http:") && !strings.HasPrefix(lower, "https:") && !strings.HasPrefix(lower, "mailto:") {
		return
	}
	target := href
	if strings.HasPrefix(lower, "mailto:") {
		target, _, _ = strings.Cut(href[len("mailto:"):], "?")
	}
	text := strings.TrimSpace(t.b.String()[l.start:])
	if text == "" || strings.Contains(text, target) || strings.Contains(target, text) && strings.Contains(text, ".") {
		return
	}
	t.text(" ("+target+")", false)
}

func (r *htmlRenderer) pushBlock(b *textBlock) {
	if len(r.blocks) >= maxHTMLNesting {
		return
	}
	r.blocks = append(r.blocks, b)
}

// popBlock closes the innermost block into its parent: a quote with "> " before each line,
// a cell into its table row.
func (r *htmlRenderer) popBlock() {
	if len(r.blocks) <= 1 {
		return
	}
	b := r.top()
	r.blocks = r.blocks[:len(r.blocks)-1]
	parent := r.top()
	content := strings.Trim(b.b.String(), "\n ")
	switch {
	case b.cellOf != nil:
		if content != "" {
			b.cellOf.row = append(b.cellOf.row, content)
		}
	case content != "":
		parent.newline(1)
		for i, line := range strings.Split(content, "\n") {
			if i > 0 {
				parent.b.WriteByte('\n')
			}
			parent.b.WriteString(strings.TrimRight("> "+line, " "))
		}
		parent.nl = 0
		parent.newline(1)
	}
}

func (r *htmlRenderer) table() *tableState {
	if len(r.tables) == 0 {
		return nil
	}
	return r.tables[len(r.tables)-1]
}

// endCell closes the open cell of the current table, and any block opened inside it.
func (r *htmlRenderer) endCell() {
	tb := r.table()
	if tb == nil {
		return
	}
	for len(r.blocks) > tb.depth {
		r.popBlock()
	}
}

// endRow writes the current row: two cells as "Label: answer", more as "a | b | c", cells
// holding several lines one below the other.
func (r *htmlRenderer) endRow() {
	r.endCell()
	tb := r.table()
	if tb == nil || len(tb.row) == 0 {
		return
	}
	cells := tb.row
	tb.row = nil
	t := r.top()
	t.newline(1)
	multi := false
	for _, c := range cells {
		multi = multi || strings.Contains(c, "\n")
	}
	var line string
	switch {
	case multi:
		line = strings.Join(cells, "\n")
	case len(cells) == 2:
		label := strings.TrimRight(strings.TrimSpace(cells[0]), ":.")
		if strings.HasSuffix(label, "?") {
			line = label + " " + cells[1]
		} else {
			line = label + ": " + cells[1]
		}
	default:
		line = strings.Join(cells, " | ")
	}
	t.b.WriteString(line)
	t.nl = 0
	t.newline(1)
}

func (r *htmlRenderer) endTable() {
	if r.table() == nil {
		return
	}
	r.endRow()
	r.tables = r.tables[:len(r.tables)-1]
	r.top().newline(1)
}
