package complaint

import (
	"strings"
	"testing"
)

func TestWithoutNotes(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Wij geven u gelijk.\n\nOorzaak: trainer Piet vergat het\nen was ziek\n\nMaatregel: een rooster", "Wij geven u gelijk."},
		{"Oorzaak: x\nWij geven u gelijk.", ""},
		{"Wij geven u gelijk.\n- **Oorzaak:** x\n\nU hoort van ons.", "Wij geven u gelijk.\n\nU hoort van ons."},
		{"De oorzaak: onbekend, zegt u.", "De oorzaak: onbekend, zegt u."},
		{"Geen notities hier.", "Geen notities hier."},
	}
	for _, tt := range tests {
		if got := WithoutNotes(tt.in); got != tt.want {
			t.Errorf("WithoutNotes(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestNotesNeverReachTheComplainant: root-cause notes are recorded on the case, but no mail of
// the command carries them (they are for the organisation's own analysis).
func TestNotesNeverReachTheComplainant(t *testing.T) {
	text := "Wij geven u gelijk en bieden een nieuwe bijeenkomst aan.\n\nOorzaak: trainer Piet had een burn-out\n\nMaatregel: vaste vervanger"
	for _, tags := range [][]TagKind{{TagGegrond}, {TagOngegrond, TagEscalatie}, {TagInBehandeling}} {
		c := caseIn(StatusInBehandeling)
		var cmd Command
		for _, k := range tags {
			cmd.Tags = append(cmd.Tags, tagOf(k))
		}
		cmd.StaffText = text
		res, err := Apply(c, cmd, testNow, defTerms)
		if err != nil {
			t.Fatalf("%v: %v", tags, err)
		}
		if !strings.Contains(res.Case.Cause, "burn-out") || res.Case.Measure != "vaste vervanger" {
			t.Errorf("%v: notes not recorded: cause %q measure %q", tags, res.Case.Cause, res.Case.Measure)
		}
		for _, m := range res.Mails {
			if strings.Contains(m.Text, "Piet") || strings.Contains(m.Text, "vervanger") {
				t.Errorf("%v: mail %s carries the notes: %q", tags, m.Template, m.Text)
			}
		}
	}
	// A verdict whose only text is notes has nothing to tell the complainant: refused.
	c := caseIn(StatusInBehandeling)
	if _, err := Apply(c, Command{Tags: []Tag{tagOf(TagGegrond)}, StaffText: "Oorzaak: x"}, testNow, defTerms); err == nil {
		t.Error("[gegrond] with only an Oorzaak: line was accepted")
	}
}
