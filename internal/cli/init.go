package cli

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net/mail"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/config"
)

// Presets of `klachtd init`: a mailbox on any IMAP host with a password, or one of the OAuth2
// providers of config.Presets (their servers, auth and grants live there, in one place).
const (
	presetIMAP = "imap"
)

// initPresets lists the presets init offers, the plain IMAP host first.
func initPresets() []string {
	out := []string{presetIMAP}
	for _, p := range config.Presets() {
		if p.Provider != config.ProviderCustom {
			out = append(out, p.Provider)
		}
	}
	return out
}

// initFlags are the answers init takes from flags; what is missing it asks for when standard
// input is a terminal.
type initFlags struct {
	root, preset                         string
	org, address, officer, phone         string
	staff                                string
	commName, commEmail                  string
	imapHost, imapTLS, smtpHost, smtpTLS string
	imapPort, smtpPort                   int
	username, passwordFile               string
	tenant, clientID, secretFile         string
	keyFile                              string
	force                                bool
}

// secretFile is a secret init writes beside the configuration: its name there (which is also
// its systemd credential's name) and its bytes.
type secretFile struct {
	name string
	data []byte
	what string
}

// cmdInit writes /etc/klachtd/config.toml and the secret files beside it (0600), and a
// systemd drop-in that passes exactly those secrets to the unit as credentials, from flags
// or, where stdin is a terminal, questions; then runs check and says what to do next.
func cmdInit(ctx context.Context, e *env) error {
	if err := e.noArgs(); err != nil {
		return err
	}
	f := &e.init
	f.phone = e.phone
	in := &asker{r: bufio.NewReader(e.stdin), w: e.stdout, tty: e.stdinTTY, fd: e.stdinFD}
	if err := f.ask(in); err != nil {
		return err
	}
	text, secrets, err := f.config(in)
	if err != nil {
		return err
	}
	etc := filepath.Join(f.root, "etc", "klachtd")
	cfgPath := filepath.Join(etc, "config.toml")
	if _, err := os.Stat(cfgPath); err == nil && !f.force {
		return failf("%s exists already: klachtd init does not overwrite a configuration (give --force to replace it)", cfgPath)
	}
	if err := writeInit(f.root, etc, cfgPath, text, secrets); err != nil {
		return err
	}
	// The file must be one klachtd takes, whatever was answered.
	if _, err := config.Load(cfgPath); err != nil {
		return fmt.Errorf("the configuration written to %s: %w", cfgPath, err)
	}
	fmt.Fprintf(e.stdout, "\nWritten:\n  %-44s the configuration (0644: it holds no secret)\n", cfgPath)
	for _, s := range secrets {
		fmt.Fprintf(e.stdout, "  %-44s %s (0600)\n", filepath.Join(etc, s.name), s.what)
	}
	fmt.Fprintf(e.stdout, "  %-44s passes those files to the unit as systemd credentials\n\n", dropInPath(f.root))
	check := *e
	check.configPath = cfgPath
	fmt.Fprintln(e.stdout, "klachtd check:")
	checkErr := cmdCheck(ctx, &check)
	printNextSteps(e.stdout, cfgPath, f.address, checkErr == nil)
	return checkErr
}

