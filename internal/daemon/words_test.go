package daemon

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	klachtd "github.com/groeimeesters/klachtd"
	"github.com/groeimeesters/klachtd/internal/config"
	"github.com/groeimeesters/klachtd/internal/mailtest"
	"github.com/groeimeesters/klachtd/internal/render"
)

// The words of a forged complaint (From an address that is not authenticated).
const (
	forgedFrom = "Koop Nu op spam.example <buyer@spam.example>"
	forgedBody = "Naam: Koop Nu op spam.example\nOmschrijving van de klacht: KOOPWORDS op https://spam.example/a\nGevolgen voor u: MOREWORDS\n"
)

var forgedWords = []string{"Koop", "spam.example/", "KOOPWORDS", "MOREWORDS", "https://"}

// leaksWords fails when a mail to the forged address carries any of the forged words, in its
// header (the display name), text or HTML.
func leaksWords(t *testing.T, m *outMsg) {
	t.Helper()
	for _, w := range forgedWords {
		if strings.Contains(string(m.Raw), w) || strings.Contains(m.Text, w) || strings.Contains(m.HTML, w) {
			t.Errorf("%s to %v carries the sender's words %q:\n%s", m.Template, m.To, w, m.Text)
		}
	}
}

// TestNoWordsToAnUnverifiedComplainant: every mail klachtd sends to the address of a complaint
// whose sender was not authenticated — the confirmation, a status update a staff command
// causes, the automatic extension notice — greets no name and repeats none of the sender's
// text or links; staff get it all. With "none" (the control) the words come back.
func TestNoWordsToAnUnverifiedComplainant(t *testing.T) {
	keys := newDKIMKeys(t, staffDomain)
	for _, mode := range []string{config.AuthenticationDKIM, config.AuthenticationNone} {
		t.Run(mode, func(t *testing.T) {
			e := newCaseEnv(t, func(c *config.Config) { c.Staff.Authentication = mode }, keys.lookup)
			e.feed.feed(t, rawMail(forgedFrom, orgAddr, "Klacht", "forged-1@spam.example", e.clock.Now(), forgedBody))
			e.advance(time.Second)
			mails := e.send()
			const id = "KL-2026-0001"
			notice := onlyOne(t, mails, "melding-nieuw")
			if !strings.Contains(notice.Text, "KOOPWORDS") {
				t.Errorf("staff do not get the complaint's text:\n%s", notice.Text)
			}
			conf := onlyOne(t, mails, tmplConfirmation)
			if mode == config.AuthenticationNone {
				if !strings.Contains(conf.Text, "KOOPWORDS") || !strings.Contains(conf.Text, "Beste Koop Nu") {
					t.Errorf("an authenticated sender does not get their words back:\n%s", conf.Text)
				}
				return
			}
			leaksWords(t, conf)
			if !strings.Contains(notice.Text, "niet geverifieerd") {
				t.Errorf("the staff notice does not say the sender is not verified:\n%s", notice.Text)
			}

			e.advance(time.Minute)
			e.feed.feed(t, keys.sign(t, staffMail(id, "[in-behandeling]", "staff-1@intervisie-begeleiding.nl", e.clock.Now(),
				"Wij kijken ernaar en komen bij u terug.\n", "In-Reply-To: <forged-1@spam.example>"), staffDomain))
			status := onlyOne(t, e.send(), "status")
			leaksWords(t, status)
			if !strings.Contains(status.Text, "Goedendag,") || !strings.Contains(status.Text, "Wij kijken ernaar") {
				t.Errorf("status update lacks the neutral greeting or the staff text:\n%s", status.Text)
			}

			c := e.caseOf(id)
			now := c.DueAt.Add(-e.cfg.Deadlines.AutoExtendBefore)
			e.clock.Set(now)
			if err := e.d.RunDue(context.Background(), now); err != nil {
				t.Fatal(err)
			}
			leaksWords(t, onlyOne(t, e.send(), "verlenging"))
		})
	}
}

