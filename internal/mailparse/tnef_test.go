package mailparse

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/groeimeesters/klachtd/internal/mailtest/bombs"
)

func TestTNEF(t *testing.T) {
	stream := buildTNEF("Tekst\r\n", []tnefFile{
		{title: "LANGEN~1.PDF", longName: "Lange naam ‘met’ tekens.pdf", mimeTag: "application/pdf", data: []byte("%PDF")},
		{title: "kort.txt", data: []byte("inhoud")},
		{title: "leeg.bin"},
	})
	got, err := parseTNEF(stream)
	if err != nil {
		t.Fatal(err)
	}
	if got.body != "Tekst\r\n" {
		t.Errorf("body = %q", got.body)
	}
	want := []tnefAttachment{
		{name: "Lange naam ‘met’ tekens.pdf", mimeTag: "application/pdf", data: []byte("%PDF"), longName: true},
		{name: "kort.txt", data: []byte("inhoud")},
		{name: "leeg.bin", data: []byte{}},
	}
	var have []tnefAttachment
	for _, a := range got.attachments {
		have = append(have, *a)
	}
	if diff := cmp.Diff(want, have, cmp.AllowUnexported(tnefAttachment{})); diff != "" {
		t.Errorf("attachments (-want +got):\n%s", diff)
	}
	// Every truncation reads without panic, and never yields more than the full stream.
	for n := 0; n < len(stream); n++ {
		r, err := parseTNEF(stream[:n])
		if n < 6 {
			if err == nil {
				t.Errorf("parseTNEF(%d bytes): no error", n)
			}
			continue
		}
		if err != nil || len(r.attachments) > 3 {
			t.Errorf("parseTNEF(%d bytes) = %v, %v", n, r, err)
		}
	}
	if _, err := parseTNEF([]byte("not tnef at all")); err == nil {
		t.Error("garbage accepted")
	}
}

func FuzzTNEF(f *testing.F) {
	f.Add(buildTNEF("body", []tnefFile{{title: "a.txt", longName: "long.txt", mimeTag: "text/plain", data: []byte("x")}}))
	f.Add(bytes.Repeat([]byte{0x78, 0x9f, 0x3e, 0x22}, 4))
	f.Add(bombs.TNEFLongName(64 << 10)) // the 18 MB name, scaled down
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := parseTNEF(b)
		if err != nil {
			return
		}
		for _, a := range r.attachments {
			if len(a.data) > len(b) || a.name == "" {
				t.Fatalf("attachment %q with %d bytes from %d", a.name, len(a.data), len(b))
			}
		}
	})
}
