package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/coreos/go-systemd/v22/daemon"

	klachtd "github.com/groeimeesters/klachtd"
	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/config"
	kd "github.com/groeimeesters/klachtd/internal/daemon"
	"github.com/groeimeesters/klachtd/internal/intake"
	"github.com/groeimeesters/klachtd/internal/outbox"
	"github.com/groeimeesters/klachtd/internal/render"
	"github.com/groeimeesters/klachtd/internal/report"
	"github.com/groeimeesters/klachtd/internal/store"
)

// open loads the configuration and opens the database.
func (e *env) open(ctx context.Context) (*config.Config, *store.Store, error) {
	c, err := e.loadConfig()
	if err != nil {
		return nil, nil, err
	}
	st, err := store.Open(ctx, c.Storage.Path)
	if err != nil {
		if errors.Is(err, store.ErrTooNew) {
			return nil, nil, failf("%v: upgrade klachtd", err)
		}
		return nil, nil, failf("open the database %s: %v (check the path and that it belongs to the service user)", c.Storage.Path, err)
	}
	return c, st, nil
}

func (e *env) noArgs() error {
	if len(e.args) > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", e.args[0])}
	}
	return nil
}

var refPattern = regexp.MustCompile(`^KL-\d{4}-\d{4,}$`)

// caseArg is the one case number a command needs.
func (e *env) caseArg() (string, error) {
	if len(e.args) != 1 {
		return "", usageError{"give one case number, such as KL-2026-0007"}
	}
	id := strings.ToUpper(strings.Trim(e.args[0], "[] "))
	if !refPattern.MatchString(id) {
		return "", usageError{fmt.Sprintf("%q is not a case number (KL-YYYY-NNNN)", e.args[0])}
	}
	return id, nil
}

