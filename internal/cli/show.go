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
		due += l.t(" (verlengd)", " (extended)")
	}
	rows := [][2]string{
		{l.t("Klager", "Complainant"), who},
		{l.t("Telefoon", "Phone"), v.Complainant.Phone},
		{l.t("Dienst", "Service"), v.Service},
		{l.t("Ontvangen", "Received"), at(v.ReceivedAt)},
		{l.t("Bevestigd", "Confirmed"), at(v.ConfirmedAt)},
		{l.t("Beslistermijn", "Decision term"), due},
		{l.t("Hersteltermijn", "Remediation term"), at(v.RemedyDueAt)},
		{l.t("Afgesloten", "Closed"), at(v.ClosedAt)},
		{l.t("Oorzaak", "Cause"), v.Cause},
		{l.t("Maatregel", "Measure"), v.Measure},
	}
	for _, r := range rows {
		if r[1] != "" || r[0] != l.t("Oorzaak", "Cause") && r[0] != l.t("Maatregel", "Measure") {
			fmt.Fprintf(w, "  %s\t%s\n", r[0], cell(orDash(r[1])))
		}
	}
	fmt.Fprintf(w, "\n%s\n", l.t("Klachtformulier", "Complaint form"))
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
		fmt.Fprintf(w, "  %s\t%s\n", l.t("Ontbreekt", "Missing"), strings.Join(names, ", "))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(out, "\n%s\n", l.t("Tijdlijn", "Timeline"))
	w = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	for _, t := range v.Timeline {
		fmt.Fprintf(w, "  %s\t%s\t%s\t%s\n", complaint.FormatStamp(t.At, loc), l.event(t.Kind), cell(orDash(t.By)), cell(firstLine(t.Text)))
	}
	if err := w.Flush(); err != nil || !withMail {
		return err
	}
	fmt.Fprintf(out, "\n%s\n", l.t("Correspondentie", "Correspondence"))
	w = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	for _, m := range v.Messages {
		arrow, who, what := "←", m.From, l.incoming(m.Kind)
		if m.Direction == "out" {
			arrow, who = "→", strings.Join(append(append([]string{}, m.To...), m.Cc...), ", ")
			what = render.Describe(m.Template, string(l)) + ", " + l.mailStatus(m.Status)
		} else if !m.Verified {
			what += l.t(", niet geverifieerd", ", not verified")
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
