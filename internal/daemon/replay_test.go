package daemon

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/config"
)

// signHeaders signs raw as domain over the given header fields only.
func (k *dkimKeys) signHeaders(t testing.TB, raw []byte, domain string, fields ...string) []byte {
	t.Helper()
	var out bytes.Buffer
	opts := &dkim.SignOptions{Domain: domain, Selector: "sel", Signer: k.signers[domain], HeaderKeys: fields}
	if err := dkim.Sign(&out, bytes.NewReader(raw), opts); err != nil {
		t.Fatalf("sign as %s: %v", domain, err)
	}
	return out.Bytes()
}

func countEvents(t *testing.T, e *caseEnv, id string) map[string]int {
	t.Helper()
	n := map[string]int{}
	for _, ev := range timeline(t, e.st, id) {
		n[ev.Kind]++
	}
	return n
}

// TestReplayUnderNewMessageID: a captured signed command whose signature does not cover the
// Message-ID (or the Date) is re-sent with those changed; it is not carried out again. A new
// command with the same words is.
func TestReplayUnderNewMessageID(t *testing.T) {
	keys := newDKIMKeys(t, staffDomain)
	const body = "Wij hebben meer tijd nodig.\n"
	tests := []struct {
		name   string
		fields []string // signed header fields
		replay func(cmd []byte, id string, at time.Time) []byte
	}{
		{name: "h= omits Message-ID", fields: []string{"From", "To", "Subject", "Date"},
			replay: func(cmd []byte, _ string, _ time.Time) []byte {
				return bytes.Replace(cmd, []byte("<cmd-1@intervisie-begeleiding.nl>"), []byte("<replay-1@evil.example>"), 1)
			}},
		{name: "h= omits Message-ID and Date, both changed", fields: []string{"From", "To", "Subject"},
			replay: func(cmd []byte, _ string, at time.Time) []byte {
				out := bytes.Replace(cmd, []byte("<cmd-1@intervisie-begeleiding.nl>"), []byte("<replay-2@evil.example>"), 1)
				old := []byte("Date: " + at.Format(time.RFC1123Z))
				return bytes.Replace(out, old, []byte("Date: "+at.Add(time.Hour).Format(time.RFC1123Z)), 1)
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newCaseEnv(t, func(c *config.Config) { c.Staff.Authentication = config.AuthenticationDKIM }, keys.lookup)
			id, _ := e.complaint("Jan de Vries", janAddr, "complaint-rp@example.nl", "Ik heb een klacht over de training.\n")
			due := e.caseOf(id).DueAt
			e.advance(time.Minute)
			at := e.clock.Now()
			cmd := keys.signHeaders(t, staffMail(id, "[verlenging 2w]", "cmd-1@intervisie-begeleiding.nl", at, body), staffDomain, tc.fields...)
			e.feed.feed(t, cmd)
			first := e.caseOf(id)
			if want := due.Add(14 * 24 * time.Hour); !first.DueAt.Equal(want) {
				t.Fatalf("first delivery: due %s, want %s", first.DueAt, want)
			}
			onlyOne(t, e.send(), "commando-ok")

			e.advance(time.Hour)
			replay := tc.replay(cmd, id, at)
			if bytes.Equal(replay, cmd) {
				t.Fatal("the replay is the same message")
			}
			e.feed.feed(t, replay)
			after := e.caseOf(id)
			if !after.DueAt.Equal(first.DueAt) || after.Status != first.Status {
				t.Errorf("replay changed the case: due %s→%s, status %s→%s", first.DueAt, after.DueAt, first.Status, after.Status)
			}
			if mails := e.send(); len(mails) != 0 {
				t.Errorf("replay caused %d mails, want none (first %s)", len(mails), mails[0].Template)
			}
			if n := countEvents(t, e, id); n["extension"] != 1 || n["duplicate-command"] != 1 {
				t.Errorf("timeline: %d extension and %d duplicate-command events, want 1 and 1", n["extension"], n["duplicate-command"])
			}

			// Control: a new command with the same words, sent later, is carried out.
			e.advance(time.Hour)
			again := keys.signHeaders(t, staffMail(id, "[intern]", "cmd-2@intervisie-begeleiding.nl", e.clock.Now(), body), staffDomain, tc.fields...)
			e.feed.feed(t, again)
			onlyOne(t, e.send(), "commando-ok")
			if n := countEvents(t, e, id); n["note"] != 1 || n["duplicate-command"] != 1 {
				t.Errorf("new command: %d note and %d duplicate-command events, want 1 and 1", n["note"], n["duplicate-command"])
			}
		})
	}
}

