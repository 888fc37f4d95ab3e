package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/config"
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
	loc := c.Organisation.Location
	f := func(t *time.Time) string {
		if t == nil {
			return "-"
		}
		return complaint.FormatStamp(*t, loc)
	}
	w := e.stdout
	fmt.Fprintf(w, "%s  %s", v.ID, v.Status)
	if v.Verdict != "" {
		fmt.Fprintf(w, " (%s)", v.Verdict)
	}
	fmt.Fprintf(w, "\nComplainant: %s <%s> %s\nService:     %s\nReceived:    %s\nConfirmed:   %s\nDue:         %s%s\nClosed:      %s\n",
		v.Complainant.Name, v.Complainant.Email, v.Complainant.Phone, orDash(v.Service), f(v.ReceivedAt),
		f(v.ConfirmedAt), f(v.DueAt), map[bool]string{true: " (extended)"}[v.Extended], f(v.ClosedAt))
	fmt.Fprintln(w, "\nKlachtformulier:")
	for _, k := range complaint.FormFields {
		fmt.Fprintf(w, "  %-21s %s\n", k+":", strings.ReplaceAll(orDash(v.Fields[k]), "\n", "\n"+strings.Repeat(" ", 24)))
	}
	if len(v.Missing) > 0 {
		fmt.Fprintf(w, "  missing: %s\n", strings.Join(v.Missing, ", "))
	}
	fmt.Fprintln(w, "\nTimeline:")
	for _, t := range v.Timeline {
		fmt.Fprintf(w, "  %s  %-16s %-28s %s\n", complaint.FormatStamp(t.At, loc), t.Kind, t.By, firstLine(t.Text))
	}
	fmt.Fprintln(w, "\nCorrespondence:")
	for _, m := range v.Messages {
		arrow := "←"
		who := m.From
		if m.Direction == "out" {
			arrow, who = "→", strings.Join(append(m.To, m.Cc...), ", ")
		}
		fmt.Fprintf(w, "  %s %s %-40s %s %s\n", complaint.FormatStamp(m.At, loc), arrow, who, m.Subject, m.Status)
	}
	return nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if r := []rune(s); len(r) > 80 {
		s = string(r[:80]) + "…"
	}
	return s
}

func cmdExport(ctx context.Context, e *env) error {
	_, st, v, err := e.loadCase(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	id := v.ID
	msgs, err := st.Messages(ctx, id, true)
	if err != nil {
		return err
	}
	if e.out == "" {
		type withText struct {
			fullCaseJSON
			Correspondence []map[string]any `json:"correspondence"`
		}
		out := withText{fullCaseJSON: v}
		for _, m := range msgs {
			out.Correspondence = append(out.Correspondence, map[string]any{"at": m.At, "direction": m.Direction,
				"from": m.From, "subject": m.Subject, "text": m.Text, "raw": string(m.Raw)})
		}
		return writeJSON(e.stdout, out)
	}
	if err := os.MkdirAll(e.out, 0o700); err != nil {
		return failf("create %s: %v", e.out, err)
	}
	f, err := os.OpenFile(filepath.Join(e.out, id+".json"), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return failf("write export: %v", err)
	}
	defer f.Close()
	if err := writeJSON(f, v); err != nil {
		return err
	}
	for i, m := range msgs {
		name := fmt.Sprintf("%03d-%s-%s.eml", i+1, m.Direction, safeName(m.Kind))
		body := m.Raw
		if body == nil {
			body = []byte("Subject: " + m.Subject + "\r\n\r\n" + m.Text)
		}
		if err := os.WriteFile(filepath.Join(e.out, name), body, 0o600); err != nil {
			return failf("write export: %v", err)
		}
	}
	fmt.Fprintf(e.stdout, "%s exported to %s (%d messages)\n", id, e.out, len(msgs))
	return nil
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '_'
	}, strings.ToLower(s))
}
