package e2e

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"mime"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// badMail is one hostile or broken message, each from its own address.
type badMail struct {
	name, from string
	raw        []byte
}

func header(from, subject, extra string) string {
	return "From: " + from + "\r\nTo: " + orgAddress + "\r\nSubject: " + subject +
		"\r\nDate: Thu, 26 Nov 2026 10:00:00 +0100\r\nMessage-ID: <" + fmt.Sprint(time.Now().UnixNano()) +
		"@bad.example.nl>\r\nMIME-Version: 1.0\r\n" + extra
}

const complaintText = "Ik wil een klacht indienen over de training van vorige week; de trainer was niet voorbereid.\r\n"

func badMails() []badMail {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	nested := "Content-Type: text/plain; charset=utf-8\r\n\r\n" + complaintText
	for i := 0; i < 10; i++ {
		nested = "Content-Type: message/rfc822\r\n\r\n" +
			"From: laag" + fmt.Sprint(i) + "@example.nl\r\nSubject: Fwd: klacht\r\nMIME-Version: 1.0\r\n" + nested
	}
	big := strings.Repeat("Dit is een lange klacht over de training. ", 2500) // ~105 KB
	return []badMail{
		{"truncated MIME", "afgekapt@example.nl", []byte(header("Afgekapt <afgekapt@example.nl>", "Klacht",
			"Content-Type: multipart/mixed; boundary=\"grens\"\r\n\r\n--grens\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
				complaintText+"--grens\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJcfs"))},
		{"missing boundary", "grens@example.nl", []byte(header("Zonder Grens <grens@example.nl>", "Klacht over de cursus",
			"Content-Type: multipart/mixed\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\n"+complaintText+"--x--\r\n"))},
		{"unknown charset", "charset@example.nl", []byte(header("Tekenset <charset@example.nl>", "Klacht",
			"Content-Type: text/plain; charset=x-klingon-42\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"+complaintText+"\xff\xfe\r\n"))},
		{"8-bit header", "achtbit@example.nl", []byte(header("J\xe9r\xf4me \xff\x80 <achtbit@example.nl>", "Klacht \xff\xfe\x80 over de training",
			"Content-Type: text/plain; charset=utf-8\r\n\r\n"+complaintText))},
		{"CRLF injection", "inject@example.nl", []byte(header(
			"=?UTF-8?B?"+b64("Evil\r\nBcc: evil-from@attacker.example\r\nX-Injected: from")+"?= <inject@example.nl>",
			"=?UTF-8?B?"+b64("Klacht\r\nBcc: evil-subject@attacker.example\r\nX-Injected: subject")+"?=",
			"Content-Type: text/plain; charset=utf-8\r\n\r\n"+complaintText))},
		{"10 levels of message/rfc822", "genest@example.nl", []byte(header("Genest <genest@example.nl>", "Klacht (doorgestuurd)",
			"Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nZie bijlage: een klacht.\r\n--b\r\n"+
				nested+"\r\n--b--\r\n"))},
		{"over max_size", "groot@example.nl", []byte(header("Groot <groot@example.nl>", "Klacht",
			"Content-Type: text/plain; charset=utf-8\r\n\r\n"+complaintText+big+"\r\n"))},
	}
}