// TestCommandWithoutMessageID: a mail without a Message-ID is still processed (a staff command
// too), and a copy of it is still told apart by its content: carried out once.
func TestCommandWithoutMessageID(t *testing.T) {
	keys := newDKIMKeys(t, staffDomain)
	e := newCaseEnv(t, func(c *config.Config) { c.Staff.Authentication = config.AuthenticationDKIM }, keys.lookup)
	id, _ := e.complaint("Jan de Vries", janAddr, "complaint-nm@example.nl", "Ik heb een klacht over de training.\n")
	e.advance(time.Minute)
	raw := staffMail(id, "[gegrond]", "gone@intervisie-begeleiding.nl", e.clock.Now(), "Wij vinden uw klacht gegrond.\n")
	raw = bytes.Replace(raw, []byte("Message-ID: <gone@intervisie-begeleiding.nl>\r\n"), nil, 1)
	if bytes.Contains(raw, []byte("Message-ID")) {
		t.Fatal("test mail still has a Message-ID")
	}
	signed := keys.sign(t, raw, staffDomain)
	e.feed.feed(t, signed)
	if c := e.caseOf(id); c.Verdict != complaint.VerdictGegrond {
		t.Fatalf("a command without Message-ID was not carried out: verdict %q", c.Verdict)
	}
	mails := e.send()
	onlyOne(t, to(mails, janAddr), "uitkomst-gegrond")
	// The same mail again, with one more Received line (other bytes, same content): refused.
	e.advance(time.Minute)
	e.feed.feed(t, append([]byte("Received: from relay.example by mx.example; Thu, 26 Nov 2026 10:00:00 +0000\r\n"), signed...))
	if again := e.send(); len(again) != 0 {
		t.Errorf("the copy caused %d mail(s), first %q", len(again), again[0].Template)
	}
	if n := countEvents(t, e, id); n["verdict"] != 1 || n["duplicate-command"] != 1 {
		t.Errorf("timeline: %v, want one verdict and one duplicate-command", n)
	}
}

// forwardMail is a staff [nieuw] that forwards Jan's complaint as an attached message.
func forwardMail(msgID string, at time.Time, originalID string) []byte {
	var b bytes.Buffer
	b.WriteString("From: Milou Meijer <" + staffAddr + ">\r\nTo: " + orgAddr + "\r\n")
	b.WriteString("Subject: [nieuw] Klacht van Jan de Vries\r\nDate: " + at.Format(time.RFC1123Z) + "\r\n")
	b.WriteString("Message-ID: <" + msgID + ">\r\nMIME-Version: 1.0\r\n")
	b.WriteString("Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n")
	b.WriteString("--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nTelefonisch doorgegeven, graag registreren.\r\n")
	b.WriteString("--b1\r\nContent-Type: message/rfc822\r\n\r\n")
	b.Write(rawMail("Jan de Vries <"+janAddr+">", "milou@intervisie-begeleiding.nl", "Klacht", originalID,
		at.Add(-time.Hour), "Ik heb een klacht over de training van vorige week.\n"))
	b.WriteString("\r\n--b1--\r\n")
	return b.Bytes()
}

// TestStaffNewTwice: a [nieuw] delivered again (with one more header, so other bytes), or the
// same original forwarded again in a new mail, registers no second case; the sender is told
// which case it became.
func TestStaffNewTwice(t *testing.T) {
	keys := newDKIMKeys(t, staffDomain)
	tests := []struct {
		name   string
		second func(first []byte, at time.Time) []byte
	}{
		{name: "same mail with an extra header", second: func(first []byte, _ time.Time) []byte {
			return append([]byte("Received: from mx2.example by mx.intervisie-begeleiding.nl; Thu, 26 Nov 2026 10:02:00 +0000\r\n"), first...)
		}},
		{name: "same original in a new forward", second: func(_ []byte, at time.Time) []byte {
			return keys.sign(t, forwardMail("fwd-2@intervisie-begeleiding.nl", at.Add(time.Hour), "orig-1@example.nl"), staffDomain)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newCaseEnv(t, func(c *config.Config) { c.Staff.Authentication = config.AuthenticationDKIM }, keys.lookup)
			at := e.clock.Now()
			first := keys.sign(t, forwardMail("fwd-1@intervisie-begeleiding.nl", at, "orig-1@example.nl"), staffDomain)
			e.feed.feed(t, first)
			cases, err := e.st.Cases(t.Context(), "")
			if err != nil || len(cases) != 1 {
				t.Fatalf("first [nieuw]: %d cases (err %v), want 1", len(cases), err)
			}
			id := cases[0].ID
			if c := e.caseOf(id); c.Email != janAddr {
				t.Fatalf("registered for %q, want %s", c.Email, janAddr)
			}
			onlyOne(t, e.send(), "bevestiging")

			e.advance(time.Hour)
			e.feed.feed(t, tc.second(first, at))
			cases, err = e.st.Cases(t.Context(), "")
			if err != nil || len(cases) != 1 {
				t.Fatalf("second [nieuw]: %d cases (err %v), want 1", len(cases), err)
			}
			mails := e.send()
			if len(withTemplate(mails, "bevestiging")) != 0 || len(to(mails, janAddr)) != 0 {
				t.Errorf("second [nieuw] wrote to the complainant")
			}
			m := onlyOne(t, mails, "commando-fout")
			if !strings.Contains(m.Text, "al eerder geregistreerd als klacht "+id) || len(m.To) != 1 || m.To[0] != staffAddr {
				t.Errorf("commando-fout to %v does not name %s:\n%s", m.To, id, m.Text)
			}
			if n := countEvents(t, e, id); n["duplicate-command"] != 1 || n["registered"] != 1 {
				t.Errorf("timeline: %v, want one registered and one duplicate-command", n)
			}
		})
	}
}
