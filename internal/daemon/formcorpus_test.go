package daemon

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/groeimeesters/klachtd/internal/form"
	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// formCorpus is the corpus of forms as people write them (testdata/forms, read by the form
// package's golden test too).
const formCorpus = "../../testdata/forms"

// TestFormCorpusReachesStaff sends every form of the corpus to the daemon as a mail and
// checks what comes out: every sentence the complainant wrote is in the staff notice, in its
// text and in its HTML part (as rendered by the built-in templates), after the form's
// fields (white space normalised, a sentence's closing full stop or colon aside); the case holds the fields the form package reads (its golden files), and asks for
// exactly the fields still missing.
func TestFormCorpusReachesStaff(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(formCorpus, "*"))
	if err != nil {
		t.Fatal(err)
	}
	clock := &mailtest.Clock{}
	clock.Set(time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC))
	cfg := testConfig(t, "", "", "", 0)
	cfg.Complaints.MaxNewPerHour = 1000 // the whole corpus arrives at one moment; each is confirmed at once
	d, st := newTestDaemon(t, cfg, clock, nil)
	f := &feeder{d: d}
	n := 0
	for _, p := range paths {
		ext := filepath.Ext(p)
		if ext != ".txt" && ext != ".html" {
			continue
		}
		name := strings.TrimSuffix(filepath.Base(p), ext)
		n++
		t.Run(name, func(t *testing.T) {
			body, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			var sentences []string
			ctype := "text/plain"
			if ext == ".html" {
				ctype = "text/html"
				sentences = htmlSentences(t, string(body))
			} else {
				sentences = form.Sentences(string(body))
			}
			if len(sentences) < 3 {
				t.Fatalf("only %d sentences found in %s: the splitting is broken", len(sentences), p)
			}
			from := fmt.Sprintf("klager%d@example.nl", n)
			f.feed(t, mailWithType(from, ctype, "Klacht", fmt.Sprintf("corpus-%d@example.nl", n), clock.Now(), string(body)))
			sent := sendAll(t, d, clock.Now())
			notice := onlyOne(t, to(sent, staffAddr), "melding-nieuw")
			ref := strings.Trim(strings.Fields(notice.Subject)[0], "[]")

			text := normSpace(notice.Text)
			htmlText := normSpace(textOfHTML(t, notice.HTML))
			for _, s := range sentences {
				// The plain rendering of a two-cell table row writes a label cell's closing
				// full stop as "Label: answer"; the sentence's words are what must be there.
				s = strings.TrimRight(normSpace(s), ".:")
				if !strings.Contains(text, s) {
					t.Errorf("sentence not in the staff notice's text: %q", s)
				}
				if !strings.Contains(htmlText, s) {
					t.Errorf("sentence not in the staff notice's HTML: %q", s)
				}
			}
			fieldsAt, wholeAt := strings.Index(notice.Text, "Klachtformulier:"), strings.Index(notice.Text, "De volledige tekst van de klacht, zoals ontvangen:")
			if fieldsAt < 0 || wholeAt < fieldsAt {
				t.Errorf("the whole text does not follow the fields (at %d, fields at %d)", wholeAt, fieldsAt)
			}
			if !strings.Contains(notice.Text, "De tagkaart: `klachtd help tags` of docs/handleiding.md") {
				t.Error("the staff notice does not point to the tag card")
			}

			var want struct {
				Fields  map[string]string `json:"fields"`
				Missing []string          `json:"missing"`
			}
			g, err := os.ReadFile(filepath.Join(formCorpus, name+".golden.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(g, &want); err != nil {
				t.Fatal(err)
			}
			c, _, err := st.Case(context.Background(), ref)
			if err != nil {
				t.Fatalf("case %s: %v", ref, err)
			}
			if diff := cmp.Diff(want.Fields, map[string]string(c.Fields), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("case %s fields (-golden +case):\n%s", ref, diff)
			}
			if diff := cmp.Diff(want.Missing, c.Missing(), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("case %s missing (-golden +case):\n%s", ref, diff)
			}
			conf := onlyOne(t, to(sent, from), "bevestiging")
			for _, m := range c.Missing() {
				if l := fieldLabel(m, c.Language); !strings.Contains(conf.Text, l) {
					t.Errorf("the confirmation does not ask for %s (%q)", m, l)
				}
			}
		})
	}
	if n < 30 {
		t.Errorf("corpus has %d forms, want at least 30", n)
	}
}

// mailWithType is a mail with a body of one content type, without a display name (so that
// naam is what the form says).
func mailWithType(from, ctype, subject, msgID string, date time.Time, body string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\n", from, orgAddr, mime.QEncoding.Encode("utf-8", subject))
	fmt.Fprintf(&b, "Date: %s\r\nMessage-ID: <%s>\r\n", date.Format(time.RFC1123Z), msgID)
	fmt.Fprintf(&b, "MIME-Version: 1.0\r\nContent-Type: %s; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n", ctype)
	b.WriteString(strings.ReplaceAll(body, "\n", "\r\n"))
	return b.Bytes()
}

// htmlSentences are the sentences of an HTML body: its text, block by block (a paragraph, a
// table cell, a line ended by <br>), each block split into sentences.
func htmlSentences(t *testing.T, src string) []string {
	t.Helper()
	var out []string
	for _, block := range htmlBlocks(t, src) {
		out = append(out, form.Sentences(block)...)
	}
	return out
}

// htmlBlocks is the text of HTML cut at blocks and line breaks; the head, styles and
// scripts are not text.
func htmlBlocks(t *testing.T, src string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	var blocks []string
	var cur strings.Builder
	flush := func() {
		if s := normSpace(cur.String()); s != "" {
			blocks = append(blocks, s)
		}
		cur.Reset()
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			cur.WriteString(n.Data)
			return
		case n.Type == html.ElementNode:
			switch n.DataAtom {
			case atom.Head, atom.Style, atom.Script, atom.Title:
				return
			case atom.Br:
				flush()
				return
			case atom.P, atom.Div, atom.Td, atom.Th, atom.Tr, atom.Li, atom.Table, atom.Blockquote,
				atom.H1, atom.H2, atom.H3, atom.Ul, atom.Ol, atom.Body:
				flush()
				defer flush()
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	flush()
	return blocks
}

// textOfHTML is the text a reader sees in an HTML part, blocks separated by a space.
func textOfHTML(t *testing.T, src string) string {
	t.Helper()
	return strings.Join(htmlBlocks(t, src), " ")
}

// normSpace makes every run of white space (also a non-breaking space) one space.
func normSpace(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\u00a0", " ")), " ")
}