func (e *env) getCase(ctx context.Context, st *store.Store, id string) (complaint.Case, error) {
	c, _, err := st.Case(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return c, failf("no case %s: `klachtd list` shows the cases there are (it may have been purged after the retention term)", id)
	}
	return c, err
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func cmdList(ctx context.Context, e *env) error {
	if err := e.noArgs(); err != nil {
		return err
	}
	if e.status != "" && !complaint.Status(e.status).IsValid() {
		return usageError{fmt.Sprintf("unknown status %q (nieuw, bevestigd, info-nodig, in-behandeling, beoordeeld, escalatie, afgehandeld)", e.status)}
	}
	c, st, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	cases, err := st.Cases(ctx, e.status)
	if err != nil {
		return err
	}
	if e.json {
		out := []caseJSON{}
		for _, cs := range cases {
			out = append(out, viewCase(cs))
		}
		return writeJSON(e.stdout, out)
	}
	loc := c.Organisation.Location
	w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "CASE\tSTATUS\tVERDICT\tRECEIVED\tNEXT DEADLINE\tSERVICE")
	for _, cs := range cases {
		next := "-"
		if t := nextDeadline(cs); !t.IsZero() {
			next = t.In(loc).Format("2006-01-02 15:04")
			if cs.Extended {
				next += " (verlengd)"
			}
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", cs.ID, cs.Status, orDash(string(cs.Verdict)),
			cs.ReceivedAt.In(loc).Format("2006-01-02 15:04"), next, orDash(cs.Service))
	}
	return w.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func cmdShow(ctx context.Context, e *env) error {
	id, err := e.caseArg()
	if err != nil {
		return err
	}
	c, st, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	cs, err := e.getCase(ctx, st, id)
	if err != nil {
		return err
	}
	v, err := fullCase(ctx, st, cs)
	if err != nil {
		return err
	}
	if e.json {
		return writeJSON(e.stdout, v)
	}
	loc := c.Organisation.Location
	f := func(t *time.Time) string {
		if t == nil {
			return "-"
		}
		return t.In(loc).Format("2006-01-02 15:04")
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
		fmt.Fprintf(w, "  %s  %-16s %-28s %s\n", t.At.In(loc).Format("2006-01-02 15:04"), t.Kind, t.By, firstLine(t.Text))
	}
	fmt.Fprintln(w, "\nCorrespondence:")
	for _, m := range v.Messages {
		arrow := "←"
		who := m.From
		if m.Direction == "out" {
			arrow, who = "→", strings.Join(append(m.To, m.Cc...), ", ")
		}
		fmt.Fprintf(w, "  %s %s %-40s %s %s\n", m.At.In(loc).Format("2006-01-02 15:04"), arrow, who, m.Subject, m.Status)
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

// newDaemon builds the daemon for commands that change cases outside `run`.
func (e *env) newDaemon(c *config.Config, st *store.Store) (*kd.Daemon, error) {
	r, err := render.New(klachtd.Templates, c.Templates.Dir)
	if err != nil {
		return nil, failf("templates: %v", err)
	}
	return kd.New(kd.Options{Config: c, Store: st, Renderer: r, Log: e.log})
}

func cmdNew(ctx context.Context, e *env) error {
	if err := e.noArgs(); err != nil {
		return err
	}
	if e.eml == "" && (e.name == "" || (e.text == "" && e.email == "" && e.phone == "")) {
		return usageError{"give --eml FILE, or at least --name and one of --email, --phone, --text"}
	}
	email := e.email
	if email != "" {
		a, err := mail.ParseAddress(email)
		if err != nil {
			return usageError{fmt.Sprintf("--email %q is not an e-mail address such as jan@example.nl", e.email)}
		}
		email = a.Address
	}
	c, st, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	d, err := e.newDaemon(c, st)
	if err != nil {
		return err
	}
	var raw []byte
	if e.eml != "" {
		if raw, err = os.ReadFile(e.eml); err != nil {
			return failf("read %s: %v", e.eml, err)
		}
	}
	text := e.text
	if text == "-" {
		b, err := io.ReadAll(io.LimitReader(os.Stdin, 10<<20))
		if err != nil {
			return failf("read the complaint from standard input: %v", err)
		}
		text = string(b)
	}
	fields := complaint.Fields{complaint.FieldNaam: e.name, complaint.FieldOmschrijving: text, complaint.FieldDienst: e.service}
	id, err := d.Register(ctx, kd.Registration{Name: e.name, Email: email, Phone: e.phone, Text: text,
		Via: "cli", By: os.Getenv("USER"), Fields: fields}, raw)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s registered; the confirmation is queued and goes out with the running daemon.\n", id)
	return nil
}

func cmdReport(ctx context.Context, e *env) error {
	if err := e.noArgs(); err != nil {
		return err
	}
	c, st, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	loc := c.Organisation.Location
	period := e.period
	if period == "" { // the last complete half year
		_, current, _ := complaint.HalfYearPeriod(time.Now(), loc)
		period, _, _ = complaint.HalfYearPeriod(current.Add(-time.Hour), loc)
	}
	start, _, err := complaint.ParsePeriod(period, loc)
	if err != nil {
		return usageError{fmt.Sprintf("--period %q: %v (write it as 2026H2)", period, err)}
	}
	r, err := report.Build(start, time.Now(), loc, func(s, e time.Time) ([]store.CaseStat, error) { return st.Stats(ctx, s, e) })
	if err != nil {
		return err
	}
	switch e.format {
	case "text":
		_, err = fmt.Fprintf(e.stdout, "%s %s — %s\n\n%s", c.Organisation.Name, "klachtenanalyse", r.Period, r.Text(c.Organisation.Language))
	case "csv":
		_, err = io.WriteString(e.stdout, r.CSV())
	case "json":
		_, err = io.WriteString(e.stdout, r.JSON())
	case "html":
		_, err = io.WriteString(e.stdout, r.HTML(c.Organisation.Name, c.Organisation.Language))
	default:
		return usageError{fmt.Sprintf("unknown --format %q (text, html, csv or json)", e.format)}
	}
	return err
}

func cmdExport(ctx context.Context, e *env) error {
	id, err := e.caseArg()
	if err != nil {
		return err
	}
	_, st, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	cs, err := e.getCase(ctx, st, id)
	if err != nil {
		return err
	}
	v, err := fullCase(ctx, st, cs)
	if err != nil {
		return err
	}
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

func cmdPurge(ctx context.Context, e *env) error {
	if err := e.noArgs(); err != nil {
		return err
	}
	c, st, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	ids, err := st.Expired(ctx, time.Now().Add(-c.Retention.Keep))
	if err != nil {
		return err
	}
	purged, open := 0, 0
	for _, id := range ids {
		cs, _, err := st.Case(ctx, id)
		if err != nil {
			return err
		}
		if cs.Status.IsOpen() {
			open++
			fmt.Fprintf(e.stdout, "%s is older than the retention term but still open (%s): not deleted; close it first\n", id, cs.Status)
			continue
		}
		if e.dryRun {
			fmt.Fprintf(e.stdout, "would purge %s (received %s)\n", id, cs.ReceivedAt.Format("2006-01-02"))
			purged++
			continue
		}
		if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.PurgeCase(id) }); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "purged %s\n", id)
		purged++
	}
	verb := "purged"
	if e.dryRun {
		verb = "would purge"
	}
	fmt.Fprintf(e.stdout, "%s %d case(s); %d open case(s) past the term kept\n", verb, purged, open)
	return nil
}

func cmdCheck(ctx context.Context, e *env) error {
	if err := e.noArgs(); err != nil {
		return err
	}
	c, err := e.loadConfig()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "config %s: ok\n", e.configPath)
	r, err := render.New(klachtd.Templates, c.Templates.Dir)
	if err != nil {
		return failf("templates: %v", err)
	}
	if err := r.Check(); err != nil {
		return failf("templates: %v", err)
	}
	fmt.Fprintf(e.stdout, "templates: ok (%d kinds in nl and en)\n", len(render.Kinds()))
	if e.offline {
		return nil
	}
	cctx, cancel := context.WithTimeout(ctx, 2*c.IMAP.Timeout)
	defer cancel()
	caps, err := intake.Check(cctx, kd.IntakeConfig(c))
	if err != nil {
		return failf("IMAP %s:%d: %v", c.IMAP.Host, c.IMAP.Port, err)
	}
	fmt.Fprintf(e.stdout, "imap %s:%d: logged in; %s has %d messages (UIDVALIDITY %d); IDLE %s, MOVE %s, UIDPLUS %s; folder %q %s\n",
		c.IMAP.Host, c.IMAP.Port, c.IMAP.Mailbox, caps.Messages, caps.UIDValidity, yes(caps.IDLE), yes(caps.MOVE), yes(caps.UIDPLUS),
		c.IMAP.Processed, map[bool]string{true: "exists", false: "does not exist yet (it will be created)"}[caps.ProcessedExists])
	if err := outbox.Check(cctx, kd.SenderConfig(c)); err != nil {
		return failf("SMTP %s:%d: %v", c.SMTP.Host, c.SMTP.Port, err)
	}
	fmt.Fprintf(e.stdout, "smtp %s:%d: logged in\n", c.SMTP.Host, c.SMTP.Port)
	return nil
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func cmdRun(ctx context.Context, e *env) error {
	if err := e.noArgs(); err != nil {
		return err
	}
	c, st, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	r, err := render.New(klachtd.Templates, c.Templates.Dir)
	if err != nil {
		return failf("templates: %v", err)
	}
	d, err := kd.New(kd.Options{Config: c, Store: st, Renderer: r, Log: e.log,
		Notify: func(state string) { _, _ = daemon.SdNotify(false, state) }})
	if err != nil {
		return err
	}
	return d.Run(ctx)
}
