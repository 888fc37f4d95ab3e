package staffauth

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/groeimeesters/klachtd/internal/mailparse"
)

// signKeys returns raw with a DKIM-Signature of domain over the header fields keys prepended.
func (k *keys) signKeys(t testing.TB, raw []byte, domain string, keys ...string) []byte {
	t.Helper()
	var out bytes.Buffer
	opts := &dkim.SignOptions{Domain: domain, Selector: "sel", Signer: k.signers[domain], HeaderKeys: keys}
	if err := dkim.Sign(&out, bytes.NewReader(raw), opts); err != nil {
		t.Fatalf("sign as %s: %v", domain, err)
	}
	return out.Bytes()
}

// fullStaffHeaders carries every singleton field once, as a staff reply from a client that
// sets them all can.
var fullStaffHeaders = []string{
	"From: Anne de Vries <anne@groeimeesters.nl>",
	"Sender: Anne de Vries <anne@groeimeesters.nl>",
	"Reply-To: anne@groeimeesters.nl",
	"To: klachten@groeimeesters.nl",
	"Cc: directie@groeimeesters.nl",
	"Subject: Re: [KL-2026-0008] Uw klacht",
	"Date: Tue, 03 Dec 2026 10:12:00 +0100",
	"Message-ID: <abc@groeimeesters.nl>",
	"In-Reply-To: <kl-2026-0008@groeimeesters.nl>",
	"References: <kl-2026-0008@groeimeesters.nl>",
}

// forgedCopy is the second copy an attacker puts on top of a genuine mail, per field.
var forgedCopy = map[string]string{
	"From":        "From: Directeur <directeur@groeimeesters.nl>",
	"Sender":      "Sender: directeur@groeimeesters.nl",
	"Reply-To":    "Reply-To: mallory@evil.example",
	"To":          "To: info@groeimeesters.nl",
	"Cc":          "Cc: mallory@evil.example",
	"Subject":     "Subject: Re: [KL-2026-0008] [ongegrond] [afgehandeld]",
	"Date":        "Date: Wed, 04 Dec 2026 09:00:00 +0100",
	"Message-ID":  "Message-ID: <replay-1@evil.example>",
	"In-Reply-To": "In-Reply-To: <kl-2026-0009@groeimeesters.nl>",
	"References":  "References: <kl-2026-0009@groeimeesters.nl>",
}

