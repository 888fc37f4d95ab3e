package complaint

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestApplyCombinations(t *testing.T) {
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 9, 0, 0, 0, ams) }
	tests := []struct {
		name      string
		from      Status
		tags      []Tag
		text      string
		wantErr   bool
		status    Status
		verdict   Verdict
		mails     []string
		textIn    string // template whose mail carries the staff text
		remedyDue time.Time
		dueAt     time.Time
	}{
		{name: "gegrond with remedy term: one outcome mail", from: StatusInBehandeling,
			tags: []Tag{tagOf(TagGegrond), {Kind: TagHersteltermijn, Date: d(2027, 1, 31)}}, text: "Wij herstellen het.",
			status: StatusBeoordeeld, verdict: VerdictGegrond, mails: []string{"uitkomst-gegrond"},
			textIn: "uitkomst-gegrond", remedyDue: d(2027, 1, 31).UTC()},
		{name: "gegrond and afgehandeld: outcome then closing", from: StatusBevestigd,
			tags: []Tag{tagOf(TagAfgehandeld), tagOf(TagGegrond)}, text: "Excuses.",
			status: StatusAfgehandeld, verdict: VerdictGegrond, mails: []string{"uitkomst-gegrond", "afgehandeld"},
			textIn: "uitkomst-gegrond"},
		{name: "reopen and new verdict", from: StatusBeoordeeld,
			tags: []Tag{tagOf(TagOngegrond), tagOf(TagHeropend)}, text: "Na heroverweging.",
			status: StatusBeoordeeld, verdict: VerdictOngegrond, mails: []string{"uitkomst-ongegrond"},
			textIn: "uitkomst-ongegrond"},
		{name: "reopen and in-behandeling: one status mail", from: StatusAfgehandeld,
			tags: []Tag{tagOf(TagHeropend), tagOf(TagInBehandeling)}, text: "We kijken opnieuw.",
			status: StatusInBehandeling, mails: []string{"status"}, textIn: "status",
			dueAt: caseIn(StatusAfgehandeld).DueAt},
		{name: "verlenging and info-nodig: questions carry the text", from: StatusInBehandeling,
			tags: []Tag{tagOf(TagInfoNodig), {Kind: TagVerlenging, Date: d(2027, 2, 15)}}, text: "Wanneer was dat?",
			status: StatusInfoNodig, mails: []string{"nadere-info", "verlenging"}, textIn: "nadere-info",
			dueAt: d(2027, 2, 15).UTC()},
		{name: "verdict and escalatie", from: StatusInBehandeling,
			tags: []Tag{tagOf(TagEscalatie), tagOf(TagOngegrond)}, text: "Niet eens.",
			status: StatusEscalatie, verdict: VerdictOngegrond, mails: []string{"uitkomst-ongegrond", "escalatie"},
			textIn: "uitkomst-ongegrond"},
		{name: "advice with changed verdict and remedy in escalatie", from: StatusEscalatie,
			tags: []Tag{tagOf(TagBindendAdvies), tagOf(TagGegrond), {Kind: TagHersteltermijn, Duration: 7 * 24 * time.Hour}},
			text: "Advies: terugbetalen.", status: StatusEscalatie, verdict: VerdictGegrond,
			mails: []string{"bindend-advies"}, textIn: "bindend-advies", remedyDue: testNow.Add(7 * 24 * time.Hour)},
		{name: "verdict in escalatie without advice", from: StatusEscalatie,
			tags: []Tag{tagOf(TagOngegrond)}, text: "x", wantErr: true},
		{name: "gegrond and ongegrond", from: StatusInBehandeling,
			tags: []Tag{tagOf(TagGegrond), tagOf(TagOngegrond)}, text: "x", wantErr: true},
		{name: "intern with a mailing tag", from: StatusInBehandeling,
			tags: []Tag{tagOf(TagIntern), tagOf(TagGegrond)}, text: "x", wantErr: true},
		{name: "heropend and afgehandeld", from: StatusAfgehandeld,
			tags: []Tag{tagOf(TagHeropend), tagOf(TagAfgehandeld)}, text: "x", wantErr: true},
		{name: "verlenging beside a verdict", from: StatusInBehandeling,
			tags: []Tag{tagOf(TagVerlenging), tagOf(TagGegrond)}, text: "x", wantErr: true},
		{name: "remedy on an unjustified case", from: StatusInBehandeling,
			tags: []Tag{tagOf(TagOngegrond), tagOf(TagHersteltermijn)}, text: "x", wantErr: true},
		{name: "second tag refused: first not applied", from: StatusInBehandeling,
			tags: []Tag{tagOf(TagInBehandeling), tagOf(TagBindendAdvies)}, text: "x", wantErr: true},
		{name: "gegrond without text", from: StatusInBehandeling, tags: []Tag{tagOf(TagGegrond)}, text: "  \n", wantErr: true},
		{name: "no tags", from: StatusInBehandeling, text: "x", wantErr: true},
		{name: "same tag twice, same term", from: StatusInBehandeling,
			tags: []Tag{tagOf(TagVerlenging), tagOf(TagVerlenging)}, status: StatusInBehandeling,
			mails: []string{"verlenging"}, dueAt: caseIn(StatusInBehandeling).DueAt.Add(14 * 24 * time.Hour)},
		{name: "same tag twice, different terms", from: StatusInBehandeling,
			tags: []Tag{tagOf(TagVerlenging), {Kind: TagVerlenging, Duration: time.Hour}}, wantErr: true},
		{name: "verlenging to a date before the due date", from: StatusInBehandeling,
			tags: []Tag{{Kind: TagVerlenging, Date: d(2027, 1, 20)}}, wantErr: true},
		{name: "verlenging to a date in the past", from: StatusInBehandeling,
			tags: []Tag{{Kind: TagVerlenging, Date: d(2027, 1, 5)}}, wantErr: true},
		{name: "remedy date in the past", from: StatusBeoordeeld,
			tags: []Tag{{Kind: TagHersteltermijn, Date: d(2027, 1, 2)}}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := caseIn(tt.from)
			if tt.from == StatusBeoordeeld || tt.from == StatusEscalatie {
				c.Verdict = VerdictOngegrond
			}
			res, err := Apply(c, Command{Tags: tt.tags, StaffText: tt.text, By: "milou"}, testNow, defTerms)
			if tt.wantErr {
				var te *TransitionError
				if !errors.As(err, &te) {
					t.Fatalf("got error %v, want *TransitionError", err)
				}
				if diff := cmp.Diff(Result{Case: c}, res); diff != "" {
					t.Errorf("refused command changed the result (-want +got):\n%s", diff)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if res.Case.Status != tt.status || res.Case.Verdict != tt.verdict {
				t.Errorf("got %s/%q, want %s/%q", res.Case.Status, res.Case.Verdict, tt.status, tt.verdict)
			}
			if got := templates(res.Mails); !slices.Equal(got, tt.mails) {
				t.Errorf("mails %v, want %v", got, tt.mails)
			}
			for _, m := range res.Mails {
				if (m.Template == tt.textIn) != (m.Text != "") {
					t.Errorf("mail %s has text %q; the text belongs in %s", m.Template, m.Text, tt.textIn)
				}
			}
			if !res.Case.RemedyDueAt.Equal(tt.remedyDue) {
				t.Errorf("RemedyDueAt %v, want %v", res.Case.RemedyDueAt, tt.remedyDue)
			}
			if !tt.dueAt.IsZero() && !res.Case.DueAt.Equal(tt.dueAt) {
				t.Errorf("DueAt %v, want %v", res.Case.DueAt, tt.dueAt)
			}
		})
	}
}

