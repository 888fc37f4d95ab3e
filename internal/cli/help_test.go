package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/groeimeesters/klachtd/internal/complaint"
)

// TestHelpTags: `klachtd help tags` lists every tag of complaint.TagKinds (the tag table
// is the one home of the list; the card and the staff mails' instructions are one template),
// in the organisation's language, naming its commissaris; without a configuration, in Dutch.
func TestHelpTags(t *testing.T) {
	noConfig := filepath.Join(t.TempDir(), "none.toml")
	cfgNL := writeConfig(t, "[commissaris]\nname = \"Kathleen Naber\"\nemail = \"info@ivak.nl\"\n")
	cfgEN := inLanguage(t, "en")
	for _, tt := range []struct {
		cfg  string
		want []string
	}{
		{noConfig, []string{"Tags van klachtd", "Zo geeft u opdrachten", "docs/handleiding.md"}},
		{cfgNL, []string{"klachtencommissaris (Kathleen Naber)", "Oorzaak:"}},
		{cfgEN, []string{"klachtd's tags", "How to give instructions", "Maatregel:"}},
	} {
		r := mustRun(t, 0, "help", "tags", "--config", tt.cfg)
		for _, k := range complaint.TagKinds {
			if !strings.Contains(r.stdout, "["+string(k)) {
				t.Errorf("help tags (%s) lacks [%s:\n%s", filepath.Base(tt.cfg), k, r.stdout)
			}
		}
		for _, w := range tt.want {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("help tags (%s) lacks %q:\n%s", filepath.Base(tt.cfg), w, r.stdout)
			}
		}
	}
	mustRun(t, 2, "help", "bogus")
}
