package mailparse

import (
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParse(f *testing.F) {
	for _, file := range corpusFiles(f) {
		raw, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Parse(raw)
		if err != nil {
			return
		}
		checkMessage(t, m, 0)
	})
}

func FuzzHTMLToText(f *testing.F) {
	f.Add("<p>Een</p><table><tr><td>a<td>b</table><blockquote><a href='https://x'>y</a></blockquote>")
	f.Fuzz(func(t *testing.T, s string) {
		out := HTMLToText(s)
		if !utf8.ValidString(out) || strings.ContainsAny(out, "\r\x00") {
			t.Fatalf("HTMLToText(%q) = %q", s, out)
		}
	})
}

// checkMessage asserts the invariants promised by Message: valid UTF-8 everywhere, no NUL,
// and no CR or LF in any header-derived string.
func checkMessage(t *testing.T, m *Message, depth int) {
	t.Helper()
	if depth > maxDepth {
		t.Fatalf("forwarded nesting %d beyond the limit", depth)
	}
	line := func(what, s string) {
		if !utf8.ValidString(s) || strings.ContainsAny(s, "\r\n\x00") {
			t.Fatalf("%s = %q: invalid UTF-8 or a control character", what, s)
		}
	}
	line("MessageID", m.MessageID)
	line("Subject", m.Subject)
	line("ReturnPath", m.ReturnPath)
	line("Auto", m.Auto)
	line("Language", m.Language)
	for _, s := range append(append(append([]string{}, m.InReplyTo...), m.References...), m.Problems...) {
		line("id or problem", s)
	}
	for _, a := range append(append(append([]Address{m.From}, m.ReplyTo...), m.To...), m.Cc...) {
		line("address name", a.Name)
		line("address", a.Email)
	}
	for k, vs := range m.Header {
		line("header key", k)
		for _, v := range vs {
			line("header "+k, v)
		}
	}
	for _, a := range m.Attachments {
		line("filename", a.Filename)
		line("content type", a.ContentType)
		if a.Filename == "" || len(a.Filename) > 200 || strings.ContainsAny(a.Filename, `/\`) {
			t.Fatalf("filename %q", a.Filename)
		}
		if a.Data != nil && len(a.Data) != a.Size {
			t.Fatalf("attachment size %d, data %d", a.Size, len(a.Data))
		}
	}
	if b := m.Bounce; b != nil {
		line("bounce id", b.OriginalMessageID)
		line("bounce status", b.Status)
		line("bounce diagnostic", b.Diagnostic)
		for _, r := range b.Recipients {
			line("bounce recipient", r)
		}
	}
	for _, body := range []string{m.Text, m.HTML} {
		if !utf8.ValidString(body) || strings.ContainsAny(body, "\x00\r") {
			t.Fatalf("body with invalid UTF-8, NUL or CR: %q", body)
		}
	}
	if m.Language != "" && m.Language != "nl" && m.Language != "en" {
		t.Fatalf("Language %q", m.Language)
	}
	for _, f := range m.Forwarded {
		checkMessage(t, f, depth+1)
	}
}