// TestCheckSingletons: one genuine staff mail, signed and vouched for by our server, passes in
// every mode; with any singleton field doubled on top it fails in every mode, "none"
// included, and the reason names the field. In "dkim" the signature still verifies (the
// verifier checks the bottom copy): only the duplicate refuses it.
func TestCheckSingletons(t *testing.T) {
	k := newKeys(t, "groeimeesters.nl")
	const id = "mx.groeimeesters.nl"
	signed := k.signKeys(t, compose(fullStaffHeaders, staffBody), "groeimeesters.nl",
		"From", "Sender", "Reply-To", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To", "References")
	b := parseSignature(strings.SplitN(string(signed), "\r\n\r\n", 2)[0][len("DKIM-Signature:"):]).b
	ours := "Authentication-Results: " + id + "; dkim=pass header.d=groeimeesters.nl header.s=sel header.b=" + b[:8] +
		"; dmarc=pass header.from=groeimeesters.nl\r\n"
	policies := []Policy{{Mode: ModeNone}, {Mode: ModeDKIM}, {Mode: ModeAuthserv, AuthservID: id}}
	check := func(raw []byte, p Policy) Verdict {
		if p.Mode == ModeAuthserv {
			raw = append([]byte(ours), raw...)
		}
		return Check(context.Background(), raw, "anne@groeimeesters.nl", p, k.lookup)
	}
	for _, p := range policies {
		if v := check(signed, p); !v.OK {
			t.Fatalf("control, %s: Check() = %+v, want OK", p.Mode, v)
		}
	}
	fields := mailparse.SingletonFields()
	if len(fields) != len(forgedCopy) {
		t.Fatalf("SingletonFields() has %d fields, the test knows %d", len(fields), len(forgedCopy))
	}
	for _, field := range fields {
		for _, p := range policies {
			t.Run(field+"/"+string(p.Mode), func(t *testing.T) {
				raw := append([]byte(forgedCopy[field]+"\r\n"), signed...)
				v := check(raw, p)
				want := "message has 2 " + field + " headers where RFC 5322 allows one"
				if v.OK || v.Method != string(p.Mode) || !strings.Contains(v.Reason, want) {
					t.Errorf("Check() = %+v, want a failure saying %q", v, want)
				}
			})
		}
	}
	// The forgery of the issue: the signature verifies, the duplicate alone refuses it.
	forged := append([]byte(forgedCopy["Subject"]+"\r\n"), signed...)
	verifs, err := dkim.VerifyWithOptions(bytes.NewReader(forged), &dkim.VerifyOptions{
		LookupTXT: func(d string) ([]string, error) { return k.lookup(context.Background(), d) }})
	if err != nil || len(verifs) != 1 || verifs[0].Err != nil {
		t.Fatalf("the forged mail's signature should verify (the verifier reads the bottom Subject): %v, %+v", err, verifs)
	}
}

// TestCheckMalformedHeader: a header that readers split differently is no command in any mode.
func TestCheckMalformedHeader(t *testing.T) {
	k := newKeys(t, "groeimeesters.nl")
	signed := k.sign(t, compose(staffHeaders, staffBody), "groeimeesters.nl")
	tests := []struct {
		name   string
		raw    []byte
		reason string
	}{
		// mailparse ends the header at CR CR LF and reads the top Subject and From; go-msgauth
		// reads on into the signed header below.
		{name: "a header section ended early for one reader",
			raw:    append([]byte("Subject: Re: [KL-2026-0007] [ongegrond]\r\nFrom: anne@groeimeesters.nl\r\n\r\r\n"), signed...),
			reason: "2 From and 2 Subject headers"},
		{name: "a first line that only a DKIM verifier reads as a Subject",
			raw: append([]byte(" Subject: x\r\n"), signed...), reason: "the first line starts with white space"},
		{name: "a line without a colon", raw: append([]byte("X-Note\r\n"), signed...), reason: "line 1 has no colon"},
	}
	for _, tt := range tests {
		for _, p := range []Policy{{Mode: ModeNone}, {Mode: ModeDKIM}, {Mode: ModeAuthserv, AuthservID: "mx.groeimeesters.nl"}} {
			t.Run(tt.name+"/"+string(p.Mode), func(t *testing.T) {
				v := Check(context.Background(), tt.raw, "anne@groeimeesters.nl", p, k.lookup)
				if v.OK || !strings.Contains(v.Reason, tt.reason) {
					t.Errorf("Check() = %+v, want a failure saying %q", v, tt.reason)
				}
			})
		}
	}
}

// TestCheckDKIMCoverage: the verifying signature must cover From and Subject.
func TestCheckDKIMCoverage(t *testing.T) {
	k := newKeys(t, "groeimeesters.nl")
	plain := compose(staffHeaders, staffBody)
	noSubject := k.signKeys(t, plain, "groeimeesters.nl", "From", "To", "Date", "Message-ID")
	tests := []struct {
		name   string
		raw    []byte
		ok     bool
		reason string
	}{
		{name: "h= without Subject", raw: noSubject, reason: "d=groeimeesters.nl: valid but h= does not cover Subject"},
		{name: "h= without Subject, the Subject swapped for tags",
			raw:    bytes.Replace(noSubject, []byte("Subject: Re: [KL-2026-0007] [gegrond] Uw klacht"), []byte("Subject: Re: [KL-2026-0007] [ongegrond] [afgehandeld]"), 1),
			reason: "valid but h= does not cover Subject"},
		{name: "h= in other case", raw: k.signKeys(t, plain, "groeimeesters.nl", "from", "SUBJECT"), ok: true},
		{name: "oversigned", raw: k.signKeys(t, plain, "groeimeesters.nl", "From", "From", "Subject", "Subject"), ok: true},
		{name: "a weak signature beside a good one: the good one counts",
			raw: k.sign(t, noSubject, "groeimeesters.nl"), ok: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Check(context.Background(), tt.raw, "anne@groeimeesters.nl", Policy{Mode: ModeDKIM}, k.lookup)
			if v.OK != tt.ok || !strings.Contains(v.Reason, tt.reason) {
				t.Errorf("Check() = %+v, want OK %v and a reason with %q", v, tt.ok, tt.reason)
			}
		})
	}
}
