package complaint

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var (
	ams      = mustLoc("Europe/Amsterdam")
	testNow  = time.Date(2027, 1, 10, 13, 0, 0, 0, time.UTC)
	defTerms = Terms{ConfirmWithin: 48 * time.Hour, ConfirmAlarm: 24 * time.Hour,
		HandleWithin: 28 * 24 * time.Hour, RemindBefore: 7 * 24 * time.Hour, AutoExtend: true,
		AutoExtendBy: 28 * 24 * time.Hour, Effectiveness: 90 * 24 * time.Hour,
		Keep: 2 * 365 * 24 * time.Hour, Location: ams}
)

func mustLoc(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

var allStatuses = []Status{StatusNieuw, StatusBevestigd, StatusInfoNodig, StatusInBehandeling,
	StatusBeoordeeld, StatusEscalatie, StatusAfgehandeld}

// caseIn returns a plausible case in the given status, received on 1 January 2027.
func caseIn(s Status) Case {
	c := NewCase("KL-2027-0001", time.Date(2027, 1, 1, 10, 0, 0, 0, time.UTC), defTerms)
	c.Email, c.Name = "klant@example.nl", "Klant"
	if s != StatusNieuw {
		c = Confirmed(c, c.ReceivedAt.Add(time.Minute))
	}
	c.Status = s
	switch s {
	case StatusBeoordeeld:
		c.Verdict = VerdictGegrond
	case StatusEscalatie:
		c.Verdict = VerdictGegrond
		c.EscalatedAt = testNow.Add(-time.Hour)
	case StatusAfgehandeld:
		c.Verdict = VerdictGegrond
		c.ClosedAt = testNow.Add(-time.Hour)
	}
	return c
}

func tagOf(k TagKind) Tag {
	t := Tag{Kind: k, Raw: "[" + string(k) + "]"}
	switch k {
	case TagVerlenging:
		t.Duration = 14 * 24 * time.Hour
	case TagHersteltermijn:
		t.Duration = 21 * 24 * time.Hour
	}
	return t
}

// TestApplyTable checks every tag in every status against the table in transition.go.
func TestApplyTable(t *testing.T) {
	type cell struct {
		status Status // "" = refused
		mails  []string
	}
	N, B, I, H, O, E, A := StatusNieuw, StatusBevestigd, StatusInfoNodig, StatusInBehandeling,
		StatusBeoordeeld, StatusEscalatie, StatusAfgehandeld
	no := cell{}
	ok := func(s Status, mails ...string) cell { return cell{s, mails} }
	// Columns in the order of allStatuses: N B I H O E A.
	table := map[TagKind][7]cell{
		TagInBehandeling: {ok(H, "status"), ok(H, "status"), ok(H, "status"), ok(H, "status"), no, no, no},
		TagInfoNodig: {ok(I, "nadere-info"), ok(I, "nadere-info"), ok(I, "nadere-info"),
			ok(I, "nadere-info"), no, no, no},
		TagVerlenging: {ok(N, "verlenging"), ok(B, "verlenging"), ok(I, "verlenging"),
			ok(H, "verlenging"), ok(O, "verlenging"), ok(E, "verlenging"), no},
		TagGegrond: {ok(O, "uitkomst-gegrond"), ok(O, "uitkomst-gegrond"), ok(O, "uitkomst-gegrond"),
			ok(O, "uitkomst-gegrond"), no, no, no},
		TagOngegrond: {ok(O, "uitkomst-ongegrond"), ok(O, "uitkomst-ongegrond"),
			ok(O, "uitkomst-ongegrond"), ok(O, "uitkomst-ongegrond"), no, no, no},
		TagHersteltermijn: {no, no, no, no, ok(O, "status"), ok(E, "status"), no},
		TagEscalatie: {ok(E, "escalatie"), ok(E, "escalatie"), ok(E, "escalatie"), ok(E, "escalatie"),
			ok(E, "escalatie"), no, ok(E, "escalatie")},
		TagBindendAdvies: {no, no, no, no, no, ok(E, "bindend-advies"), no},
		TagAfgehandeld: {ok(A, "afgehandeld"), ok(A, "afgehandeld"), ok(A, "afgehandeld"),
			ok(A, "afgehandeld"), ok(A, "afgehandeld"), ok(A, "afgehandeld"), no},
		TagHeropend: {no, no, no, no, ok(H, "status"), no, ok(H, "status")},
		TagIntern:   {ok(N), ok(B), ok(I), ok(H), ok(O), ok(E), ok(A)},
		TagNieuw:    {no, no, no, no, no, no, no},
		TagAdresOK:  {ok(N), ok(B), ok(I), ok(H), ok(O), ok(E), ok(A)},
	}
	for _, kind := range TagKinds {
		row, found := table[kind]
		if !found {
			t.Fatalf("tag %s missing from the test table", kind)
		}
		for i, from := range allStatuses {
			want := row[i]
			c := caseIn(from)
			res, err := Apply(c, Command{Tags: []Tag{tagOf(kind)}, StaffText: "Toelichting.", By: "milou"}, testNow, defTerms)
			if want.status == "" {
				var te *TransitionError
				if !errors.As(err, &te) || te.Reason("nl") == "" || te.Reason("en") == "" {
					t.Errorf("[%s] on %s: got error %v, want a *TransitionError with both reasons", kind, from, err)
				}
				if !casesEqual(res.Case, c) || len(res.Mails) != 0 || len(res.Events) != 0 {
					t.Errorf("[%s] on %s: refused command changed something: %+v", kind, from, res)
				}
				continue
			}
			if err != nil {
				t.Errorf("[%s] on %s: unexpected error %v", kind, from, err)
				continue
			}
			if res.Case.Status != want.status {
				t.Errorf("[%s] on %s: status %s, want %s", kind, from, res.Case.Status, want.status)
			}
			if got := templates(res.Mails); !slices.Equal(got, want.mails) {
				t.Errorf("[%s] on %s: mails %v, want %v", kind, from, got, want.mails)
			}
			checkVerdict(t, kind, from, c, res.Case)
		}
	}
}

func checkVerdict(t *testing.T, kind TagKind, from Status, before, after Case) {
	t.Helper()
	want := before.Verdict
	switch kind {
	case TagGegrond, TagOngegrond:
		want = Verdict(kind)
	case TagHeropend:
		want = VerdictNone
	}
	if after.Verdict != want {
		t.Errorf("[%s] on %s: verdict %q, want %q", kind, from, after.Verdict, want)
	}
	if after.Status == StatusAfgehandeld != !after.ClosedAt.IsZero() {
		t.Errorf("[%s] on %s: status %s with ClosedAt %v", kind, from, after.Status, after.ClosedAt)
	}
}

func templates(ms []MailEffect) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Template)
	}
	return out
}

// casesEqual compares cases completely, Fields included.
func casesEqual(a, b Case) bool { return cmp.Equal(a, b) }
