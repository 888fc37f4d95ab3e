package daemon

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/config"
	"github.com/groeimeesters/klachtd/internal/mailtest"
	"github.com/groeimeesters/klachtd/internal/store"
)

// dkimKeys holds a test signing key per domain and serves their TXT records.
type dkimKeys struct {
	signers map[string]ed25519.PrivateKey
	records map[string]string
}

func newDKIMKeys(t testing.TB, domains ...string) *dkimKeys {
	t.Helper()
	k := &dkimKeys{signers: map[string]ed25519.PrivateKey{}, records: map[string]string{}}
	for _, d := range domains {
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		k.signers[d] = priv
		k.records["sel._domainkey."+d] = "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub)
	}
	return k
}

func (k *dkimKeys) lookup(_ context.Context, name string) ([]string, error) {
	if r, ok := k.records[name]; ok {
		return []string{r}, nil
	}
	return nil, errors.New("no such host")
}

func (k *dkimKeys) sign(t testing.TB, raw []byte, domain string) []byte {
	t.Helper()
	var out bytes.Buffer
	opts := &dkim.SignOptions{Domain: domain, Selector: "sel", Signer: k.signers[domain],
		HeaderKeys: []string{"From", "To", "Subject", "Date", "Message-ID"}}
	if err := dkim.Sign(&out, bytes.NewReader(raw), opts); err != nil {
		t.Fatalf("sign as %s: %v", domain, err)
	}
	return out.Bytes()
}

// caseEnv is a daemon driven by hand: Handle with synthetic fetches, a fake clock and a fake
// SMTP server that sends whatever is due.
type caseEnv struct {
	t     *testing.T
	d     *Daemon
	st    *store.Store
	cfg   *config.Config
	clock *mailtest.Clock
	feed  *feeder
	root  string
}

func newCaseEnv(t *testing.T, tweak func(*config.Config), lookup func(context.Context, string) ([]string, error)) *caseEnv {
	t.Helper()
	cfg := testConfig(t, "", "", "", 0)
	if tweak != nil {
		tweak(cfg)
		if err := cfg.Validate(); err != nil {
			t.Fatalf("test configuration: %v", err)
		}
	}
	clock := mailtest.NewClock(time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC))
	d, st := newTestDaemon(t, cfg, clock, lookup)
	return &caseEnv{t: t, d: d, st: st, cfg: cfg, clock: clock, feed: &feeder{d: d}}
}

func (e *caseEnv) advance(d time.Duration) time.Time {
	now := e.clock.Now().Add(d)
	e.clock.Set(now)
	return now
}

// send delivers everything due now.
func (e *caseEnv) send() []*outMsg { return sendAll(e.t, e.d, e.clock.Now()) }

// complaint registers a complaint from addr with body, confirms it and returns the case id and
// the mails that went out.
func (e *caseEnv) complaint(name, addr, msgID, body string) (string, []*outMsg) {
	e.t.Helper()
	e.feed.feed(e.t, rawMail(name+" <"+addr+">", orgAddr, "Klacht", msgID, e.clock.Now(), body))
	cases, err := e.st.Cases(context.Background(), "")
	if err != nil || len(cases) == 0 {
		e.t.Fatalf("no case registered (err %v)", err)
	}
	id := ""
	for _, c := range cases {
		if c.ID > id {
			id = c.ID
		}
	}
	e.root = msgID
	e.advance(time.Second)
	return id, e.send()
}

func (e *caseEnv) caseOf(id string) complaint.Case {
	e.t.Helper()
	c, _, err := e.st.Case(context.Background(), id)
	if err != nil {
		e.t.Fatalf("case %s: %v", id, err)
	}
	return c
}

// staffMail is a staff member's new mail about a case (no reply prefix: with a signer that
// leaves In-Reply-To out, a "RE:" without In-Reply-To answers a mail klachtd cannot know).
func staffMail(id, subject, msgID string, at time.Time, body string, extra ...string) []byte {
	return rawMail("Milou Meijer <"+staffAddr+">", orgAddr, "["+id+"] "+subject, msgID, at, body, extra...)
}

// Trace fields for the authserv cases: our server's Authentication-Results and Received, and
// what a sender writes below them.
const (
	ourAR        = "Authentication-Results: mx.intervisie-begeleiding.nl"
	ourReceived  = "Received: from mail.evil.example (mail.evil.example [192.0.2.7]) by mx.intervisie-begeleiding.nl (Postfix) with ESMTPS id 4Xy; Thu, 26 Nov 2026 09:01:00 +0000\r\n"
	evilReceived = "Received: from [10.0.0.2] by mail.evil.example; Thu, 26 Nov 2026 09:00:58 +0000\r\n"
	forgedOurAR  = ourAR + "; dkim=pass header.d=intervisie-begeleiding.nl; dmarc=pass header.from=intervisie-begeleiding.nl"
)

