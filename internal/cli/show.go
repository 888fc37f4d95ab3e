package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/groeimeesters/klachtd/internal/clean"
	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/config"
	"github.com/groeimeesters/klachtd/internal/render"
	"github.com/groeimeesters/klachtd/internal/store"
	"github.com/groeimeesters/klachtd/internal/wording"
)

// loadCase opens the database and reads the case named on the command line, with its
// timeline and correspondence. The caller closes the store.
func (e *env) loadCase(ctx context.Context) (*config.Config, *store.Store, fullCaseJSON, error) {
	id, err := e.caseArg()
	if err != nil {
		return nil, nil, fullCaseJSON{}, err
	}
	c, st, err := e.openExisting(ctx)
	if err != nil {
		return nil, nil, fullCaseJSON{}, err
	}
	cs, err := e.getCase(ctx, st, id)
	if err == nil {
		var v fullCaseJSON
		if v, err = fullCase(ctx, st, cs); err == nil {
			return c, st, v, nil
		}
	}
	st.Close()
	return nil, nil, fullCaseJSON{}, err
}

func cmdShow(ctx context.Context, e *env) error {
	c, st, v, err := e.loadCase(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if e.json {
		return writeJSON(e.stdout, v)
	}
	return printCase(e.stdout, v, lang(c.Organisation.Language), c.Organisation.Location, true)
}

// printCase writes a case for a person, in the organisation's language, in aligned columns;
// withMail adds its correspondence.
func printCase(out io.Writer, v fullCaseJSON, l lang, loc *time.Location, withMail bool) error {
	at := func(t *time.Time) string {
		if t == nil {
			return "–"
		}
		return complaint.FormatStamp(*t, loc)
	}
	head := v.ID + "  " + v.Status
	if v.Verdict != "" {
		head += " (" + v.Verdict + ")"
	}
	fmt.Fprintln(out, head)
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	who := v.Complainant.Name
	if v.Complainant.Email != "" {
		who = strings.TrimSpace(who + " <" + v.Complainant.Email + ">")
	}
	due := at(v.DueAt)
	if v.Extended {
		due += l.say(wording.DueExtended)
	}
	rows := []struct {
		label    wording.Phrase
		value    string
		optional bool // shown only when it has a value
	}{
		{wording.ShowComplainant, who, false},
		{wording.ShowPhone, v.Complainant.Phone, false},
		{wording.ShortDienst, v.Service, false},
		{wording.ShowReceived, at(v.ReceivedAt), false},
		{wording.ShowConfirmed, at(v.ConfirmedAt), false},
		{wording.ShowDecisionTerm, due, false},
		{wording.ShowRemedyTerm, at(v.RemedyDueAt), false},
		{wording.ShowClosed, at(v.ClosedAt), false},
		{wording.ShowCause, v.Cause, true},
		{wording.ShowMeasure, v.Measure, true},
	}
	for _, r := range rows {
		if r.value != "" || !r.optional {
			fmt.Fprintf(w, "  %s\t%s\n", l.say(r.label), cell(orDash(r.value)))
		}
	}
	fmt.Fprintf(w, "\n%s\n", l.say(wording.ShowForm))
	for _, k := range complaint.FormFields {
		lines := strings.Split(strings.TrimSpace(v.Fields[k]), "\n")
		fmt.Fprintf(w, "  %s\t%s\n", l.field(k), cell(orDash(lines[0])))
		for _, line := range lines[1:] {
			fmt.Fprintf(w, "  \t%s\n", cell(line))
		}
	}
	if len(v.Missing) > 0 {
		var names []string
		for _, k := range v.Missing {
			names = append(names, strings.ToLower(l.field(k)))
		}
		fmt.Fprintf(w, "  %s\t%s\n", l.say(wording.ShowMissing), strings.Join(names, ", "))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(out, "\n%s\n", l.say(wording.ShowTimeline))
	w = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	for _, t := range v.Timeline {
		fmt.Fprintf(w, "  %s\t%s\t%s\t%s\n", complaint.FormatStamp(t.At, loc), l.event(t.Kind), cell(orDash(t.By)), cell(firstLine(t.Text)))
	}
	if err := w.Flush(); err != nil || !withMail {
		return err
	}
	fmt.Fprintf(out, "\n%s\n", l.say(wording.ShowCorrespondence))
	w = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	for _, m := range v.Messages {
		arrow, who, what := "←", m.From, l.incoming(m.Kind)
		if m.Direction == "out" {
			arrow, who = "→", strings.Join(append(append([]string{}, m.To...), m.Cc...), ", ")
			what = render.Describe(m.Template, string(l)) + ", " + l.mailStatus(m.Status)
		} else if !m.Verified {
			what += l.say(wording.ShowNotVerified)
		}
		fmt.Fprintf(w, "  %s\t%s %s\t%s\t%s\n", complaint.FormatStamp(m.At, loc), arrow, cell(who), cell(firstLine(m.Subject)), what)
	}
	return w.Flush()
}

// cell is a value for one cell of a column: one clean line (a tab would break the column).
func cell(s string) string { return clean.Line(s) }

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if r := []rune(s); len(r) > 80 {
		s = string(r[:80]) + "…"
	}
	return s
}
