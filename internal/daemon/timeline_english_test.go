package daemon

import (
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/config"
)

// TestTimelineInEnglish: where staff read English (organisation.language = "en"), what the
// domain writes on the timeline of a case comes in English too (it came in Dutch beside the
// daemon's English); in Dutch it stays as it was.
func TestTimelineInEnglish(t *testing.T) {
	for _, tt := range []struct {
		lang       string
		escalation string
		extension  string
	}{
		{"en", "referred to the complaints commissioner", "term extended to "},
		{"nl", "voorgelegd aan de klachtencommissaris", "termijn verlengd tot "},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			e := newCaseEnv(t, func(c *config.Config) { c.Organisation.Language = tt.lang }, nil)
			id, _ := e.complaint("Jan de Vries", janAddr, "te-1@example.nl", "Naam: Jan de Vries\nOmschrijving: de training begon te laat.")
			for i, tag := range []string{"[verlenging 3w]", "[gegrond]", "[escalatie]"} {
				e.advance(time.Hour)
				e.feed.feed(t, staffMail(id, tag, "te-staff-"+string(rune('a'+i))+"@intervisie-begeleiding.nl", e.clock.Now(), "Zie hieronder.\n"))
				e.send()
			}
			got := map[string]string{}
			for _, ev := range timeline(t, e.st, id) {
				got[ev.Kind] += ev.Text + "\n"
			}
			if !strings.Contains(got["escalation"], tt.escalation) {
				t.Errorf("escalation on the timeline: %q, want %q", got["escalation"], tt.escalation)
			}
			if !strings.Contains(got["extension"], tt.extension) {
				t.Errorf("extension on the timeline: %q, want %q", got["extension"], tt.extension)
			}
		})
	}
}
