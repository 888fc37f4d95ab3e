// Package cli implements klachtd's commands (run, check, demo, list, show, new, report,
// export, purge, oauth2): flags that may stand before or after a case number, the configuration, and
// exit codes 0 (success), 1 (a failure the user can fix, said how) and 2 (bad usage or an
// invalid configuration, which a restart does not fix).
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"syscall"

	"golang.org/x/term"

	"github.com/groeimeesters/klachtd/internal/clean"
	"github.com/groeimeesters/klachtd/internal/config"
	"github.com/groeimeesters/klachtd/internal/docreader"
	"github.com/groeimeesters/klachtd/internal/render"
)

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

// usageError is bad usage: exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// failure is a failure the user can fix: exit 1.
type failure struct{ msg string }

func (e failure) Error() string { return e.msg }

func failf(format string, args ...any) error { return failure{fmt.Sprintf(format, args...)} }

type command struct {
	name, args, help string
	run              func(ctx context.Context, e *env) error
}

var commands = []command{
	{"init", "[--preset imap|microsoft|google] [--org N] [--address A] [--staff A,B] [--officer N] [--phone P] " +
		"[--commissaris-name N --commissaris-email E] [--imap-host H] [--imap-port N] [--imap-tls T] [--smtp-host H] " +
		"[--smtp-port N] [--smtp-tls T] [--username U] [--password-file F] [--tenant T] [--client-id ID] " +
		"[--client-secret-file F] [--key-file F] [--root DIR] [--force] [--offline]",
		"write /etc/klachtd/config.toml and its secrets (asks what flags leave open), then check", cmdInit},
	{"run", "", "run the daemon (systemd Type=notify)", cmdRun},
	{"check", "[--offline]", "validate config and templates, log in to IMAP and SMTP", cmdCheck},
	{"demo", "[--keep DIR] [--exit] [--log]", "the whole flow on embedded IMAP and SMTP servers", cmdDemo},
	{"status", "", "one screen: daemon running, last poll, queue, next deadlines, warnings", cmdStatus},
	{"list", "[--status S] [--json]", "cases with status and next deadline", cmdList},
	{"show", "KL-YYYY-NNNN [--json]", "one case with its timeline and correspondence", cmdShow},
	{"new", "--name N --email E [--phone P] [--text T] [--service S] | --eml FILE", "register a phone or in-person complaint", cmdNew},
	{"report", "[--period 2026H2] [--format text|html|csv|json]", "the half-yearly analysis", cmdReport},
	{"export", "KL-YYYY-NNNN [--out DIR]", "everything held on a case (subject-access request)", cmdExport},
	{"purge", "[--dry-run]", "the retention purge, on demand", cmdPurge},
	{"backup", "FILE", "a consistent copy of the database (also while klachtd runs), mode 0600", cmdBackup},
	{"oauth2", "login [--device|--browser] [--listen 127.0.0.1:8085] | status", "OAuth2: sign in once (grant refresh_token); the tokens' state", cmdOAuth2},
	{"help", "tags", "the staff tags as a card to print or pass on (help alone: this list)", cmdHelp},
}

// env is what a command gets: its flags, positional arguments and output.
type env struct {
	fs         *flag.FlagSet
	args       []string
	stdout     io.Writer
	stderr     io.Writer
	configPath string
	log        *slog.Logger
	// flags shared by several commands
	json, dryRun, offline             bool
	status, period, format, eml, out  string
	name, email, phone, text, service string
	keep                              string
	exit, verbose                     bool
	device, browser                   bool   // oauth2 login
	listen                            string // oauth2 login --browser
	init                              initFlags
	stdin                             io.Reader
	stdinTTY                          bool // stdin is a terminal: init asks
	stdinFD                           int
}

