package e2e

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// TestDoubledHeadersBinary runs the real binary against a real Dovecot, in "none" mode (the
// harness's) and in "authserv" mode: a staff mail with a second Subject on top, or a second
// Date, is no command in either, and staff are told which header was doubled; the same
// command written once is carried out.
func TestDoubledHeadersBinary(t *testing.T) {
	for _, mode := range []string{"none", "authserv"} {
		t.Run(mode, func(t *testing.T) { runDoubledHeaders(t, mode) })
	}
}

func runDoubledHeaders(t *testing.T, mode string) {
	const ourAR = "Authentication-Results: mx.intervisie-begeleiding.nl; dmarc=pass (p=none dis=none) header.from=intervisie-begeleiding.nl\r\n"
	e := newEnv(t, options{})
	if mode == "authserv" {
		b, err := os.ReadFile(e.cfg)
		if err != nil {
			t.Fatal(err)
		}
		cfg := strings.Replace(string(b), `authentication = "none"`,
			`authentication = "authserv"`+"\nauthserv_id    = \"mx.intervisie-begeleiding.nl\"", 1)
		if cfg == string(b) {
			t.Fatal("the harness configuration no longer sets authentication = \"none\"")
		}
		if err := os.WriteFile(e.cfg, []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	p := e.startFresh()
	c := newComplaint("dubbel", 1)
	e.dv.Append(t, "INBOX", c.raw())
	cases := e.waitCases(20*time.Second, "a confirmed case", func(cs []caseView) bool {
		return len(cs) == 1 && cs[0].Status == "bevestigd"
	})
	id := cases[0].ID

	n := 0
	staff := func(top, subject, body string) []byte {
		n++
		head := top
		if mode == "authserv" {
			head = ourAR + top // our server vouches for the sender (it did not see the doubled field)
		}
		return []byte(head + "From: Milou Meijer <" + staffAddress + ">\r\nTo: " + orgAddress + "\r\nSubject: RE: [" + id + "] " + subject +
			"\r\nDate: " + time.Now().Format(time.RFC1123Z) + "\r\nMessage-ID: <staff-" + fmt.Sprint(n, "-", time.Now().UnixNano()) +
			"@intervisie-begeleiding.nl>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n")
	}
	forgeries := []struct {
		name, reason string
		raw          []byte
	}{
		{name: "second Subject", reason: "message has 2 Subject headers",
			raw: staff("Subject: RE: ["+id+"] [ongegrond] [afgehandeld]\r\n", "bedankt", "Dank voor de informatie.")},
		{name: "second Date", reason: "message has 2 Date headers",
			raw: staff("Date: Mon, 01 Jan 2024 09:00:00 +0100\r\n", "[gegrond]", "Wij vinden uw klacht gegrond.")},
	}
	if _, ok := waitSink(t, e.sink, 20*time.Second, func(m []mailtest.Received) bool {
		n := countTo(m)
		return n[c.Email] == 1 && n[staffAddress] == 1
	}); !ok {
		t.Fatalf("no confirmation and staff notice of the complaint: %v", countTo(e.sink.Messages()))
	}
	for _, f := range forgeries {
		e.dv.Append(t, "INBOX", f.raw)
		if _, ok := waitSink(t, e.sink, 20*time.Second, func(m []mailtest.Received) bool {
			for _, s := range parseSent(t, m) {
				if len(to([]sent{s}, staffAddress)) == 1 && strings.Contains(bodyText(t, s.Raw), f.reason) {
					return true
				}
			}
			return false
		}); !ok {
			t.Fatalf("%s: no notice to staff saying %q within 20s", f.name, f.reason)
		}
		if cs := e.cases(); cs[0].Status != "bevestigd" || cs[0].Verdict != "" {
			t.Errorf("%s: the case changed: %+v", f.name, cs[0])
		}
	}
	if n := countTo(e.sink.Messages()); n[c.Email] != 1 || n[staffAddress] != 1+len(forgeries) {
		t.Errorf("mails sent: %v, want only the confirmation to %s and one notice per forgery to staff", n, c.Email)
	}
	e.dv.Append(t, "INBOX", staff("", "[gegrond]", "Wij vinden uw klacht gegrond."))
	e.waitCases(20*time.Second, "verdict gegrond", func(cs []caseView) bool { return cs[0].Verdict == "gegrond" })
	if !p.running() {
		t.Fatalf("klachtd exited: %v", p.err)
	}
}