// initFlags defines init's flags on the command line's flag set (--phone is new's too).
func (e *env) initFlags(fs *flag.FlagSet) {
	f := &e.init
	fs.StringVar(&f.root, "root", "/", "init: write under this `DIR` instead of / (a test, an image)")
	fs.StringVar(&f.preset, "preset", "", "init: the mail provider: imap (any IMAP host with a password), microsoft (Microsoft 365) or google (Google Workspace)")
	fs.StringVar(&f.org, "org", "", "init: the organisation's `NAME`")
	fs.StringVar(&f.address, "address", "", "init: the mailbox complainants write to, the From of every mail (`ADDRESS`)")
	fs.StringVar(&f.staff, "staff", "", "init: the staff `ADDRESSES` that may send tag commands, comma-separated")
	fs.StringVar(&f.officer, "officer", "", "init: who signs the mails (`NAME`)")
	fs.StringVar(&f.commName, "commissaris-name", "", "init: the independent complaints commissaris (`NAME`)")
	fs.StringVar(&f.commEmail, "commissaris-email", "", "init: the commissaris' `ADDRESS`")
	fs.StringVar(&f.imapHost, "imap-host", "", "init, preset imap: the IMAP `HOST`")
	fs.IntVar(&f.imapPort, "imap-port", 0, "init, preset imap: the IMAP `PORT` (default 993)")
	fs.StringVar(&f.imapTLS, "imap-tls", "", "init, preset imap: implicit (default), starttls, or none (loopback only)")
	fs.StringVar(&f.smtpHost, "smtp-host", "", "init, preset imap: the SMTP `HOST` (default: smtp. for imap. in the IMAP host)")
	fs.IntVar(&f.smtpPort, "smtp-port", 0, "init, preset imap: the SMTP `PORT` (default 587)")
	fs.StringVar(&f.smtpTLS, "smtp-tls", "", "init, preset imap: starttls (default), implicit, or none (loopback only)")
	fs.StringVar(&f.username, "username", "", "init: the mailbox's login `NAME` (default: --address)")
	fs.StringVar(&f.passwordFile, "password-file", "", "init, preset imap: read the password from this `FILE` (else asked, or one line of standard input)")
	fs.StringVar(&f.tenant, "tenant", "", "init, preset microsoft: the tenant id or domain")
	fs.StringVar(&f.clientID, "client-id", "", "init, preset microsoft: the app registration's client `ID`")
	fs.StringVar(&f.secretFile, "client-secret-file", "", "init, preset microsoft: read the client secret from this `FILE` (else asked, or standard input)")
	fs.StringVar(&f.keyFile, "key-file", "", "init, preset google: the service account's JSON key `FILE`")
	fs.BoolVar(&f.force, "force", false, "init: replace an existing configuration")
}

// ask fills what the flags left open: by asking at a terminal, else it names the flags.
func (f *initFlags) ask(in *asker) error {
	presets := initPresets()
	if f.preset == "" && in.tty {
		fmt.Fprintf(in.w, "klachtd init writes /etc/klachtd/config.toml and the secrets beside it. Empty answers keep what is in [brackets].\n\n")
	}
	var err error
	steps := []struct {
		v        *string
		flag, q  string
		def      string
		required bool
		check    func(string) string
	}{
		{&f.preset, "preset", "Mail provider: " + strings.Join(presets, ", "), presetIMAP, true, oneOfCheck(presets)},
		{&f.org, "org", "Name of the organisation", "", true, nil},
		{&f.address, "address", "The mailbox complainants write to (From of every mail)", "", true, emailCheck},
		{&f.staff, "staff", "Staff addresses that may send tag commands (comma-separated)", "", true, emailsCheck},
		{&f.officer, "officer", "Who signs the mails", "", false, nil},
		{&f.phone, "phone", "Phone number in the mails", "", false, nil},
		{&f.commName, "commissaris-name", "Name of the independent complaints commissaris", "", false, nil},
		{&f.commEmail, "commissaris-email", "E-mail of the commissaris", "", false, optional(emailCheck)},
	}
	for _, s := range steps {
		if *s.v, err = in.ask(s.flag, s.q, *s.v, s.def, s.required, s.check); err != nil {
			return err
		}
	}
	if (f.commName == "") != (f.commEmail == "") {
		return usageError{"give --commissaris-name and --commissaris-email together (or neither)"}
	}
	if f.username == "" {
		f.username = f.address
	}
	switch f.preset {
	case presetIMAP:
		if f.imapHost, err = in.ask("imap-host", "IMAP server", f.imapHost, "", true, nil); err != nil {
			return err
		}
		if f.smtpHost, err = in.ask("smtp-host", "SMTP server", f.smtpHost, smtpGuess(f.imapHost), true, nil); err != nil {
			return err
		}
		f.username, err = in.ask("username", "Login name of the mailbox", f.username, f.address, true, nil)
	case config.ProviderMicrosoft:
		if f.tenant, err = in.ask("tenant", "Microsoft 365 tenant (its id or contoso.onmicrosoft.com)", f.tenant, "", true, nil); err != nil {
			return err
		}
		f.clientID, err = in.ask("client-id", "Application (client) id of the app registration", f.clientID, "", true, nil)
	case config.ProviderGoogle:
		f.keyFile, err = in.ask("key-file", "The service account's JSON key file", f.keyFile, "", true, fileCheck)
	}
	return err
}

