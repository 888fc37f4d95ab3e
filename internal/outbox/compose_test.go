package outbox

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/groeimeesters/klachtd/internal/mailparse"
)

// parsed is what a reader of the composed mail sees.
type parsed struct {
	header netmail.Header
	parts  map[string]string // media type or attachment file name -> decoded content
}

func parseComposed(t *testing.T, raw []byte) parsed {
	t.Helper()
	m, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("read composed mail: %v\n%s", err, raw)
	}
	p := parsed{header: m.Header, parts: make(map[string]string)}
	walkPart(t, m.Header, m.Body, p.parts)
	return p
}

type headerGetter interface{ Get(string) string }

func walkPart(t *testing.T, h headerGetter, body io.Reader, out map[string]string) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		t.Fatalf("content type %q: %v", h.Get("Content-Type"), err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		out[mt] = "multipart"
		mr := multipart.NewReader(body, params["boundary"])
		for {
			part, err := mr.NextRawPart()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatalf("next part: %v", err)
			}
			walkPart(t, part.Header, part, out)
		}
	}
	switch strings.ToLower(h.Get("Content-Transfer-Encoding")) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	data, err := io.ReadAll(body)
	if err != nil {
		t.Fatalf("read %s part: %v", mt, err)
	}
	key := mt + "; charset=" + strings.ToLower(params["charset"])
	if _, dp, err := mime.ParseMediaType(h.Get("Content-Disposition")); err == nil && dp["filename"] != "" {
		key = dp["filename"]
	}
	if strings.HasPrefix(mt, "text/") {
		data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")) // CRLF on the wire
	}
	out[key] = string(data)
}

func TestComposeHeaders(t *testing.T) {
	r := testRow(3)
	raw, err := Compose(&r)
	if err != nil {
		t.Fatalf("Compose: %v", err)
	}
	p := parseComposed(t, raw)
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(p.header.Get("Subject"))
	if err != nil {
		t.Fatalf("decode subject: %v", err)
	}
	from, err := p.header.AddressList("From")
	if err != nil {
		t.Fatalf("from: %v", err)
	}
	to, _ := p.header.AddressList("To")
	cc, _ := p.header.AddressList("Cc")
	date, err := p.header.Date()
	if err != nil || !date.Equal(r.Date) {
		t.Errorf("Date = %v (%v), want %v", date, err, r.Date)
	}
	got := map[string]string{
		"Message-ID":               p.header.Get("Message-ID"),
		"In-Reply-To":              p.header.Get("In-Reply-To"),
		"References":               p.header.Get("References"),
		"Auto-Submitted":           p.header.Get("Auto-Submitted"),
		"X-Auto-Response-Suppress": p.header.Get("X-Auto-Response-Suppress"),
		"X-Klachtd-Case":           p.header.Get("X-Klachtd-Case"),
		"MIME-Version":             p.header.Get("MIME-Version"),
		"Precedence":               p.header.Get("Precedence"),
		"Subject":                  subject,
		"From":                     from[0].String(),
		"To":                       to[0].String(),
		"Cc":                       cc[0].String(),
	}
	want := map[string]string{
		"Message-ID":               "<kl-2027-0007.bevestiging.3@intervisie-begeleiding.nl>",
		"In-Reply-To":              "<CAF=abc123@mail.gmail.com>",
		"References":               "<CAF=abc123@mail.gmail.com> <kl-2027-0007.melding@intervisie-begeleiding.nl>",
		"Auto-Submitted":           "auto-replied",
		"X-Auto-Response-Suppress": "All",
		"X-Klachtd-Case":           "KL-2027-0007",
		"MIME-Version":             "1.0",
		"Precedence":               "",
		"Subject":                  r.Subject,
		"From":                     (&netmail.Address{Name: "Groeimeesters – klachten", Address: "info@intervisie-begeleiding.nl"}).String(),
		"To":                       (&netmail.Address{Name: "Joëlle van Dijk", Address: "joelle@example.nl"}).String(),
		"Cc":                       `"Kathleen Naber" <info@ivak.nl>`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("headers (-want +got):\n%s", diff)
	}
	if rawSubject := p.header.Get("Subject"); !strings.Contains(rawSubject, "=?UTF-8?") {
		t.Errorf("raw Subject %q is not RFC 2047 encoded", rawSubject)
	}
	for _, line := range strings.Split(string(raw), "\r\n") {
		if len(line) > 998 {
			t.Errorf("line longer than 998 octets: %.80q…", line)
		}
	}
	wantParts := map[string]string{
		"multipart/alternative":     "multipart",
		"text/plain; charset=utf-8": r.Text,
		"text/html; charset=utf-8":  r.HTML,
	}
	if diff := cmp.Diff(wantParts, p.parts); diff != "" {
		t.Errorf("parts (-want +got):\n%s", diff)
	}
}

