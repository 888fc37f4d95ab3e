package daemon

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/config"
	"github.com/groeimeesters/klachtd/internal/intake"
	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// TestAutoReplyToConfirmation: an out-of-office answer to the confirmation is kept on the
// case and gets no answer (automatic mail never gets an automatic answer).
func TestAutoReplyToConfirmation(t *testing.T) {
	tests := []struct {
		name    string
		subject string
		extra   []string
	}{
		{name: "Auto-Submitted", subject: "RE: [%s] Bevestiging van uw klacht", extra: []string{"Auto-Submitted: auto-replied"}},
		{name: "out-of-office subject only", subject: "Afwezig: [%s] Bevestiging van uw klacht"},
		{name: "X-Autoreply", subject: "Re: [%s] Bevestiging van uw klacht", extra: []string{"X-Autoreply: yes"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newCaseEnv(t, nil, nil)
			id, first := e.complaint("Jan de Vries", janAddr, "complaint-o@example.nl", "Ik heb een klacht over de cursus.\n")
			conf := onlyOne(t, first, "bevestiging")
			before := e.caseOf(id)
			e.advance(time.Minute)
			extra := append([]string{"In-Reply-To: <" + conf.Row.MessageID + ">"}, tc.extra...)
			e.feed.feed(t, rawMail("Jan de Vries <"+janAddr+">", orgAddr, fmt.Sprintf(tc.subject, id), "ooo-1@example.nl",
				e.clock.Now(), "Ik ben tot 1 december afwezig en lees mijn mail niet. Uw bericht over de klacht wordt niet doorgestuurd.\n", extra...))
			if mails := e.send(); len(mails) != 0 {
				t.Errorf("the out-of-office reply caused %d mails (first: %s to %v)", len(mails), mails[0].Template, mails[0].To)
			}
			if after := e.caseOf(id); after.Status != before.Status {
				t.Errorf("status %s → %s", before.Status, after.Status)
			}
			if !hasEvent(timeline(t, e.st, id), "mail-auto") {
				t.Errorf("the automatic reply is not on the timeline")
			}
		})
	}
}

// TestAutoMailIsNoComplaint: automatic mail that mentions a complaint opens no case and is
// left in the mailbox, whatever it says.
func TestAutoMailIsNoComplaint(t *testing.T) {
	tests := []struct {
		name  string
		extra []string
	}{
		{name: "Auto-Submitted auto-replied", extra: []string{"Auto-Submitted: auto-replied"}},
		{name: "Auto-Submitted auto-generated", extra: []string{"Auto-Submitted: auto-generated"}},
		{name: "Precedence bulk", extra: []string{"Precedence: bulk"}},
		{name: "mailing list", extra: []string{"List-Id: <nieuws.example.org>"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newCaseEnv(t, nil, nil)
			disp := e.feed.feed(t, rawMail("Robot <noreply@example.org>", orgAddr, "Uw klacht is ontvangen", "auto-1@example.org",
				e.clock.Now(), "Wij hebben uw klacht ontvangen. Dit is een klachtformulier-bevestiging.\n", tc.extra...))
			if disp != intake.Leave {
				t.Errorf("disposition %v, want Leave", disp)
			}
			if cases, _ := e.st.Cases(context.Background(), ""); len(cases) != 0 {
				t.Errorf("%d cases opened for automatic mail", len(cases))
			}
			if mails := e.send(); len(mails) != 0 {
				t.Errorf("%d mails sent for automatic mail", len(mails))
			}
		})
	}
}

// TestAutoReplyLimit: ten complaints in a day from one address get at most auto_reply_limit
// confirmations; every complaint is still registered and staff hear of each.
func TestAutoReplyLimit(t *testing.T) {
	e := newCaseEnv(t, nil, nil)
	limit := e.cfg.Deadlines.AutoReplyLimit
	var all []*outMsg
	for i := range 10 {
		e.advance(30 * time.Minute)
		e.feed.feed(t, rawMail("Jan de Vries <"+janAddr+">", orgAddr, fmt.Sprintf("Klacht nummer %d", i+1),
			fmt.Sprintf("many-%d@example.nl", i), e.clock.Now(), "Nog een klacht over de cursus.\n"))
		all = append(all, e.send()...)
	}
	if cases, _ := e.st.Cases(context.Background(), ""); len(cases) != 10 {
		t.Errorf("%d cases registered, want 10", len(cases))
	}
	if n := len(withTemplate(all, "bevestiging")); n != limit {
		t.Errorf("%d confirmations, want auto_reply_limit = %d", n, limit)
	}
	news := withTemplate(all, "melding-nieuw")
	if len(news) != 10 {
		t.Fatalf("%d new-complaint notices to staff, want 10", len(news))
	}
	if !strings.Contains(news[9].Text, "auto_reply_limit") {
		t.Errorf("staff are not told why the 10th complaint got no confirmation:\n%s", news[9].Text)
	}
	// A day later the address gets answers again.
	e.advance(25 * time.Hour)
	e.feed.feed(t, rawMail("Jan de Vries <"+janAddr+">", orgAddr, "Klacht de volgende dag", "many-next@example.nl",
		e.clock.Now(), "Weer een klacht.\n"))
	onlyOne(t, e.send(), "bevestiging")
}

