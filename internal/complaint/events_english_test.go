package complaint

import (
	"testing"
	"time"
)

// TestEventTextsInEnglish: what Apply writes on a timeline itself, Dutch as before, reads in
// English through TextIn (dates in English too); a staff member's own words and the status
// change stay as they are, in both languages.
func TestEventTextsInEnglish(t *testing.T) {
	week := 7 * 24 * time.Hour
	for _, tt := range []struct {
		name   string
		status Status
		tags   []Tag
		text   string
		kind   EventKind
		nl, en string
	}{
		{"closed", StatusBeoordeeld, []Tag{tagOf(TagAfgehandeld)}, "", EventClosed, "afgehandeld", "closed"},
		{"address ok", StatusInBehandeling, []Tag{tagOf(TagAdresOK)}, "", EventAddressOK,
			"adres van de klager weer in gebruik", "the complainant's address in use again"},
		{"reopened", StatusAfgehandeld, []Tag{tagOf(TagHeropend)}, "", EventReopened, "heropend", "reopened"},
		{"escalated", StatusBeoordeeld, []Tag{tagOf(TagEscalatie)}, "", EventEscalation,
			"voorgelegd aan de klachtencommissaris", "referred to the complaints commissioner"},
		{"reopened to escalate", StatusAfgehandeld, []Tag{tagOf(TagEscalatie)}, "", EventReopened,
			"heropend voor escalatie", "reopened for escalation"},
		{"extended", StatusInBehandeling, []Tag{{Kind: TagVerlenging, Date: time.Date(2027, 3, 15, 12, 0, 0, 0, ams)}}, "", EventExtension,
			"termijn verlengd tot 15 maart 2027", "term extended to 15 March 2027"},
		{"remedy", StatusInBehandeling, []Tag{tagOf(TagGegrond), {Kind: TagHersteltermijn, Duration: 2 * week}}, "Wij herstellen het.", EventRemedyTerm,
			"hersteltermijn tot 24 januari 2027", "remediation term until 24 January 2027"},
		{"note", StatusInBehandeling, []Tag{tagOf(TagIntern)}, "Gebeld met de klager.", EventNote,
			"Gebeld met de klager.", "Gebeld met de klager."},
		{"status", StatusAfgehandeld, []Tag{tagOf(TagHeropend)}, "", EventStatus,
			"afgehandeld → in-behandeling", "afgehandeld → in-behandeling"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Apply(caseIn(tt.status), Command{Tags: tt.tags, StaffText: tt.text, By: "milou"}, testNow, defTerms)
			if err != nil {
				t.Fatal(err)
			}
			var found bool
			for _, e := range res.Events {
				if e.Kind != tt.kind || e.Text != tt.nl {
					continue
				}
				found = true
				if got := e.TextIn("nl", ams); got != tt.nl {
					t.Errorf("nl: got %q, want %q", got, tt.nl)
				}
				if got := e.TextIn("en", ams); got != tt.en {
					t.Errorf("en: got %q, want %q", got, tt.en)
				}
			}
			if !found {
				t.Fatalf("no %s event %q among %+v", tt.kind, tt.nl, res.Events)
			}
		})
	}
}

// TestEveryEventTextInBothLanguages: each text the domain writes has its Dutch and English.
func TestEveryEventTextInBothLanguages(t *testing.T) {
	for tx := eventText(0); tx < eventTextCount; tx++ {
		w := eventTexts[tx]
		nl, en := w.phrase.In("nl", "%s"), w.phrase.In("en", "%s")
		if !w.dated {
			nl, en = w.phrase.In("nl"), w.phrase.In("en")
		}
		if w.kind == "" || nl == "" || en == "" || nl == en {
			t.Errorf("event text %d: %+v: a kind and both languages wanted", tx, w)
		}
	}
}