// Main runs one command and returns the process exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	syscall.Umask(0o077) // everything klachtd writes is for the service user alone
	if len(args) > 0 && args[0] == docreader.Command {
		// Hidden: the short-lived process in which the daemon reads one attached document. Its
		// output is for the daemon, not a terminal: it goes out as it is.
		return docreader.Serve(args[1:], os.Stdin, stdout)
	}
	// What a command prints may hold a complainant's words: no control character or bidi
	// override reaches the terminal, whatever the command.
	out, errw := clean.NewWriter(stdout), clean.NewWriter(stderr)
	defer out.Flush()
	defer errw.Flush()
	return main(ctx, args, out, errw)
}

func main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" && len(args) == 1 || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	var cmd *command
	for i := range commands {
		if commands[i].name == args[0] {
			cmd = &commands[i]
		}
	}
	if cmd == nil {
		fmt.Fprintf(stderr, "klachtd: unknown command %q\n\n", args[0])
		usage(stderr)
		return exitUsage
	}
	e := &env{stdout: stdout, stderr: stderr, stdin: os.Stdin, stdinFD: int(os.Stdin.Fd())}
	e.stdinTTY = term.IsTerminal(e.stdinFD)
	if err := e.parse(cmd.name, args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			commandUsage(stdout, cmd.name, e.fs)
			return exitOK
		}
		fmt.Fprintf(stderr, "klachtd %s: %v\nusage: klachtd %s %s\n", cmd.name, err, cmd.name, cmd.args)
		return exitUsage
	}
	if bad := e.foreignFlag(cmd.args); bad != "" {
		fmt.Fprintf(stderr, "klachtd %s: --%s is not a flag of this command\nusage: klachtd %s %s\n", cmd.name, bad, cmd.name, cmd.args)
		return exitUsage
	}
	err := cmd.run(ctx, e)
	var ue usageError
	var ce *config.Error
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "klachtd %s: %v\nusage: klachtd %s %s\n", cmd.name, err, cmd.name, cmd.args)
		return exitUsage
	case errors.As(err, &ce):
		fmt.Fprintf(stderr, "klachtd %s: invalid configuration: %v\n", cmd.name, err)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "klachtd %s: %v\n", cmd.name, err)
		return exitFail
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "klachtd runs a complaints procedure over plain email.\n\nUsage: klachtd COMMAND [flags]   (every command takes --config FILE; default /etc/klachtd/config.toml or $KLACHTD_CONFIG)\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.help)
	}
	fmt.Fprintln(w, "\n`klachtd COMMAND --help` lists a command's flags.")
}

var flagName = regexp.MustCompile(`--([a-z][a-z-]*)`)

// commandUsage is `klachtd CMD --help`: the command's usage line and its own flags only.
func commandUsage(w io.Writer, name string, fs *flag.FlagSet) {
	var cmd command
	for _, c := range commands {
		if c.name == name {
			cmd = c
		}
	}
	fmt.Fprintf(w, "usage: klachtd %s %s\n\n%s.\n\nFlags:\n", name, cmd.args, render.Capital(cmd.help))
	own := map[string]bool{"config": true}
	for _, m := range flagName.FindAllStringSubmatch(cmd.args, -1) {
		own[m[1]] = true
	}
	fs.VisitAll(func(f *flag.Flag) {
		if !own[f.Name] {
			return
		}
		arg, help := flag.UnquoteUsage(f)
		if prefix, rest, ok := strings.Cut(help, ": "); ok && !strings.Contains(prefix, " ") {
			help = rest // "demo: keep the demo's files" is the demo's flag: say it without the prefix
		}
		if arg != "" {
			arg = " " + arg
		}
		fmt.Fprintf(w, "  --%-16s %s\n", f.Name+arg, help)
	})
}

// foreignFlag names a flag that was given but is not one of the command's (its usage line
// lists them); "" when all are its own. --config belongs to every command.
func (e *env) foreignFlag(usage string) string {
	own := map[string]bool{"config": true}
	for _, m := range flagName.FindAllStringSubmatch(usage, -1) {
		own[m[1]] = true
	}
	bad := ""
	e.fs.Visit(func(f *flag.Flag) {
		if !own[f.Name] && bad == "" {
			bad = f.Name
		}
	})
	return bad
}

