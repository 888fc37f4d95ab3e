package form

import "testing"

// TestMatchServiceTypoBudget holds each typo tolerance at its edge: an answer exactly at the
// budget still matches, one edit beyond it does not.
func TestMatchServiceTypoBudget(t *testing.T) {
	tests := []struct {
		name   string
		answer string
		want   string
		ok     bool
	}{
		// "onlinecursus" has 12 letters: a budget of 2; a swapped pair of letters is 2 edits.
		{"whole answer at the budget", "onlinecrusus", "online cursus", true},
		{"whole answer beyond the budget", "onlnecrusus", "", false},
		// Within a longer answer, the service's words at the budget, where neither word alone
		// is close enough (a space typed in the wrong place, two letters swapped).
		{"words in a sentence at the budget", "de onlinecru sus", "online cursus", true},
		{"words in a sentence beyond the budget", "de onlnecru sus", "", false},
		// One distinctive word with one typo ("cursus" has 6 letters: a budget of 1).
		{"distinctive word at the budget", "de cursos", "online cursus", true},
		{"distinctive word beyond the budget", "de kursos", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := MatchService(tt.answer, testServices)
			if got != tt.want || ok != tt.ok {
				t.Errorf("MatchService(%q) = %q, %v; want %q, %v", tt.answer, got, ok, tt.want, tt.ok)
			}
		})
	}
}