// config is the configuration file's text and the secrets to write beside it.
func (f *initFlags) config(in *asker) (string, []secretFile, error) {
	q := strconv.Quote
	var b strings.Builder
	fmt.Fprintf(&b, `# Written by klachtd init on %s. config.example.toml explains every key; a key left
# out keeps its default. No secret is in this file: a *_file key names a file beside it
# ("imap" is /etc/klachtd/imap at a shell, and systemd's credential "imap" under the unit).

[organisation]
name     = %s
address  = %s
`, complaint.FormatDate(time.Now(), "en", config.Default().Organisation.Location), q(f.org), q(f.address))
	if f.officer != "" {
		fmt.Fprintf(&b, "officer  = %s\n", q(f.officer))
	}
	if f.phone != "" {
		fmt.Fprintf(&b, "phone    = %s\n", q(f.phone))
	}
	b.WriteString("timezone = \"Europe/Amsterdam\"\nlanguage = \"nl\"\n")
	var secrets []secretFile
	switch f.preset {
	case presetIMAP:
		pw, err := in.secret("password-file", "Password of "+f.username, f.passwordFile)
		if err != nil {
			return "", nil, err
		}
		secrets = []secretFile{{"imap", pw, "the IMAP password"}, {"smtp", pw, "the SMTP password (the same account)"}}
		fmt.Fprintf(&b, "\n[imap]\nhost          = %s\nport          = %d\ntls           = %s\nusername      = %s\npassword_file = \"imap\"\n",
			q(f.imapHost), or0(f.imapPort, 993), q(orStr(f.imapTLS, config.TLSImplicit)), q(f.username))
		fmt.Fprintf(&b, "\n[smtp]\nhost          = %s\nport          = %d\ntls           = %s\nusername      = %s\npassword_file = \"smtp\"\n",
			q(f.smtpHost), or0(f.smtpPort, 587), q(orStr(f.smtpTLS, config.TLSStartTLS)), q(f.username))
	case config.ProviderMicrosoft:
		secret, err := in.secret("client-secret-file", "Client secret of the app registration", f.secretFile)
		if err != nil {
			return "", nil, err
		}
		secrets = []secretFile{{"oauth2-client-secret", secret, "the app registration's client secret"}}
		fmt.Fprintf(&b, "\n# Servers, auth and scopes follow from oauth2.provider; docs/oauth2.md has the set-up in Microsoft 365.\n[imap]\nusername = %s\n\n[smtp]\nusername = %s\n", q(f.username), q(f.username))
		fmt.Fprintf(&b, "\n[oauth2]\nprovider           = \"microsoft\"\ntenant             = %s\ngrant              = \"client_credentials\"\nclient_id          = %s\nclient_secret_file = \"oauth2-client-secret\"\n",
			q(f.tenant), q(f.clientID))
	case config.ProviderGoogle:
		key, err := os.ReadFile(f.keyFile)
		if err != nil {
			return "", nil, failf("read --key-file: %v", err)
		}
		secrets = []secretFile{{"google-key.json", key, "the service account's key"}}
		fmt.Fprintf(&b, "\n# Servers, auth and scopes follow from oauth2.provider; docs/oauth2.md has the set-up in Google Workspace.\n[imap]\nusername = %s\n\n[smtp]\nusername = %s\n", q(f.username), q(f.username))
		fmt.Fprintf(&b, "\n[oauth2]\nprovider = \"google\"\ngrant    = \"jwt\"\nkey_file = \"google-key.json\"\n")
	}
	var staff []string
	for _, s := range strings.Split(f.staff, ",") {
		if s = strings.TrimSpace(s); s != "" {
			staff = append(staff, q(s))
		}
	}
	fmt.Fprintf(&b, "\n[staff]\naddresses = [%s]\n", strings.Join(staff, ", "))
	if f.commName != "" {
		fmt.Fprintf(&b, "\n[commissaris]\nname  = %s\nemail = %s\n", q(f.commName), q(f.commEmail))
	}
	b.WriteString("\n[storage]\npath = \"/var/lib/klachtd/klachtd.db\"\n")
	return b.String(), secrets, nil
}

