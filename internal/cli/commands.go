package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"text/tabwriter"

	klachtd "github.com/groeimeesters/klachtd"
	"github.com/groeimeesters/klachtd/internal/clean"
	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/config"
	kd "github.com/groeimeesters/klachtd/internal/daemon"
	"github.com/groeimeesters/klachtd/internal/render"
	"github.com/groeimeesters/klachtd/internal/store"
	"github.com/groeimeesters/klachtd/internal/wording"
)

// openExisting is open for commands that only read or prune: a database that does not exist
// yet is an error (probably a wrong --config), not a reason to create an empty one; the
// secrets are not read.
func (e *env) openExisting(ctx context.Context) (*config.Config, *store.Store, error) {
	c, err := e.readConfig()
	if err != nil {
		return nil, nil, err
	}
	return e.existingStore(ctx, c)
}

func (e *env) existingStore(ctx context.Context, c *config.Config) (*config.Config, *store.Store, error) {
	if _, err := os.Stat(c.Storage.Path); errors.Is(err, os.ErrNotExist) {
		return nil, nil, failf("no database at %s (storage.path in %s): has `klachtd run` been started with this configuration?", c.Storage.Path, e.configPath)
	}
	return e.openStore(ctx, c)
}

// open loads the configuration with its secrets (run logs in with them) and opens the
// database, creating it if needed.
func (e *env) open(ctx context.Context) (*config.Config, *store.Store, error) {
	c, err := e.loadConfig()
	if err != nil {
		return nil, nil, err
	}
	return e.openStore(ctx, c)
}

func (e *env) openStore(ctx context.Context, c *config.Config) (*config.Config, *store.Store, error) {
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

// writeJSON writes v as indented JSON in which control characters and bidi overrides are
// escaped (package clean): the values are exact, the terminal shows none of them.
func writeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(clean.JSON(b), '\n'))
	return err
}

func cmdList(ctx context.Context, e *env) error {
	if err := e.noArgs(); err != nil {
		return err
	}
	if e.status != "" && !complaint.Status(e.status).IsValid() {
		return usageError{fmt.Sprintf("unknown status %q (nieuw, bevestigd, info-nodig, in-behandeling, beoordeeld, escalatie, afgehandeld)", e.status)}
	}
	c, st, err := e.openExisting(ctx)
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
	loc, l := c.Organisation.Location, lang(c.Organisation.Language)
	w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	var head []string
	for _, p := range []wording.Phrase{wording.ColumnCase, wording.ColumnStatus, wording.ColumnVerdict,
		wording.ColumnReceived, wording.ColumnNextDeadline, wording.ColumnService, wording.ColumnComplainant} {
		head = append(head, l.say(p))
	}
	fmt.Fprintln(w, strings.Join(head, "\t"))
	for _, cs := range cases {
		next := "–"
		if t, what := cs.NextDeadline(); !t.IsZero() {
			next = complaint.FormatStamp(t, loc)
			switch {
			case what == "remedy":
				next += l.say(wording.DueRemedy)
			case cs.Extended:
				next += l.say(wording.DueExtended)
			}
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", cs.ID, cs.Status, orDash(string(cs.Verdict)),
			complaint.FormatStamp(cs.ReceivedAt, loc), next, cell(orDash(cs.Service)), cell(orDash(cs.Name)))
	}
	return w.Flush()
}

// orDash is s, or an en dash for a value that is not there.
func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "–"
	}
	return s
}

// newDaemon builds the daemon for commands that change cases outside `run`.
func (e *env) newDaemon(c *config.Config, st *store.Store) (*kd.Daemon, error) {
	r, err := render.New(klachtd.Templates, c.Templates.Dir)
	if err != nil {
		return nil, failf("templates: %v", err)
	}
	return kd.New(kd.Options{Config: c, Store: st, Renderer: r, Log: e.log, Executable: selfExecutable()})
}