// TestOverrideTemplateGetsNoWords: an override confirmation from before Data.Unauthenticated,
// which prints the name and every answer, still has none of an unauthenticated sender's words.
func TestOverrideTemplateGetsNoWords(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "nl"), 0o700); err != nil {
		t.Fatal(err)
	}
	old := `{{define "subject"}}Bevestiging{{end}}
{{define "text"}}Beste {{.Case.Name}}, {{.Case.Summary}}{{range .Case.Fields}} {{.Label}}: {{.Value}}{{end}} {{.Case.Phone}} {{.Case.ID}}{{end}}
{{define "html"}}<p>{{.Case.Name}}{{range .Case.Fields}} {{.Value}}{{end}}</p>{{end}}`
	if err := os.WriteFile(filepath.Join(dir, "nl", "bevestiging.tmpl"), []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t, "", "", "", 0)
	cfg.Staff.Authentication = config.AuthenticationDKIM
	cfg.Templates.Dir = dir
	rnd, err := render.New(klachtd.Templates, dir)
	if err != nil {
		t.Fatal(err)
	}
	clock := mailtest.NewClock(time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC))
	_, st := newTestDaemon(t, cfg, clock, newDKIMKeys(t).lookup)
	d, err := New(Options{Config: cfg, Store: st, Renderer: rnd, Clock: clock, LookupTXT: newDKIMKeys(t).lookup,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	f := &feeder{d: d}
	f.feed(t, rawMail(forgedFrom, orgAddr, "Klacht", "forged-2@spam.example", clock.Now(), forgedBody+"Telefoon: 06 99999999\n"))
	conf := onlyOne(t, sendAll(t, d, clock.Now()), tmplConfirmation)
	leaksWords(t, conf)
	if strings.Contains(conf.Text, "99999999") {
		t.Errorf("the override shows the sender's phone number:\n%s", conf.Text)
	}
	if !strings.Contains(conf.Text, "KL-2026-0001") {
		t.Errorf("the override's own text is gone:\n%s", conf.Text)
	}
}

// TestComplainantAuthenticatedByOurServer: with authentication = "authserv", a complaint is
// authenticated by our own server's Authentication-Results on top of the trace (dmarc=pass,
// or an aligned dkim=pass) and then gets its words back; the same header forged below our
// server's Received line, or one of a foreign server, or a dkim=pass of another domain, does not.
func TestComplainantAuthenticatedByOurServer(t *testing.T) {
	keys := newDKIMKeys(t, janDomain)
	tests := []struct {
		name, prefix, extra string
		sign, words         bool // sign: carry the DKIM-Signature that our server's dkim=pass is about
	}{
		{name: "dmarc=pass of our server", prefix: ourAR + "; dmarc=pass header.from=example.nl\r\n" + ourReceived, words: true},
		{name: "aligned dkim=pass of our server", prefix: ourAR + "; dkim=pass header.d=example.nl\r\n" + ourReceived, sign: true, words: true},
		{name: "dkim=pass of another domain", prefix: ourAR + "; dkim=pass header.d=evil.example\r\n" + ourReceived},
		{name: "forged below our Received", prefix: ourReceived + ourAR + "; dmarc=pass header.from=example.nl\r\n" + evilReceived},
		{name: "foreign server", extra: "Authentication-Results: mx.evil.example; dmarc=pass header.from=example.nl"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newCaseEnv(t, func(c *config.Config) {
				c.Staff.Authentication, c.Staff.AuthservID = config.AuthenticationAuthserv, "mx.intervisie-begeleiding.nl"
			}, keys.lookup)
			var extra []string
			if tc.extra != "" {
				extra = append(extra, tc.extra)
			}
			raw := rawMail("Jan de Vries <"+janAddr+">", orgAddr, "Klacht", "as-1@example.nl", e.clock.Now(),
				"Omschrijving van de klacht: de training begon een uur te laat.\n", extra...)
			if tc.sign {
				raw = keys.sign(t, raw, janDomain)
			}
			raw = append([]byte(tc.prefix), raw...)
			e.feed.feed(t, raw)
			e.advance(time.Second)
			conf := onlyOne(t, e.send(), tmplConfirmation)
			got := strings.Contains(conf.Text, "een uur te laat") && strings.Contains(conf.Text, "Beste Jan de Vries")
			if got != tc.words {
				t.Errorf("confirmation repeats the words: %v, want %v:\n%s", got, tc.words, conf.Text)
			}
			if c := e.caseOf("KL-2026-0001"); c.Unverified == tc.words {
				t.Errorf("case unverified %v, want %v", c.Unverified, !tc.words)
			}
		})
	}
}

// TestWebFormAddressIsNotAuthenticated: the organisation's own web form is authenticated, but
// the address in its Reply-To is whatever the visitor typed: the confirmation goes there
// without the visitor's words, even with authentication = "none".
func TestWebFormAddressIsNotAuthenticated(t *testing.T) {
	e := newCaseEnv(t, func(c *config.Config) { c.Complaints.FormSenders = []string{"formulier@intervisie-begeleiding.nl"} }, nil)
	e.feed.feed(t, rawMail("Website <formulier@intervisie-begeleiding.nl>", orgAddr, "Klachtformulier", "wf-1@intervisie-begeleiding.nl",
		e.clock.Now(), forgedBody, "Reply-To: Koop Nu <buyer@spam.example>"))
	conf := onlyOne(t, to(e.send(), "buyer@spam.example"), tmplConfirmation)
	leaksWords(t, conf)
	if c := e.caseOf("KL-2026-0001"); !c.Unverified {
		t.Errorf("the web form's typed address counts as authenticated")
	}
}