// writeInit writes the configuration (0644: the service's own user must read it, and it holds
// no secret), the secrets (0600) and the systemd drop-in, each whole or not at all.
func writeInit(root, etc, cfgPath, text string, secrets []secretFile) error {
	if err := os.MkdirAll(etc, 0o755); err != nil {
		return failf("create %s: %v", etc, err)
	}
	_ = os.Chmod(etc, 0o755) // under umask 077: the service's user must reach config.toml
	for _, s := range secrets {
		if err := writeAtomic(filepath.Join(etc, s.name), s.data, 0o600); err != nil {
			return err
		}
	}
	if err := writeAtomic(cfgPath, []byte(text), 0o644); err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("# Written by klachtd init: the secrets of /etc/klachtd/config.toml, passed to klachtd as\n" +
		"# systemd credentials (readable by the service alone, under $CREDENTIALS_DIRECTORY).\n[Service]\nLoadCredential=\n")
	for _, s := range secrets {
		fmt.Fprintf(&b, "LoadCredential=%s:/etc/klachtd/%s\n", s.name, s.name)
	}
	dropIn := dropInPath(root)
	if err := os.MkdirAll(filepath.Dir(dropIn), 0o755); err != nil {
		return failf("create %s: %v", filepath.Dir(dropIn), err)
	}
	_ = os.Chmod(filepath.Dir(dropIn), 0o755)
	return writeAtomic(dropIn, []byte(b.String()), 0o644)
}

func dropInPath(root string) string {
	return filepath.Join(root, "etc", "systemd", "system", "klachtd.service.d", "credentials.conf")
}

// writeAtomic writes data to path through a temporary file renamed over it, with mode.
func writeAtomic(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return failf("write %s: %v", path, err)
	}
	defer os.Remove(tmp.Name())
	_, werr := tmp.Write(data)
	if err := tmp.Chmod(mode); werr == nil {
		werr = err
	}
	if err := tmp.Close(); werr == nil {
		werr = err
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), path)
	}
	if werr != nil {
		return failf("write %s: %v", path, werr)
	}
	return nil
}

// printNextSteps says what to do after init.
func printNextSteps(w io.Writer, cfgPath, address string, checked bool) {
	fmt.Fprintln(w, "\nNext:")
	if !checked {
		fmt.Fprintf(w, "  - mend what check found above (edit %s, or run klachtd init --force again), then: klachtd check\n", cfgPath)
	}
	fmt.Fprintf(w, "  - read %s once more: deadlines, services and the rest keep their defaults (config.example.toml explains them)\n", cfgPath)
	fmt.Fprintln(w, "  - install the unit and start klachtd:")
	fmt.Fprintln(w, "      cp systemd/klachtd.service /etc/systemd/system/ && systemctl daemon-reload && systemctl enable --now klachtd")
	fmt.Fprintln(w, "  - klachtd status          one screen: running, last poll, queue, next deadlines")
	fmt.Fprintf(w, "  - send a complaint to %s as a test: the confirmation comes back within seconds\n", address)
	fmt.Fprintln(w, "  - give staff docs/handleiding.md (or `klachtd help tags`)")
}