// TestForgeryMatrix: commands that are not authenticated, or not from staff, change nothing;
// each lands in the timeline and staff are told. A valid signed staff command is the control.
func TestForgeryMatrix(t *testing.T) {
	keys := newDKIMKeys(t, staffDomain, "evil.example", "example.nl")
	const verdictBody = "Wij vinden uw klacht gegrond.\n"
	tests := []struct {
		name    string
		mode    string
		mail    func(id string, at time.Time) []byte
		from    string // who the timeline event and the staff notice name
		event   string // the timeline event it leaves
		applied bool   // the control: the command is carried out
	}{
		{name: "staff From without signature", mode: config.AuthenticationDKIM, from: staffAddr, event: "forged-command",
			mail: func(id string, at time.Time) []byte {
				return staffMail(id, "[gegrond]", "forged-1@evil.example", at, verdictBody)
			}},
		{name: "staff From signed by another domain", mode: config.AuthenticationDKIM, from: staffAddr, event: "forged-command",
			mail: func(id string, at time.Time) []byte {
				return keys.sign(t, staffMail(id, "[gegrond]", "forged-2@evil.example", at, verdictBody), "evil.example")
			}},
		{name: "staff signature broken by an altered subject", mode: config.AuthenticationDKIM, from: staffAddr, event: "forged-command",
			mail: func(id string, at time.Time) []byte {
				raw := keys.sign(t, staffMail(id, "[intern]", "forged-3@intervisie-begeleiding.nl", at, verdictBody), staffDomain)
				return bytes.Replace(raw, []byte("[intern]"), []byte("[gegrond]"), 1)
			}},
		{name: "Authentication-Results of a foreign authserv-id", mode: config.AuthenticationAuthserv, from: staffAddr, event: "forged-command",
			mail: func(id string, at time.Time) []byte {
				return staffMail(id, "[gegrond]", "forged-4@evil.example", at, verdictBody,
					"Authentication-Results: mx.evil.example; dkim=pass header.d=intervisie-begeleiding.nl; dmarc=pass header.from=intervisie-begeleiding.nl")
			}},
		{name: "our authserv-id forged below our real, failing header", mode: config.AuthenticationAuthserv, from: staffAddr, event: "forged-command",
			mail: func(id string, at time.Time) []byte {
				return append([]byte(ourAR+"; dkim=none; dmarc=fail header.from=intervisie-begeleiding.nl\r\n"+ourReceived),
					staffMail(id, "[gegrond]", "forged-5@evil.example", at, verdictBody, forgedOurAR)...)
			}},
		{name: "our authserv-id forged above a Received line, no real header on top", mode: config.AuthenticationAuthserv, from: staffAddr, event: "forged-command",
			mail: func(id string, at time.Time) []byte {
				return append([]byte(ourReceived+forgedOurAR+"\r\n"+evilReceived),
					staffMail(id, "[gegrond]", "forged-6@evil.example", at, verdictBody)...)
			}},
		{name: "complainant with valid DKIM of own domain", mode: config.AuthenticationDKIM, from: janAddr, event: "mail-complainant",
			mail: func(id string, at time.Time) []byte {
				return keys.sign(t, rawMail("Jan de Vries <"+janAddr+">", orgAddr, "RE: ["+id+"] [gegrond] [afgehandeld]",
					"jan-cmd@example.nl", at, verdictBody), "example.nl")
			}},
		{name: "outsider with valid DKIM of own domain", mode: config.AuthenticationDKIM, from: "mallory@evil.example", event: "mail-unverified",
			mail: func(id string, at time.Time) []byte {
				return keys.sign(t, rawMail("Mallory <mallory@evil.example>", orgAddr, "RE: ["+id+"] [gegrond]",
					"mallory-1@evil.example", at, verdictBody), "evil.example")
			}},
		{name: "control: staff command with valid DKIM", mode: config.AuthenticationDKIM, applied: true,
			mail: func(id string, at time.Time) []byte {
				return keys.sign(t, staffMail(id, "[gegrond]", "ok-1@intervisie-begeleiding.nl", at, verdictBody), staffDomain)
			}},
		{name: "control: Authentication-Results of our own server", mode: config.AuthenticationAuthserv, applied: true,
			mail: func(id string, at time.Time) []byte {
				// Signed, as the mail our server verified is: dkim=pass counts only for a
				// DKIM-Signature in the message that covers From and Subject.
				return keys.sign(t, staffMail(id, "[gegrond]", "ok-2@intervisie-begeleiding.nl", at, verdictBody,
					"Authentication-Results: mx.intervisie-begeleiding.nl; dkim=pass header.d=intervisie-begeleiding.nl"), staffDomain)
			}},
		{name: "control: our real header on top of the trace, dkim=pass", mode: config.AuthenticationAuthserv, applied: true,
			mail: func(id string, at time.Time) []byte {
				return append([]byte(ourAR+"; dkim=pass header.d=intervisie-begeleiding.nl\r\n"+ourReceived),
					keys.sign(t, staffMail(id, "[gegrond]", "ok-3@intervisie-begeleiding.nl", at, verdictBody), staffDomain)...)
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newCaseEnv(t, func(c *config.Config) {
				c.Staff.Authentication = tc.mode
				c.Staff.AuthservID = "mx.intervisie-begeleiding.nl"
			}, keys.lookup)
			id, _ := e.complaint("Jan de Vries", janAddr, "complaint-f@example.nl", "Ik heb een klacht over de training.\n")
			before := e.caseOf(id)
			evBefore := len(timeline(t, e.st, id))
			e.advance(time.Minute)
			e.feed.feed(t, tc.mail(id, e.clock.Now()))
			after := e.caseOf(id)
			mails := e.send()
			if tc.applied {
				if after.Verdict != complaint.VerdictGegrond || after.Status != complaint.StatusBeoordeeld {
					t.Fatalf("control command not applied: status %s, verdict %q", after.Status, after.Verdict)
				}
				checkCaseMail(t, onlyOne(t, mails, "uitkomst-gegrond"), id, e.root, janAddr)
				checkCaseMail(t, onlyOne(t, mails, "commando-ok"), id, e.root, staffAddr)
				return
			}
			if after.Status != before.Status || after.Verdict != before.Verdict || !after.DueAt.Equal(before.DueAt) || after.ClosedAt != before.ClosedAt {
				t.Errorf("case changed: status %s→%s, verdict %q→%q, due %s→%s", before.Status, after.Status,
					before.Verdict, after.Verdict, before.DueAt, after.DueAt)
			}
			ev := timeline(t, e.st, id)
			var found *store.Event
			for i := evBefore; i < len(ev); i++ {
				if ev[i].Kind == tc.event && strings.EqualFold(ev[i].By, tc.from) {
					found = &ev[i]
				}
			}
			if found == nil {
				t.Errorf("no %q event by %s in the timeline: %+v", tc.event, tc.from, ev[evBefore:])
			}
			if len(to(mails, janAddr)) != 0 || len(withTemplate(mails, "commando-ok")) != 0 {
				t.Errorf("a refused command caused mail to the complainant or a commando-ok: %d mails", len(mails))
			}
			n := onlyOne(t, mails, "melding")
			checkCaseMail(t, n, id, e.root, staffAddr)
			if !strings.Contains(n.Text, tc.from) {
				t.Errorf("staff notice does not name %s:\n%s", tc.from, n.Text)
			}
		})
	}
}

