package mailparse

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseWithKeepData(t *testing.T) {
	pdf := "%PDF-1.4 form " + strings.Repeat("x", 700)
	bigPDF := "%PDF-1.4 form " + strings.Repeat("y", 2000)
	bin := strings.Repeat("\x00\x01binary", 300)
	b64 := func(s string) string {
		enc := base64.StdEncoding.EncodeToString([]byte(s))
		var b strings.Builder
		for len(enc) > 76 {
			b.WriteString(enc[:76] + "\r\n")
			enc = enc[76:]
		}
		return b.String() + enc + "\r\n"
	}
	part := func(ct, name, cte, body string) string {
		return "--b\r\nContent-Type: " + ct + "\r\nContent-Disposition: attachment; filename=\"" + name +
			"\"\r\nContent-Transfer-Encoding: " + cte + "\r\n\r\n" + body
	}
	docsOnly := func(name, ct string, size int, head []byte) bool {
		return size <= 1500 && (strings.HasSuffix(name, ".pdf") || strings.HasPrefix(string(head), "%PDF-"))
	}
	tests := []struct {
		name     string
		part     string
		wantData bool
		problems []string
	}{
		{name: "pdf by name kept", part: part("application/pdf", "form.pdf", "base64", b64(pdf)), wantData: true},
		{name: "pdf sniffed in octet-stream kept", part: part("application/octet-stream", "scan.bin", "base64", b64(pdf)), wantData: true},
		{name: "pdf over the size limit dropped", part: part("application/pdf", "groot.pdf", "base64", b64(bigPDF))},
		{name: "8bit pdf over the size limit dropped", part: part("application/pdf", "groot.pdf", "8bit", bigPDF+"\r\n")},
		{name: "quoted-printable pdf over the size limit dropped", part: part("application/pdf", "groot.pdf", "quoted-printable", bigPDF+"\r\n")},
		{name: "quoted-printable pdf within the limit kept", part: part("application/pdf", "form.pdf", "quoted-printable", pdf+"\r\n"), wantData: true},
		{name: "base64 binary dropped", part: part("application/octet-stream", "opname.bin", "base64", b64(bin))},
		{name: "padding-free base64 measured", part: part("application/octet-stream", "x.bin", "base64", strings.TrimRight(b64(bin+"ab"), "=\r\n")+"\r\n")},
		{name: "malformed base64 still reported", part: part("application/octet-stream", "x.bin", "base64", "QUJD!REVG\r\n"),
			problems: []string{"malformed base64 content read leniently"}},
		{name: "8bit dropped", part: part("text/csv", "lijst.csv", "8bit", "a;b\r\n1;2\r\n")},
		{name: "quoted-printable dropped after decoding", part: part("text/csv", "lijst.csv", "quoted-printable", "a=3Bb\r\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := []byte("From: a@example.org\r\nDate: Thu, 26 Nov 2026 10:00:00 +0100\r\nMIME-Version: 1.0\r\n" +
				"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nTekst\r\n" +
				tt.part + "--b--\r\n")
			all, err := Parse(raw)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseWith(raw, Options{KeepData: docsOnly})
			if err != nil {
				t.Fatal(err)
			}
			if len(all.Attachments) != 1 || len(got.Attachments) != 1 {
				t.Fatalf("attachments: %d without options, %d with; want 1 each", len(all.Attachments), len(got.Attachments))
			}
			want := all.Attachments[0]
			if !tt.wantData {
				want.Data = nil
			}
			if diff := cmp.Diff(want, got.Attachments[0]); diff != "" {
				t.Errorf("attachment (-want +got):\n%s", diff)
			}
			if want.Size != len(all.Attachments[0].Data) {
				t.Errorf("Size %d, decoded %d bytes", want.Size, len(all.Attachments[0].Data))
			}
			if diff := cmp.Diff(all.Problems, got.Problems); diff != "" {
				t.Errorf("problems differ from Parse (-Parse +ParseWith):\n%s", diff)
			}
			if diff := cmp.Diff(tt.problems, got.Problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}