func TestApplyRecipientsAndEvents(t *testing.T) {
	res, err := Apply(caseIn(StatusBeoordeeld), Command{Tags: []Tag{tagOf(TagEscalatie)}, By: "milou"}, testNow, defTerms)
	if err != nil {
		t.Fatal(err)
	}
	want := []MailEffect{{Template: "escalatie", To: []Recipient{ToComplainant}, Cc: []Recipient{ToCommissaris, ToStaff}}}
	if diff := cmp.Diff(want, res.Mails); diff != "" {
		t.Errorf("mails (-want +got):\n%s", diff)
	}
	wantEv := []Event{{Kind: "status", Text: "beoordeeld → escalatie", By: "milou"},
		{Kind: "escalation", Text: "voorgelegd aan de klachtencommissaris", By: "milou"}}
	if diff := cmp.Diff(wantEv, res.Events); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if !res.Case.EscalatedAt.Equal(testNow) {
		t.Errorf("EscalatedAt %v, want %v", res.Case.EscalatedAt, testNow)
	}
	closed, err := Apply(res.Case, Command{Tags: []Tag{tagOf(TagAfgehandeld)}}, testNow.Add(time.Hour), defTerms)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Recipient{ToCommissaris}, closed.Mails[0].Cc); diff != "" {
		t.Errorf("closing an escalated case: Cc (-want +got):\n%s", diff)
	}
}