// TestForgeryReplay: a validly signed command delivered again (same bytes under another UID,
// or the same Message-ID with other bytes) is carried out once.
func TestForgeryReplay(t *testing.T) {
	keys := newDKIMKeys(t, staffDomain)
	e := newCaseEnv(t, func(c *config.Config) { c.Staff.Authentication = config.AuthenticationDKIM }, keys.lookup)
	id, _ := e.complaint("Jan de Vries", janAddr, "complaint-r@example.nl", "Ik heb een klacht over de training.\n")
	due := e.caseOf(id).DueAt
	e.advance(time.Minute)
	cmd := keys.sign(t, staffMail(id, "[verlenging 2w]", "replay-1@intervisie-begeleiding.nl", e.clock.Now(),
		"Wij hebben meer tijd nodig.\n"), staffDomain)
	e.feed.feed(t, cmd)
	first := e.caseOf(id)
	if want := due.Add(14 * 24 * time.Hour); !first.DueAt.Equal(want) {
		t.Fatalf("first delivery: due %s, want %s", first.DueAt, want)
	}
	mails := e.send()
	onlyOne(t, mails, "verlenging")
	onlyOne(t, mails, "commando-ok")

	e.advance(time.Hour)
	e.feed.feed(t, cmd) // same bytes, next UID
	e.feed.feed(t, append([]byte("Received: from mx2.example by mx.intervisie-begeleiding.nl; Thu, 26 Nov 2026 10:02:00 +0000\r\n"), cmd...))
	after := e.caseOf(id)
	if !after.DueAt.Equal(first.DueAt) || after.Status != first.Status {
		t.Errorf("replay changed the case: due %s→%s, status %s→%s", first.DueAt, after.DueAt, first.Status, after.Status)
	}
	if again := e.send(); len(withTemplate(again, "verlenging"))+len(withTemplate(again, "commando-ok")) != 0 {
		t.Errorf("replay sent mail again: %d mails", len(again))
	}
	count := map[string]int{}
	for _, ev := range timeline(t, e.st, id) {
		count[ev.Kind]++
	}
	// The identical copy is the intake's business (seen before: nothing happens); the copy with
	// other bytes reaches the case and is noted there.
	if count["extension"] != 1 || count["duplicate-command"] != 1 {
		t.Errorf("timeline: %d extension and %d duplicate-command events, want 1 and 1", count["extension"], count["duplicate-command"])
	}
}
