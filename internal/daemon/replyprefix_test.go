package daemon

import "testing"

// TestReplyPrefix: the subjects that start as an answer, in the languages mail clients write,
// and those that do not.
func TestReplyPrefix(t *testing.T) {
	tests := []struct {
		subject string
		want    bool
	}{
		{"Re: [KL-2026-0001] Bevestiging", true},
		{"RE: Re: [KL-2026-0001] Bevestiging", true},
		{"Antw: [KL-2026-0001] Bevestiging", true},
		{"AW: [KL-2026-0001] Bevestigung", true},
		{"SV: [KL-2026-0001]", true},
		{"VS: [KL-2026-0001]", true},
		{"Re[2]: [KL-2026-0001]", true},
		{"Re (2): [KL-2026-0001]", true},
		{"[EXTERN] RE: [KL-2026-0001]", true},
		{"  re : [KL-2026-0001]", true},
		{"R\u00e9f: x", false},
		{"回复： [KL-2026-0001]", true},
		{"[KL-2026-0001] [gegrond]", false},
		{"Fwd: [KL-2026-0001]", false},
		{"Reactie: [KL-2026-0001]", false},
		{"Regarding [KL-2026-0001]", false},
		{"[KL-2026-0001] Re: nieuwe afspraak", true}, // bracketed text first, as gateways write it: the safe reading
		{"", false},
	}
	for _, tt := range tests {
		if got := replyPrefix.MatchString(tt.subject); got != tt.want {
			t.Errorf("replyPrefix(%q) = %v, want %v", tt.subject, got, tt.want)
		}
	}
}
