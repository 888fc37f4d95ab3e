package daemon

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/config"
	"github.com/groeimeesters/klachtd/internal/store"
)

// quoteBelow is a reply as mail clients write it: the complainant's text, the attribution
// and the mail answered quoted below it.
func quoteBelow(own string, answered *outMsg, lang string) string {
	attribution := "Op 26 nov. 2026, om 10:00 heeft Groeimeesters <" + orgAddr + "> het volgende geschreven:"
	if lang == "en" {
		attribution = "On Thu, 26 Nov 2026 at 10:00, Groeimeesters <" + orgAddr + "> wrote:"
	}
	var b strings.Builder
	b.WriteString(own + "\n\n" + attribution + "\n\n")
	for _, l := range strings.Split(strings.ReplaceAll(answered.Text, "\r\n", "\n"), "\n") {
		b.WriteString("> " + l + "\n")
	}
	return b.String()
}

// TestRepliesFillTheFieldsAsked: the confirmation numbers the questions the complaint left
// open; the complainant's signed reply fills them, answered by number in that order, by label
// (the form's, English, rephrased) or in a free text that says the consequences and the wish,
// with the confirmation quoted below (nl and en). An answer given before is never
// overwritten, a number stays the number of the question the confirmation asked after
// another reply filled a field, an unsigned reply fills nothing, and every word of each
// reply's own text is on the timeline and in the staff notice.
func TestRepliesFillTheFieldsAsked(t *testing.T) {
	const (
		gevolgen = complaint.FieldGevolgen
		wens     = complaint.FieldGewensteAfhandeling
		dienst   = complaint.FieldDienst
	)
	nlComplaint := "Naam: Jan de Vries\nDatum van de klacht: 3 november 2026\n" +
		"Omschrijving van de klacht: de intervisiebijeenkomst van 3 november is zonder bericht vervallen.\n"
	enComplaint := "Your name: Emily Carter\nDate of the complaint: 3 November 2026\n" +
		"Description of the complaint: the session of 3 November was cancelled without notice.\n"
	withGevolgen := nlComplaint + "Gevolgen voor u: ik had er een vrije dag voor opgenomen.\n"
	type reply struct {
		own      string
		unsigned bool
	}
	tests := []struct {
		name      string
		complaint string
		lang      string
		asked     []string // the numbered questions the confirmation must show, in order
		replies   []reply
		want      complaint.Fields // the fields that must hold after the replies (others stay empty)
	}{
		{name: "nl, answers numbered as asked", complaint: nlComplaint, lang: "nl", asked: []string{gevolgen, wens, dienst},
			replies: []reply{{own: "Beste mevrouw Meijer,\n\nHierbij de antwoorden op uw vragen.\n\n" +
				"1. Ik had een vrije dag opgenomen en ben voor niets naar Utrecht gereisd.\nDe reiskosten heb ik zelf betaald.\n" +
				"2. Een vergoeding van de reiskosten en een nieuwe bijeenkomst.\n3. intervisie-begeleiding\n\nMet vriendelijke groet,\nJan de Vries"}},
			want: complaint.Fields{gevolgen: "Ik had een vrije dag opgenomen en ben voor niets naar Utrecht gereisd.\nDe reiskosten heb ik zelf betaald.",
				wens: "Een vergoeding van de reiskosten en een nieuwe bijeenkomst.", dienst: "intervisie-begeleiding"}},
		{name: "en, the first two answered by number", complaint: enComplaint, lang: "en", asked: []string{gevolgen, wens, dienst},
			replies: []reply{{own: "Dear Ms Meijer,\n\nThank you for your quick reply.\n\n1. I had taken a day off and travelled to Utrecht for nothing.\n" +
				"2. A refund of my travel costs.\n\nKind regards,\nEmily Carter"}},
			want: complaint.Fields{gevolgen: "I had taken a day off and travelled to Utrecht for nothing.", wens: "A refund of my travel costs."}},
		{name: "nl, a free text that says the consequences and the wish", complaint: nlComplaint, lang: "nl", asked: []string{gevolgen, wens, dienst},
			replies: []reply{{own: "Beste,\n\nDoor het vervallen van de bijeenkomst ben ik een vrije dag kwijt. Ik zou graag een vervangende bijeenkomst krijgen.\n\nGroet,\nJan"}},
			want: complaint.Fields{gevolgen: "Door het vervallen van de bijeenkomst ben ik een vrije dag kwijt.",
				wens: "Ik zou graag een vervangende bijeenkomst krijgen."}},
		{name: "nl, the questions in the complainant's own words", complaint: nlComplaint, lang: "nl", asked: []string{gevolgen, wens, dienst},
			replies: []reply{{own: "Wat zijn de gevolgen voor u? Ik heb een vrije dag verloren.\nHoe wilt u dat dit wordt opgelost? Met een nieuwe bijeenkomst."}},
			want:    complaint.Fields{gevolgen: "Ik heb een vrije dag verloren.", wens: "Met een nieuwe bijeenkomst."}},
		{name: "nl, an answer given before is not overwritten", complaint: withGevolgen, lang: "nl", asked: []string{wens, dienst},
			replies: []reply{{own: "Gevolgen voor u: NIEUWE GEVOLGEN\nHoe wij uw klacht het beste kunnen afhandelen: Een excuus van de begeleider."}},
			want:    complaint.Fields{gevolgen: "ik had er een vrije dag voor opgenomen.", wens: "Een excuus van de begeleider."}},
		{name: "nl, numbers keep the confirmation's order after another reply filled one", complaint: nlComplaint, lang: "nl",
			asked: []string{gevolgen, wens, dienst},
			replies: []reply{
				{own: "Hoe wij uw klacht het beste kunnen afhandelen: Een excuus."},
				{own: "Ik was nog vergeten:\n\n1. Ik ben een vrije dag kwijt.\n2. Een excuus graag.\n3. intervisie-begeleiding"}},
			want: complaint.Fields{gevolgen: "Ik ben een vrije dag kwijt.", wens: "Een excuus.", dienst: "intervisie-begeleiding"}},
		{name: "nl, an unsigned reply fills nothing", complaint: nlComplaint, lang: "nl", asked: []string{gevolgen, wens, dienst},
			replies: []reply{{own: "1. Ik ben een vrije dag kwijt.\n2. Een excuus.\n3. intervisie-begeleiding", unsigned: true}}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys := newDKIMKeys(t, janDomain)
			e := newCaseEnv(t, func(c *config.Config) { c.Staff.Authentication = config.AuthenticationDKIM }, keys.lookup)
			addr := fmt.Sprintf("klager%d@%s", i, janDomain)
			root := fmt.Sprintf("complaint-%d@%s", i, janDomain)
			e.feed.feed(t, keys.sign(t, rawMail("Klager <"+addr+">", orgAddr, "Klacht", root, e.clock.Now(), tt.complaint), janDomain))
			e.advance(time.Second)
			conf := onlyOne(t, e.send(), tmplConfirmation)
			cases, err := e.st.Cases(context.Background(), "")
			if err != nil || len(cases) != 1 {
				t.Fatalf("%d cases (%v), want 1", len(cases), err)
			}
			id := cases[0].ID
			before := e.caseOf(id).Fields
			text := strings.ReplaceAll(conf.Text, "\r\n", "\n")
			for n, f := range tt.asked {
				if line := fmt.Sprintf("  %d. %s\n", n+1, fieldLabel(f, tt.lang)); !strings.Contains(text, line) {
					t.Fatalf("the confirmation does not ask %q:\n%s", line, text)
				}
			}
			for n, r := range tt.replies {
				e.advance(time.Minute)
				raw := rawMail("Klager <"+addr+">", orgAddr, "Re: ["+id+"] "+conf.Subject[len(id)+3:], fmt.Sprintf("reply-%d-%d@%s", i, n, janDomain),
					e.clock.Now(), quoteBelow(r.own, conf, tt.lang), "In-Reply-To: "+conf.MessageID, "References: <"+root+"> "+conf.MessageID)
				if !r.unsigned {
					raw = keys.sign(t, raw, janDomain)
				}
				e.feed.feed(t, raw)
				notice := onlyOne(t, e.send(), "melding")
				// No word of the reply's own text is lost: the timeline and the staff notice.
				var kept string
				for _, ev := range timeline(t, e.st, id) {
					if ev.Kind == "mail-complainant" || ev.Kind == "mail-unverified" {
						kept = ev.Text
					}
				}
				msgs, err := e.st.Messages(context.Background(), id, false)
				if err != nil {
					t.Fatal(err)
				}
				last := msgs[len(msgs)-1]
				for _, l := range strings.Split(r.own, "\n") {
					if l = strings.TrimSpace(l); l == "" {
						continue
					}
					if !strings.Contains(notice.Text, l) {
						t.Errorf("reply %d: the staff notice lacks %q", n+1, l)
					}
					if !r.unsigned && !strings.Contains(kept, l) {
						t.Errorf("reply %d: the timeline lacks %q", n+1, l)
					}
					if !strings.Contains(last.Text, l) {
						t.Errorf("reply %d: the kept mail lacks %q", n+1, l)
					}
				}
			}
			got := e.caseOf(id)
			want := complaint.Fields{}
			for k, v := range before {
				want[k] = v
			}
			for k, v := range tt.want {
				want[k] = v
			}
			if diff := cmp.Diff(want, got.Fields, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("fields after the replies (-want +got):\n%s", diff)
			}
			if s := tt.want[dienst]; s != "" && got.Service != s {
				t.Errorf("service %q, want %q", got.Service, s)
			}
		})
	}
}

