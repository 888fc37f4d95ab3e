package daemon

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"

	klachtd "github.com/groeimeesters/klachtd"
	"github.com/groeimeesters/klachtd/internal/clock"
	"github.com/groeimeesters/klachtd/internal/config"
	"github.com/groeimeesters/klachtd/internal/intake"
	"github.com/groeimeesters/klachtd/internal/outbox"
	"github.com/groeimeesters/klachtd/internal/render"
	"github.com/groeimeesters/klachtd/internal/store"
)

// Test fixtures: the organisation, its staff, the commissaris and a complainant.
const (
	orgAddr     = "info@intervisie-begeleiding.nl"
	staffAddr   = "milou@intervisie-begeleiding.nl"
	commAddr    = "info@ivak.nl"
	janAddr     = "jan.devries@example.nl"
	staffDomain = "intervisie-begeleiding.nl"
)

func amsterdam(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// testConfig is a valid configuration on loopback servers (which need not exist when the test
// drives Handle itself).
func testConfig(t testing.TB, imapAddr, imapUser, imapPass string, smtpPort int) *config.Config {
	t.Helper()
	c := config.Default()
	c.Organisation.Name, c.Organisation.Address = "Groeimeesters", orgAddr
	c.Organisation.Phone, c.Organisation.Officer = "06 58949869", "Milou Meijer"
	host, port := "127.0.0.1", 1
	if imapAddr != "" {
		var p int
		if _, err := fmt.Sscanf(imapAddr[strings.LastIndexByte(imapAddr, ':')+1:], "%d", &p); err != nil {
			t.Fatalf("imap address %q: %v", imapAddr, err)
		}
		host, port = imapAddr[:strings.LastIndexByte(imapAddr, ':')], p
	}
	c.IMAP.Host, c.IMAP.Port, c.IMAP.TLS = host, port, config.TLSNone
	c.IMAP.Username, c.IMAP.Password = firstNonEmpty(imapUser, "klachtd"), firstNonEmpty(imapPass, "secret")
	c.IMAP.PollInterval = 300 * time.Millisecond
	c.IMAP.Timeout = 5 * time.Second
	c.IMAP.Backfill = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	if smtpPort == 0 {
		smtpPort = 2
	}
	c.SMTP.Host, c.SMTP.Port, c.SMTP.TLS, c.SMTP.Timeout = "127.0.0.1", smtpPort, config.TLSNone, 5*time.Second
	c.Staff.Addresses, c.Staff.Notify = []string{staffAddr}, []string{staffAddr}
	c.Staff.Authentication = config.AuthenticationNone
	c.Commissaris.Name, c.Commissaris.Email = "Kathleen Naber", commAddr
	c.Complaints.Services = []string{"intervisie-begeleiding", "(in company) training", "online cursus"}
	c.Report.Recipients = []string{staffAddr}
	c.Storage.Path = filepath.Join(t.TempDir(), "klachtd.db")
	if err := c.Validate(); err != nil {
		t.Fatalf("test configuration: %v", err)
	}
	return c
}

// newTestDaemon opens a store and builds a daemon on cfg.
func newTestDaemon(t testing.TB, cfg *config.Config, clk clock.Clock, lookup func(context.Context, string) ([]string, error)) (*Daemon, *store.Store) {
	t.Helper()
	return newDaemonWith(t, Options{Config: cfg, Clock: clk, LookupTXT: lookup})
}

// newDaemonWith opens a store at opt.Config's storage path and builds a daemon on opt, with
// the embedded templates, the test executable for documents and, unless opt has a log, a
// debug log (to stderr with KLACHTD_TEST_LOG=1).
func newDaemonWith(t testing.TB, opt Options) (*Daemon, *store.Store) {
	t.Helper()
	st, err := store.Open(context.Background(), opt.Config.Storage.Path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	rnd, err := render.New(klachtd.Templates, "")
	if err != nil {
		t.Fatal(err)
	}
	opt.Store, opt.Renderer, opt.Executable = st, rnd, testExecutable(t)
	if opt.Log == nil {
		var logw io.Writer = io.Discard
		if os.Getenv("KLACHTD_TEST_LOG") == "1" {
			logw = os.Stderr
		}
		opt.Log = slog.New(slog.NewTextHandler(logw, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	d, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	return d, st
}

// rawMail builds an RFC 5322 message; extra headers are written as given (already encoded).
func rawMail(from, to, subject, msgID string, date time.Time, body string, extra ...string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\n", from, to)
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", subject))
	fmt.Fprintf(&b, "Date: %s\r\nMessage-ID: <%s>\r\n", date.Format(time.RFC1123Z), msgID)
	for _, h := range extra {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(strings.ReplaceAll(body, "\n", "\r\n"))
	return b.Bytes()
}

// feeder hands messages to Handle as the intake would, with increasing UIDs.
type feeder struct {
	d   *Daemon
	uid uint32
}

func (f *feeder) feed(t testing.TB, raw []byte) intake.Disposition {
	t.Helper()
	f.uid++
	disp, err := f.d.Handle(context.Background(), &intake.Fetched{Mailbox: "INBOX", UIDValidity: 1, UID: f.uid,
		Raw: raw, Header: headerOf(raw), Size: int64(len(raw))})
	if err != nil {
		t.Fatalf("handle uid %d: %v", f.uid, err)
	}
	return disp
}

func headerOf(raw []byte) []byte {
	if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 {
		return raw[:i+4]
	}
	return raw
}

// sendAll is a fake SMTP server: it claims every mail due at now through the queue adapter,
// as the sender would, marks it sent, and returns the composed messages.
func sendAll(t testing.TB, d *Daemon, now time.Time) []*outMsg {
	t.Helper()
	q := queueAdapter{d}
	var out []*outMsg
	for {
		row, err := q.Claim(context.Background(), now, 10*time.Minute)
		if err != nil {
			t.Fatalf("claim: %v", err)
		}
		if row == nil {
			return out
		}
		raw, err := outbox.Compose(row)
		if err != nil {
			t.Fatalf("compose row %d (%s): %v", row.ID, row.Template, err)
		}
		m := parseOut(t, raw)
		m.Template, m.Row = row.Template, row
		out = append(out, m)
		if err := q.Sent(context.Background(), row.ID, now); err != nil {
			t.Fatalf("sent %d: %v", row.ID, err)
		}
	}
}

// outMsg is an outgoing mail as a recipient reads it.
type outMsg struct {
	Template   string
	Row        *outbox.Row
	Envelope   []string // envelope recipients, from the sink
	Header     mail.Header
	From       string
	To, Cc     []string
	Subject    string
	MessageID  string
	InReplyTo  string
	References string
	Text, HTML string
	Raw        []byte
}

func parseOut(t testing.TB, raw []byte) *outMsg {
	t.Helper()
	r, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("read outgoing mail: %v\n%s", err, raw)
	}
	m := &outMsg{Header: r.Header, Raw: raw}
	addrs := func(key string) []string {
		list, err := r.Header.AddressList(key)
		if err != nil {
			t.Fatalf("%s of outgoing mail: %v", key, err)
		}
		var out []string
		for _, a := range list {
			out = append(out, strings.ToLower(a.Address))
		}
		return out
	}
	if f := addrs("From"); len(f) == 1 {
		m.From = f[0]
	}
	m.To, m.Cc = addrs("To"), addrs("Cc")
	m.Subject, _ = r.Header.Subject()
	m.MessageID = r.Header.Get("Message-Id")
	m.InReplyTo = r.Header.Get("In-Reply-To")
	m.References = r.Header.Get("References")
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("read part: %v", err)
		}
		h, ok := p.Header.(*mail.InlineHeader)
		if !ok {
			continue
		}
		ct, _, _ := h.ContentType()
		body, _ := io.ReadAll(p.Body)
		switch ct {
		case "text/plain":
			m.Text += string(body)
		case "text/html":
			m.HTML += string(body)
		}
	}
	return m
}

// of picks the mails with a template (from the store rows) or to an address.
func to(list []*outMsg, addr string) []*outMsg {
	var out []*outMsg
	for _, m := range list {
		for _, a := range m.To {
			if a == addr {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

func withTemplate(list []*outMsg, tmpl string) []*outMsg {
	var out []*outMsg
	for _, m := range list {
		if m.Template == tmpl {
			out = append(out, m)
		}
	}
	return out
}

// onlyOne returns the single mail of a template, failing otherwise.
func onlyOne(t testing.TB, list []*outMsg, tmpl string) *outMsg {
	t.Helper()
	got := withTemplate(list, tmpl)
	if len(got) != 1 {
		var names []string
		for _, m := range list {
			names = append(names, m.Template+"→"+strings.Join(m.To, ","))
		}
		t.Fatalf("want exactly one %s mail, got %d among %v", tmpl, len(got), names)
	}
	return got[0]
}

// checkCaseMail checks what every mail about a case carries: From, subject reference,
// threading on the complaint, automatic-mail headers, and both parts.
func checkCaseMail(t testing.TB, m *outMsg, caseID, root string, wantTo ...string) {
	t.Helper()
	if m.From != orgAddr {
		t.Errorf("%s: From %q, want %q", m.Template, m.From, orgAddr)
	}
	if len(wantTo) > 0 && strings.Join(m.To, ",") != strings.Join(wantTo, ",") {
		t.Errorf("%s: To %v, want %v", m.Template, m.To, wantTo)
	}
	if !strings.HasPrefix(m.Subject, "["+caseID+"] ") {
		t.Errorf("%s: subject %q does not start with [%s]", m.Template, m.Subject, caseID)
	}
	if root != "" {
		if m.InReplyTo != "<"+root+">" {
			t.Errorf("%s: In-Reply-To %q, want <%s>", m.Template, m.InReplyTo, root)
		}
		if !strings.Contains(m.References, "<"+root+">") {
			t.Errorf("%s: References %q, want it to hold <%s>", m.Template, m.References, root)
		}
	}
	if got := m.Header.Get("Auto-Submitted"); !strings.HasPrefix(got, "auto-") {
		t.Errorf("%s: Auto-Submitted %q", m.Template, got)
	}
	if got := m.Header.Get("X-Auto-Response-Suppress"); got == "" {
		t.Errorf("%s: no X-Auto-Response-Suppress", m.Template)
	}
	if !strings.Contains(m.MessageID, "@intervisie-begeleiding.nl") {
		t.Errorf("%s: Message-ID %q not in our domain", m.Template, m.MessageID)
	}
	if strings.TrimSpace(m.Text) == "" || strings.TrimSpace(m.HTML) == "" {
		t.Errorf("%s: want text and HTML parts, got %d and %d bytes", m.Template, len(m.Text), len(m.HTML))
	}
	if !strings.Contains(m.Text, caseID) {
		t.Errorf("%s: text does not name %s:\n%s", m.Template, caseID, m.Text)
	}
}

// timeline returns the kinds of a case's events and the whole text, for assertions.
func timeline(t testing.TB, st *store.Store, caseID string) []store.Event {
	t.Helper()
	ev, err := st.Timeline(context.Background(), caseID)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func hasEvent(ev []store.Event, kind string) bool {
	for _, e := range ev {
		if e.Kind == kind {
			return true
		}
	}
	return false
}

// runDaemon runs d until the test ends (then checks it stopped cleanly) and returns the
// context it runs under.
func runDaemon(t testing.TB, d *Daemon) context.Context {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("daemon: %v", err)
		}
	})
	return ctx
}