// asker asks for what the flags left open when stdin is a terminal; otherwise a missing
// required answer is an error that names its flag.
type asker struct {
	r   *bufio.Reader
	w   io.Writer
	tty bool
	fd  int
}

func (a *asker) ask(flag, question, current, def string, required bool, check func(string) string) (string, error) {
	if current != "" {
		if check != nil {
			if why := check(current); why != "" {
				return "", usageError{fmt.Sprintf("--%s %q: %s", flag, current, why)}
			}
		}
		return current, nil
	}
	if !a.tty {
		if def != "" || !required {
			return def, nil
		}
		return "", usageError{fmt.Sprintf("give --%s (%s), or run klachtd init at a terminal to be asked", flag, strings.ToLower(question[:1])+question[1:])}
	}
	for {
		if def != "" {
			fmt.Fprintf(a.w, "%s [%s]: ", question, def)
		} else {
			fmt.Fprintf(a.w, "%s: ", question)
		}
		line, err := a.r.ReadString('\n')
		line = strings.TrimSpace(line)
		if line == "" {
			line = def
		}
		if line == "" && required {
			if err != nil {
				return "", failf("no answer to %q", question)
			}
			continue
		}
		if check != nil && line != "" {
			if why := check(line); why != "" {
				fmt.Fprintf(a.w, "  %s\n", why)
				if err != nil {
					return "", failf("%q: %s", line, why)
				}
				continue
			}
		}
		return line, nil
	}
}

// secret reads a secret from the file a flag names, or at a terminal without echo, or else
// one line of standard input ("printf '%s\n' secret | klachtd init ...").
func (a *asker) secret(flag, question, file string) ([]byte, error) {
	var data []byte
	var err error
	switch {
	case file != "":
		data, err = os.ReadFile(file)
		if err != nil {
			return nil, failf("read --%s: %v", flag, err)
		}
	case a.tty:
		fmt.Fprintf(a.w, "%s (not shown): ", question)
		data, err = term.ReadPassword(a.fd)
		fmt.Fprintln(a.w)
		if err != nil {
			return nil, failf("read the secret: %v", err)
		}
	default:
		line, err := a.r.ReadString('\n')
		if err != nil && line == "" {
			return nil, usageError{fmt.Sprintf("give --%s FILE, or the secret on standard input, or run klachtd init at a terminal", flag)}
		}
		data = []byte(line)
	}
	s := strings.TrimRight(string(data), "\r\n")
	if s == "" {
		return nil, failf("the secret (%s) is empty", question)
	}
	return []byte(s + "\n"), nil
}

func oneOfCheck(list []string) func(string) string {
	return func(s string) string {
		for _, x := range list {
			if s == x {
				return ""
			}
		}
		return "is not one of " + strings.Join(list, ", ")
	}
}

func emailCheck(s string) string {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return "is not an e-mail address such as info@example.nl"
	}
	return ""
}

func emailsCheck(s string) string {
	for _, a := range strings.Split(s, ",") {
		if why := emailCheck(strings.TrimSpace(a)); why != "" {
			return fmt.Sprintf("%q %s", strings.TrimSpace(a), why)
		}
	}
	return ""
}

func optional(check func(string) string) func(string) string {
	return func(s string) string {
		if s == "" {
			return ""
		}
		return check(s)
	}
}

func fileCheck(s string) string {
	if _, err := os.Stat(s); err != nil {
		return "cannot be read: " + err.Error()
	}
	return ""
}

// smtpGuess is the SMTP server a host's name suggests: imap.example.nl → smtp.example.nl.
func smtpGuess(imapHost string) string {
	if rest, ok := strings.CutPrefix(imapHost, "imap."); ok {
		return "smtp." + rest
	}
	return imapHost
}

func or0(n, def int) int {
	if n == 0 {
		return def
	}
	return n
}

func orStr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