func TestBadInput(t *testing.T) {
	e := newEnv(t, options{maxSize: "64KB"})
	p := e.startFresh()
	good := []complaint{newComplaint("goed", 1), newComplaint("goed", 2)}
	bad := badMails()
	uids := map[string]uint32{}
	e.dv.Append(t, "INBOX", good[0].raw())
	for _, b := range bad {
		uids[b.name] = e.dv.Append(t, "INBOX", b.raw)
	}
	e.dv.Append(t, "INBOX", good[1].raw())

	if _, ok := waitSink(t, e.sink, 20*time.Second, func(m []mailtest.Received) bool {
		n := countTo(m)
		return n[good[0].Email] >= 1 && n[good[1].Email] >= 1
	}); !ok {
		t.Fatalf("the good complaints were not confirmed within 20s")
	}
	time.Sleep(settle) // let the bad mail be handled too
	if !p.running() {
		t.Fatalf("klachtd exited: %v", p.err)
	}
	all := parseSent(t, e.sink.Messages())
	cases := map[string]caseView{}
	for _, v := range e.cases() {
		cases[strings.ToLower(v.Complainant.Email)] = v
	}
	for _, v := range cases {
		if strings.ContainsAny(v.Complainant.Name, "\r\n") || strings.ContainsAny(v.Complainant.Email, "\r\n \"<>") {
			t.Errorf("%s: complainant %q <%q> keeps line breaks or address syntax", v.ID, v.Complainant.Name, v.Complainant.Email)
		}
	}
	for _, g := range good {
		if v, ok := cases[g.Email]; !ok || v.Status != "bevestigd" {
			t.Errorf("good complaint %s: case %+v, want bevestigd", g.Email, v)
		}
	}

	// Every bad mail is registered as a case, or quarantined with a notice to staff naming its UID.
	staffText := ""
	for _, m := range to(all, staffAddress) {
		staffText += bodyText(t, m.Raw) + "\n"
	}
	for _, b := range bad {
		v, registered := cases[b.from]
		quarantined := strings.Contains(staffText, fmt.Sprintf("uid %d ", uids[b.name]))
		switch {
		case registered && quarantined:
			t.Errorf("%s: both registered (%s) and quarantined", b.name, v.ID)
		case registered:
			t.Logf("%s: registered as %s (%s)", b.name, v.ID, v.Status)
		case quarantined:
			t.Logf("%s: quarantined, staff told", b.name)
		default:
			t.Errorf("%s (uid %d): neither registered nor quarantined with a staff notice", b.name, uids[b.name])
		}
	}
	if v, ok := cases["groot@example.nl"]; ok {
		notice := ""
		for _, m := range to(all, staffAddress) {
			if strings.Contains(decodedSubject(t, m.Header), v.ID) {
				notice += bodyText(t, m.Raw)
			}
		}
		if !containsAny(notice, "te groot", "groter dan", "too large", "larger than") {
			t.Errorf("the oversized complaint %s was registered but no staff notice on it says it is too large", v.ID)
		}
	}

	// No outgoing mail carries an injected header or recipient.
	allowed := map[string]bool{staffAddress: true}
	for _, g := range good {
		allowed[g.Email] = true
	}
	for _, b := range bad {
		allowed[b.from] = true
	}
	for i, m := range all {
		for _, r := range m.To {
			if !allowed[strings.ToLower(r)] {
				t.Errorf("sink message %d went to %q, not a complainant or staff", i, r)
			}
		}
		for _, k := range []string{"Bcc", "X-Injected"} {
			if v := m.Header[k]; v != nil {
				t.Errorf("sink message %d (to %v) has an injected %s header %q", i, m.To, k, v)
			}
		}
		rcpt := map[string]bool{}
		for _, k := range []string{"To", "Cc"} {
			list, _ := m.Header.AddressList(k)
			for _, a := range list {
				rcpt[strings.ToLower(a.Address)] = true
			}
		}
		for _, r := range m.To {
			if !rcpt[strings.ToLower(r)] {
				t.Errorf("sink message %d: envelope recipient %s not in To/Cc %v", i, r, rcpt)
			}
		}
		if len(rcpt) != len(m.To) {
			t.Errorf("sink message %d: header recipients %v, envelope %v: want the same set", i, rcpt, m.To)
		}
	}
}

// bodyText is the decoded text of a message's text/plain part (or the raw body).
func bodyText(t testing.TB, raw []byte) string {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return string(raw)
	}
	_, params, _ := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	body := new(bytes.Buffer)
	_, _ = body.ReadFrom(msg.Body)
	if params["boundary"] == "" {
		return decodeQP(body.String())
	}
	return decodeQP(string(raw))
}

// decodeQP undoes quoted-printable soft line breaks and =XX escapes well enough to search text.
func decodeQP(s string) string {
	s = strings.ReplaceAll(s, "=\r\n", "")
	s = strings.ReplaceAll(s, "=3D", "=")
	return s
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