// TestAskedFor: the questions a reply answers are those of the mail it names; a mail that asks
// no numbered questions (a status update) makes numbers mean nothing; a reply naming no mail
// of the case answers the latest confirmation; a case without one has no known questions.
func TestAskedFor(t *testing.T) {
	e := newCaseEnv(t, nil, nil)
	id, mails := e.complaint("Jan de Vries", janAddr, "c1@example.nl", "Omschrijving van de klacht: de bijeenkomst is vervallen.\n")
	conf := strings.Trim(onlyOne(t, mails, tmplConfirmation).MessageID, "<>")
	notice := strings.Trim(onlyOne(t, mails, "melding-nieuw").MessageID, "<>")
	ask := func(ids ...string) ([]string, bool) {
		t.Helper()
		var got []string
		var known bool
		if err := e.st.InTx(context.Background(), func(tx *store.Tx) (err error) {
			got, known, err = tx.AskedFor(id, ids)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return got, known
	}
	want := e.caseOf(id).Missing()
	if got, known := ask(conf); !known || !cmp.Equal(got, want) {
		t.Errorf("answering the confirmation: %v (known %v), want %v", got, known, want)
	}
	if got, known := ask(notice, conf); known || got != nil {
		t.Errorf("answering a mail that asks nothing by number: %v (known %v), want none", got, known)
	}
	if got, known := ask("elsewhere@example.nl"); !known || !cmp.Equal(got, want) {
		t.Errorf("naming no mail of the case: %v (known %v), want the confirmation's %v", got, known, want)
	}
	var other []string
	var known bool
	if err := e.st.InTx(context.Background(), func(tx *store.Tx) (err error) {
		other, known, err = tx.AskedFor("KL-2026-0099", []string{conf})
		return err
	}); err != nil || known || other != nil {
		t.Errorf("another case's questions: %v (known %v, %v)", other, known, err)
	}
}