// TestInjection: hostile names, subjects and texts come out as data: no header injected into
// the mail the SMTP server receives, template syntax literal, HTML escaped.
func TestInjection(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		texts      []string // must appear literally in the text part
		escaped    []string // must appear in the HTML part
	}{
		{name: "klachtformulier", body: `Naam: Jan {{.Org.Name}} de Vries
Omschrijving van de klacht: Mijn klacht {{.Org}} {{template "signature" .}} <script>alert('x')</script> & meer.
Gevolgen voor u: <b>vet</b>
`, texts: []string{"{{.Org}}", `{{template "signature" .}}`, "<script>alert('x')</script>", "<b>vet</b>", "Jan {{.Org.Name}} de Vries"},
			escaped: []string{"&lt;script&gt;", "{{.Org}}", "&lt;b&gt;vet&lt;/b&gt;"}},
		{name: "free text, name from the From header", body: "Ik heb een klacht: {{.Org}} <script>alert(1)</script>\n",
			texts: []string{"Beste Jan"}, escaped: []string{"Beste Jan"}},
	} {
		t.Run(tc.name, func(t *testing.T) { injection(t, tc.body, tc.texts, tc.escaped) })
	}
}

func injection(t *testing.T, body string, texts, escaped []string) {
	sink := mailtest.StartSMTPSink(t)
	e := newCaseEnv(t, func(c *config.Config) { c.SMTP.Port = sink.Port() }, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.d.sender.Run(ctx) }()
	defer func() { cancel(); <-done }()

	raw := []byte(strings.ReplaceAll(`From: =?utf-8?q?Jan=0D=0ABcc:_evil1@evil.example=0D=0AX-Injected:_1?= <jan.devries@example.nl>
To: info@intervisie-begeleiding.nl
Subject: =?utf-8?q?Klacht=0D=0ABcc:_evil2@evil.example=0D=0AX-Injected:_2?=
Date: Thu, 26 Nov 2026 10:00:00 +0100
Message-ID: <inject-1@example.nl>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

`+body, "\n", "\r\n"))
	e.feed.feed(t, raw)
	id := "KL-2026-0001"
	if _, _, err := e.st.Case(ctx, id); err != nil {
		t.Fatalf("no case: %v", err)
	}
	e.d.sender.Wake()
	got := sink.WaitFor(t, 2, 10*time.Second)
	var conf *outMsg
	for _, r := range got {
		m := parseOut(t, r.Raw)
		for _, rc := range r.To {
			if strings.Contains(strings.ToLower(rc), "evil") {
				t.Errorf("envelope recipient %s injected", rc)
			}
		}
		head := string(r.Raw[:strings.Index(string(r.Raw), "\r\n\r\n")])
		for _, bad := range []string{"\nBcc:", "\nX-Injected:", "\nbcc:"} {
			if strings.Contains(head, bad) {
				t.Errorf("header %q injected:\n%s", bad, head)
			}
		}
		if len(m.Header.Values("Bcc")) > 0 || len(m.Header.Values("X-Injected")) > 0 {
			t.Errorf("parsed header has Bcc/X-Injected")
		}
		if slices.Contains(m.To, janAddr) {
			conf = m
		}
	}
	if conf == nil {
		t.Fatalf("no confirmation to %s among %d mails", janAddr, len(got))
	}
	t.Logf("confirmation To: %q", conf.Header.Get("To"))
	if !strings.HasPrefix(conf.Subject, "["+id+"]") {
		t.Errorf("subject %q", conf.Subject)
	}
	for _, want := range texts {
		if !strings.Contains(conf.Text, want) {
			t.Errorf("text lacks %q literally:\n%s", want, conf.Text)
		}
	}
	for _, bad := range []string{"<script>", "<b>vet"} {
		if strings.Contains(conf.HTML, bad) {
			t.Errorf("HTML carries %q unescaped", bad)
		}
	}
	for _, want := range escaped {
		if !strings.Contains(conf.HTML, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
}