func TestApplyExtensionText(t *testing.T) {
	c := caseIn(StatusInBehandeling)
	res, err := Apply(c, Command{Tags: []Tag{{Kind: TagVerlenging, Duration: 3 * 7 * 24 * time.Hour}}}, testNow, defTerms)
	if err != nil {
		t.Fatal(err)
	}
	wantDue := c.DueAt.Add(21 * 24 * time.Hour) // 29 januari 10:00 UTC + 3w = 19 februari
	if !res.Case.DueAt.Equal(wantDue) || !res.Case.Extended {
		t.Errorf("DueAt %v extended %v, want %v true", res.Case.DueAt, res.Case.Extended, wantDue)
	}
	want := Event{Kind: "extension", Text: "termijn verlengd tot 19 februari 2027", Time: wantDue}
	if diff := cmp.Diff([]Event{want}, res.Events); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func TestApplyNotes(t *testing.T) {
	c := caseIn(StatusInBehandeling)
	text := "Wij erkennen de fout.\n\nOorzaak: de trainer had het verkeerde\nmateriaal mee.\n\nMaatregel: checklist voor elke training.\nGroet"
	res, err := Apply(c, Command{Tags: []Tag{tagOf(TagGegrond)}, StaffText: text}, testNow, defTerms)
	if err != nil {
		t.Fatal(err)
	}
	if res.Case.Cause != "de trainer had het verkeerde\nmateriaal mee." {
		t.Errorf("Cause %q", res.Case.Cause)
	}
	if res.Case.Measure != "checklist voor elke training.\nGroet" || !res.Case.MeasureAt.Equal(testNow) {
		t.Errorf("Measure %q at %v", res.Case.Measure, res.Case.MeasureAt)
	}
	// The same measure again does not restart the effectiveness review.
	again, err := Apply(res.Case, Command{Tags: []Tag{tagOf(TagIntern)}, StaffText: text}, testNow.Add(time.Hour), defTerms)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Case.MeasureAt.Equal(testNow) || len(again.Events) != 1 || again.Events[0].Kind != "note" {
		t.Errorf("repeated measure: MeasureAt %v events %+v", again.Case.MeasureAt, again.Events)
	}
}

func TestParseNotes(t *testing.T) {
	tests := []struct{ text, cause, measure string }{
		{"", "", ""},
		{"Oorzaak: planning\nMaatregel: dubbel inroosteren", "planning", "dubbel inroosteren"},
		{"cause: late invoice\n\nmeasure: monthly check\n\nBest regards", "late invoice", "monthly check"},
		{"- **Oorzaak:** miscommunicatie\n* Maatregel: intake-gesprek", "miscommunicatie", "intake-gesprek"},
		{"Oorzaak: a\nOorzaak: b", "a\nb", ""},
		{"De oorzaak: is niet bekend", "", ""},
		{"Oorzaak:\r\nover twee\r\nregels\r\n\r\nrest", "over twee\nregels", ""},
	}
	for _, tt := range tests {
		cause, measure := ParseNotes(tt.text)
		if cause != tt.cause || measure != tt.measure {
			t.Errorf("ParseNotes(%q) = %q, %q; want %q, %q", tt.text, cause, measure, tt.cause, tt.measure)
		}
	}
}

func TestConfirmedAndReplied(t *testing.T) {
	c := caseIn(StatusNieuw)
	at := c.ReceivedAt.Add(5 * time.Second)
	c = Confirmed(c, at)
	if c.Status != StatusBevestigd || !c.ConfirmedAt.Equal(at) {
		t.Errorf("Confirmed: %s at %v", c.Status, c.ConfirmedAt)
	}
	if again := Confirmed(c, at.Add(time.Hour)); !again.ConfirmedAt.Equal(at) {
		t.Errorf("second confirmation moved ConfirmedAt to %v", again.ConfirmedAt)
	}
	// Staff may have moved on before the confirmation was accepted.
	h := caseIn(StatusNieuw)
	h.Status = StatusInBehandeling
	if got := Confirmed(h, at); got.Status != StatusInBehandeling || got.ConfirmedAt.IsZero() {
		t.Errorf("Confirmed on in-behandeling: %s at %v", got.Status, got.ConfirmedAt)
	}
	for _, s := range allStatuses {
		got, ev := ComplainantReplied(caseIn(s), testNow)
		want := s
		if s == StatusInfoNodig {
			want = StatusInBehandeling
		}
		if got.Status != want || (len(ev) == 1) != (s == StatusInfoNodig) {
			t.Errorf("ComplainantReplied on %s: %s, %v", s, got.Status, ev)
		}
	}
}

func TestReopenPastDue(t *testing.T) {
	c := caseIn(StatusAfgehandeld)
	now := c.DueAt.Add(30 * 24 * time.Hour)
	res, err := Apply(c, Command{Tags: []Tag{tagOf(TagHeropend)}}, now, defTerms)
	if err != nil {
		t.Fatal(err)
	}
	if want := now.Add(defTerms.HandleWithin); !res.Case.DueAt.Equal(want) {
		t.Errorf("reopened past due: DueAt %v, want %v", res.Case.DueAt, want)
	}
	if !res.Case.ClosedAt.IsZero() || res.Case.Verdict != VerdictNone {
		t.Errorf("reopened: ClosedAt %v verdict %q", res.Case.ClosedAt, res.Case.Verdict)
	}
}

func TestExtend(t *testing.T) {
	c := caseIn(StatusInBehandeling)
	if _, err := Extend(c, c.DueAt, testNow, nil); err == nil {
		t.Error("Extend to the current due date: want an error")
	}
	if _, err := Extend(caseIn(StatusAfgehandeld), c.DueAt.Add(time.Hour), testNow, nil); err == nil {
		t.Error("Extend a closed case: want an error")
	}
	past := c
	past.DueAt = testNow.Add(-48 * time.Hour)
	if _, err := Extend(past, testNow.Add(-time.Hour), testNow, nil); err == nil {
		t.Error("Extend to a moment before now: want an error")
	}
	got, err := Extend(c, c.DueAt.Add(time.Hour), testNow, nil)
	if err != nil || !got.Extended || !got.DueAt.Equal(c.DueAt.Add(time.Hour)) {
		t.Errorf("Extend: %v, %v, %v", got.DueAt, got.Extended, err)
	}
}

// TestApplyErrorChangesNothing is a property test: for random commands on random cases,
// an error always comes with the case unchanged and no mails or events.
func TestApplyErrorChangesNothing(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	texts := []string{"", "Toelichting.", "Oorzaak: x\nMaatregel: y"}
	refused, applied := 0, 0
	for range 20000 {
		c := caseIn(allStatuses[rng.IntN(len(allStatuses))])
		c.Verdict = []Verdict{VerdictNone, VerdictGegrond, VerdictOngegrond}[rng.IntN(3)]
		c.Fields = Fields{FieldNaam: "Klant"}
		var tags []Tag
		for range rng.IntN(4) {
			tag := tagOf(TagKinds[rng.IntN(len(TagKinds))])
			if rng.IntN(3) == 0 {
				tag.Duration, tag.Date = 0, testNow.Add(time.Duration(rng.IntN(2000)-1000)*time.Hour)
			}
			tags = append(tags, tag)
		}
		before := c
		before.Fields = Fields{FieldNaam: "Klant"}
		res, err := Apply(c, Command{Tags: tags, StaffText: texts[rng.IntN(len(texts))]}, testNow, defTerms)
		if err == nil {
			applied++
			if !res.Case.Status.IsValid() {
				t.Fatalf("Apply gave invalid status %q", res.Case.Status)
			}
			continue
		}
		refused++
		if diff := cmp.Diff(Result{Case: before}, res); diff != "" {
			t.Fatalf("tags %v on %s: refused command changed the result (-want +got):\n%s", tags, c.Status, diff)
		}
	}
	if refused == 0 || applied == 0 {
		t.Errorf("property test did not exercise both paths: %d refused, %d applied", refused, applied)
	}
}