func TestComposeVariants(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\nnot really a chart")
	tests := []struct {
		name      string
		edit      func(*Row)
		wantParts map[string]string
		wantHdr   map[string]string
	}{
		{
			name: "text only, new thread, no case",
			edit: func(r *Row) {
				r.HTML, r.InReplyTo, r.References, r.CaseID, r.AutoSubmitted = "", "", nil, "", ""
			},
			wantParts: map[string]string{"text/plain; charset=utf-8": testRow(1).Text},
			wantHdr:   map[string]string{"In-Reply-To": "", "References": "", "X-Klachtd-Case": "", "Auto-Submitted": "auto-generated"},
		},
		{
			name: "report with chart",
			edit: func(r *Row) {
				r.Attachments = []Attachment{{Name: "klachten-2026-H2.png", ContentType: "image/png", Data: png}}
			},
			wantParts: map[string]string{
				"multipart/mixed": "multipart", "multipart/alternative": "multipart",
				"text/plain; charset=utf-8": testRow(1).Text, "text/html; charset=utf-8": testRow(1).HTML,
				"klachten-2026-H2.png": string(png),
			},
			wantHdr: map[string]string{"X-Klachtd-Case": "KL-2027-0007"},
		},
		{
			name: "unsafe threading ids are left out",
			edit: func(r *Row) {
				r.InReplyTo = "has space@x"
				r.References = []string{"<bracketed@x>", "ok@x", "ünïcode@x"}
			},
			wantParts: map[string]string{
				"multipart/alternative":     "multipart",
				"text/plain; charset=utf-8": testRow(1).Text, "text/html; charset=utf-8": testRow(1).HTML,
			},
			wantHdr: map[string]string{"In-Reply-To": "", "References": "<ok@x>"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := testRow(1)
			tt.edit(&r)
			raw, err := Compose(&r)
			if err != nil {
				t.Fatalf("Compose: %v", err)
			}
			p := parseComposed(t, raw)
			if diff := cmp.Diff(tt.wantParts, p.parts); diff != "" {
				t.Errorf("parts (-want +got):\n%s", diff)
			}
			for k, want := range tt.wantHdr {
				if got := p.header.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
		})
	}
}

func TestBuildRefusesInjection(t *testing.T) {
	const evil = "\r\nBcc: evil@x"
	tests := []struct {
		name string
		edit func(*Row)
	}{
		{"subject", func(r *Row) { r.Subject += evil }},
		{"subject LF only", func(r *Row) { r.Subject = "Klacht\nBcc: evil@x" }},
		{"from name", func(r *Row) { r.From.Name += evil }},
		{"to name", func(r *Row) { r.To[0].Name = "Joëlle" + evil }},
		{"cc address", func(r *Row) { r.Cc[0].Email = "info@ivak.nl" + evil }},
		{"to address list", func(r *Row) { r.To[0].Email = "a@x.nl, evil@x" }},
		{"message id", func(r *Row) { r.MessageID = "kl@x" + evil }},
		{"message id without domain", func(r *Row) { r.MessageID = "kl-2027-0007" }},
		{"in-reply-to", func(r *Row) { r.InReplyTo = "a@x" + evil }},
		{"references", func(r *Row) { r.References = append(r.References, "b@x"+evil) }},
		{"case id", func(r *Row) { r.CaseID = "KL-2027-0007" + evil }},
		{"auto-submitted", func(r *Row) { r.AutoSubmitted = "auto-replied" + evil }},
		{"attachment name", func(r *Row) { r.Attachments = []Attachment{{Name: "a.png" + evil, Data: []byte("x")}} }},
		{"NUL in subject", func(r *Row) { r.Subject = "Klacht\x00" }},
		{"invalid UTF-8 name", func(r *Row) { r.From.Name = "Gr\xffeimeesters" }},
		{"no recipients", func(r *Row) { r.To, r.Cc = nil, nil }},
		{"no date", func(r *Row) { r.Date = time.Time{} }},
		{"no body", func(r *Row) { r.Text, r.HTML = "", "" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := testRow(1)
			r.To = append([]mailparse.Address(nil), r.To...)
			r.Cc = append([]mailparse.Address(nil), r.Cc...)
			tt.edit(&r)
			raw, err := Compose(&r)
			if !errors.Is(err, ErrInvalidRow) {
				t.Fatalf("Compose error = %v, want ErrInvalidRow; mail:\n%s", err, raw)
			}
			if strings.Contains(err.Error(), "evil") {
				t.Errorf("error %q repeats the hostile value", err)
			}
			if Classify(err) {
				t.Errorf("Classify(%v) = temporary, want permanent", err)
			}
		})
	}
}