// defaultConfig is the configuration file used without --config: $KLACHTD_CONFIG, or
// /etc/klachtd/config.toml.
func defaultConfig() string {
	if p := os.Getenv("KLACHTD_CONFIG"); p != "" {
		return p
	}
	return "/etc/klachtd/config.toml"
}

// parse reads flags that may stand before or after positional arguments.
func (e *env) parse(name string, args []string) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.StringVar(&e.configPath, "config", defaultConfig(), "the configuration `FILE` (default /etc/klachtd/config.toml or $KLACHTD_CONFIG)")
	fs.BoolVar(&e.json, "json", false, "JSON output")
	fs.BoolVar(&e.dryRun, "dry-run", false, "say what would be done, change nothing")
	fs.BoolVar(&e.offline, "offline", false, "check: do not connect to the servers")
	fs.StringVar(&e.status, "status", "", "list: only cases with this `STATUS` (nieuw, bevestigd, info-nodig, in-behandeling, beoordeeld, escalatie, afgehandeld)")
	fs.StringVar(&e.period, "period", "", "report: the half year, as `PERIOD` 2026H2 (default: the last complete one)")
	fs.StringVar(&e.format, "format", "text", "report: the output `FORMAT`: text, html, csv or json")
	fs.StringVar(&e.eml, "eml", "", "new: register the complaint in this .eml `FILE`")
	fs.StringVar(&e.out, "out", "", "export: write into this new or empty `DIR` instead of standard output")
	fs.StringVar(&e.name, "name", "", "new: the complainant's `NAME`")
	fs.StringVar(&e.email, "email", "", "new: the complainant's e-mail `ADDRESS`")
	fs.StringVar(&e.phone, "phone", "", "new: the complainant's `PHONE` number")
	fs.StringVar(&e.text, "text", "", "new: the complaint's `TEXT` (or - for standard input)")
	fs.StringVar(&e.service, "service", "", "new: the `SERVICE` the complaint is about (one of [complaints] services)")
	fs.StringVar(&e.keep, "keep", "", "demo: keep the demo's files in `DIR` (database, outgoing mail, and a config.toml for list, show, report and export)")
	fs.BoolVar(&e.exit, "exit", false, "demo: stop after the flow instead of waiting for Ctrl-C")
	fs.BoolVar(&e.verbose, "log", false, "demo: show the daemon's log instead of what it does as it happens")
	fs.BoolVar(&e.device, "device", false, "oauth2 login: sign in with a code on another device (the default)")
	fs.BoolVar(&e.browser, "browser", false, "oauth2 login: sign in in a browser redirected to this machine")
	fs.StringVar(&e.listen, "listen", defaultListen, "oauth2 login --browser: the loopback address to wait on")
	e.initFlags(fs)
	e.fs = fs
	fs.Usage = func() {} // Main prints the command's own usage for --help, and a short one for bad flags
	for {
		if err := fs.Parse(args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			return nil
		}
		e.args = append(e.args, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// loadConfig reads the configuration named by --config, with its secrets.
func (e *env) loadConfig() (*config.Config, error) { return e.load(config.Load) }

// readConfig reads the configuration for a command that only reads or prunes the database:
// the IMAP and SMTP secrets are not read (list, show, report, export and purge never need them).
func (e *env) readConfig() (*config.Config, error) { return e.load(config.LoadForReading) }

func (e *env) load(loader func(string) (*config.Config, error)) (*config.Config, error) {
	c, err := loader(e.configPath)
	if err != nil {
		var ce *config.Error
		if errors.As(err, &ce) {
			return nil, err
		}
		if errors.Is(err, os.ErrNotExist) {
			return nil, failf("no configuration at %s: give --config FILE or set KLACHTD_CONFIG (config.example.toml documents every key)", e.configPath)
		}
		return nil, failf("read configuration: %v", err)
	}
	e.log = newLogger(c, e.stderr)
	return c, nil
}

func newLogger(c *config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(strings.ToUpper(c.Log.Level)))
	opts := &slog.HandlerOptions{Level: level}
	if c.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
