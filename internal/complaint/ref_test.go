package complaint

import "testing"

func TestFormatRef(t *testing.T) {
	tests := []struct {
		year, seq int
		want      string
	}{{2026, 7, "KL-2026-0007"}, {2027, 1234, "KL-2027-1234"}, {2027, 12345, "KL-2027-12345"}, {2026, 0, "KL-2026-0000"}}
	for _, tt := range tests {
		if got := FormatRef(tt.year, tt.seq); got != tt.want {
			t.Errorf("FormatRef(%d, %d) = %q, want %q", tt.year, tt.seq, got, tt.want)
		}
		y, s, err := ParseRef(tt.want)
		if err != nil || y != tt.year || s != tt.seq {
			t.Errorf("ParseRef(%q) = %d, %d, %v", tt.want, y, s, err)
		}
	}
	for _, bad := range []string{"", "KL-26-0007", "KL-2026-07", "XX-2026-0007", "KL-2026-0007x", "[KL-2026-0007] x"} {
		if _, _, err := ParseRef(bad); err == nil {
			t.Errorf("ParseRef(%q): want an error", bad)
		}
	}
}

func TestFindRef(t *testing.T) {
	tests := []struct {
		subject, want string
		ok            bool
	}{
		{"[KL-2026-0007] Uw klacht", "KL-2026-0007", true},
		{"Re: [KL-2026-0007] Uw klacht", "KL-2026-0007", true},
		{"Antw: [KL-2026-0007]", "KL-2026-0007", true},
		{"AW: WG: [kl-2026-0007] Ihre Beschwerde", "KL-2026-0007", true},
		{"Fwd: Doorst: FW: [Kl-2026-0007]", "KL-2026-0007", true},
		{"RE: [EXTERN] Re: [KL-2026-0007] [gegrond]", "KL-2026-0007", true},
		{"Re: [ KL-2026-0012 ]", "KL-2026-0012", true},
		{"[KL-2027-12345]", "KL-2027-12345", true},
		{"[KL-2027-00042]", "KL-2027-0042", true},
		{"Re: Uw klacht KL-2026-0007", "", false},
		{"[KL-2026-007]", "", false},
		{"[KL-2026-0007", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := FindRef(tt.subject)
		if got != tt.want || ok != tt.ok {
			t.Errorf("FindRef(%q) = %q, %v; want %q, %v", tt.subject, got, ok, tt.want, tt.ok)
		}
	}
}
