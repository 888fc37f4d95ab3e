package mailparse

import (
	"net/mail"
	"testing"
	"time"
)

// TestParseDateFastPath: a Date in the common RFC 1123 form with a numeric zone reads as
// net/mail reads it, the same instant in the same zone.
func TestParseDateFastPath(t *testing.T) {
	for _, v := range []string{"Tue, 01 Dec 2026 10:00:00 +0100", "Mon, 29 Feb 2027 23:59:59 -0000", "Sun, 05 Jul 2026 08:30:00 +0200",
		"Wed, 31 Dec 1969 23:59:59 +1400", "Tue, 01 Dec 2026 10:00:00 +0000"} {
		want, werr := mail.ParseDate(v)
		got, ok := parseDate(v)
		if werr != nil {
			if ok {
				t.Errorf("parseDate(%q) = %v; net/mail refuses it (%v)", v, got, werr)
			}
			continue
		}
		if !ok || !got.Equal(want) || got.Format(time.RFC3339) != want.Format(time.RFC3339) {
			t.Errorf("parseDate(%q) = %v, %v; want %v as net/mail reads it", v, got, ok, want)
		}
	}
}
