package staffauth

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/groeimeesters/klachtd/internal/mailparse"
)

// keys holds test signing keys and serves their TXT records, as DNS would.
type keys struct {
	signers map[string]crypto.Signer // by domain, selector "sel"
	records map[string]string        // by "sel._domainkey.<domain>"
}

func newKeys(t testing.TB, domains ...string) *keys {
	t.Helper()
	k := &keys{signers: map[string]crypto.Signer{}, records: map[string]string{}}
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

// addRSA adds an RSA key for domain, for the classic signature algorithm.
func (k *keys) addRSA(t *testing.T, domain string) {
	t.Helper()
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	k.signers[domain] = priv
	k.records["sel._domainkey."+domain] = "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(der)
}

func (k *keys) lookup(_ context.Context, name string) ([]string, error) {
	if r, ok := k.records[name]; ok {
		return []string{r}, nil
	}
	return nil, errors.New("no such host")
}

// compose builds a mail from header lines and a body.
func compose(headers []string, body string) []byte {
	return []byte(strings.Join(headers, "\r\n") + "\r\n\r\n" + strings.ReplaceAll(body, "\n", "\r\n"))
}

// sign returns raw with a DKIM-Signature of domain prepended.
func (k *keys) sign(t testing.TB, raw []byte, domain string) []byte {
	t.Helper()
	var out bytes.Buffer
	opts := &dkim.SignOptions{Domain: domain, Selector: "sel", Signer: k.signers[domain],
		HeaderKeys: []string{"From", "To", "Subject", "Date", "Message-ID"}}
	if err := dkim.Sign(&out, bytes.NewReader(raw), opts); err != nil {
		t.Fatalf("sign as %s: %v", domain, err)
	}
	return out.Bytes()
}

// sigField is a DKIM-Signature of groeimeesters.nl as a signer writes it, for the authserv
// cases (our server verified it; Check reads only which fields it covers).
const sigField = "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=groeimeesters.nl; s=sel;\r\n" +
	"\th=From:To:Subject:Date:Message-ID; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\r\n" +
	"\tb=QLq/BkM/c2lnbmF0dXJl"

var staffHeaders = []string{
	"From: Anne de Vries <anne@groeimeesters.nl>",
	"To: klachten@groeimeesters.nl",
	"Subject: Re: [KL-2026-0007] [gegrond] Uw klacht",
	"Date: Tue, 03 Dec 2026 10:12:00 +0100",
	"Message-ID: <abc@groeimeesters.nl>",
}

const staffBody = "Wij passen de planning aan.\n"

func TestCheckDKIM(t *testing.T) {
	k := newKeys(t, "groeimeesters.nl", "evil.example", "example.nl")
	k.addRSA(t, "rsa.groeimeesters.nl")
	plain := compose(staffHeaders, staffBody)
	signed := k.sign(t, plain, "groeimeesters.nl")
	sub := compose(append([]string{"From: Piet <piet@mail.groeimeesters.nl>"}, staffHeaders[1:]...), staffBody)
	lookalike := compose(append([]string{"From: Anne <anne@notgroeimeesters.nl>"}, staffHeaders[1:]...), staffBody)

	tests := []struct {
		name    string
		raw     []byte
		from    string
		domains []string
		lookup  func(context.Context, string) ([]string, error)
		ok      bool
		reason  string // substring of Verdict.Reason
	}{
		{name: "valid signature of the staff domain", raw: signed, from: "anne@groeimeesters.nl", ok: true,
			reason: "valid signature of d=groeimeesters.nl aligned with groeimeesters.nl"},
		{name: "rsa signature", raw: k.sign(t, compose(append([]string{"From: anne@rsa.groeimeesters.nl"}, staffHeaders[1:]...), staffBody), "rsa.groeimeesters.nl"),
			from: "anne@rsa.groeimeesters.nl", ok: true},
		{name: "no signature", raw: plain, from: "anne@groeimeesters.nl", reason: "no DKIM signature"},
		{name: "valid signature of another domain", raw: k.sign(t, plain, "evil.example"), from: "anne@groeimeesters.nl",
			reason: "d=evil.example: valid but not aligned"},
		{name: "body changed after signing", raw: bytes.Replace(signed, []byte("passen de planning aan"), []byte("wijzen de klacht af"), 1),
			from: "anne@groeimeesters.nl", reason: "no valid signature aligned"},
		{name: "subject changed after signing", raw: bytes.Replace(signed, []byte("[gegrond]"), []byte("[ongegrond]"), 1),
			from: "anne@groeimeesters.nl", reason: "no valid signature aligned"},
		{name: "subdomain sender aligns with parent signature", raw: k.sign(t, sub, "groeimeesters.nl"),
			from: "piet@mail.groeimeesters.nl", ok: true},
		{name: "look-alike domain does not align", raw: k.sign(t, lookalike, "groeimeesters.nl"),
			from: "anne@notgroeimeesters.nl", reason: "not aligned"},
		{name: "signing domain outside configured domains", raw: signed, from: "anne@groeimeesters.nl",
			domains: []string{"example.nl"}, reason: "not among the configured domains"},
		{name: "signing domain inside configured domains", raw: signed, from: "anne@groeimeesters.nl",
			domains: []string{"Example.nl", "GroeiMeesters.nl"}, ok: true},
		{name: "key not found", raw: signed, from: "anne@groeimeesters.nl",
			lookup: func(context.Context, string) ([]string, error) { return nil, errors.New("nxdomain") },
			reason: "no valid signature aligned"},
		{name: "key replaced by another key", raw: signed, from: "anne@groeimeesters.nl",
			lookup: func(ctx context.Context, name string) ([]string, error) {
				return k.lookup(ctx, strings.Replace(name, "groeimeesters.nl", "example.nl", 1))
			},
			reason: "no valid signature aligned"},
		{name: "second From header prepended to a signed message",
			raw:  append([]byte("From: Directeur <directeur@groeimeesters.nl>\r\n"), k.sign(t, compose(append([]string{"From: x@evil.example"}, staffHeaders[1:]...), staffBody), "evil.example")...),
			from: "directeur@groeimeesters.nl", reason: "2 From headers"},
		{name: "fromEmail differs from the From header", raw: signed, from: "directeur@example.nl",
			reason: "From header names groeimeesters.nl, not example.nl"},
		{name: "sender without domain", raw: signed, from: "anne", reason: "has no domain"},
		{name: "garbage", raw: []byte("\x00\x01 not a mail"), from: "anne@groeimeesters.nl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lookup := tt.lookup
			if lookup == nil {
				lookup = k.lookup
			}
			p := Policy{Mode: ModeDKIM, Domains: tt.domains}
			v := Check(context.Background(), tt.raw, tt.from, p, lookup)
			if v.OK != tt.ok || v.Method != "dkim" {
				t.Fatalf("Check() = %+v, want OK %v, method dkim", v, tt.ok)
			}
			if !strings.Contains(v.Reason, tt.reason) {
				t.Errorf("reason %q does not contain %q", v.Reason, tt.reason)
			}
		})
	}
}

func TestCheckAuthserv(t *testing.T) {
	const id = "mx.groeimeesters.nl"
	// The staff mail as our server received it: signed (our server verified it and says so
	// in its header; Check does not verify it again in this mode).
	signedHeaders := append([]string{sigField}, staffHeaders...)
	msg := func(ar ...string) []byte {
		h := make([]string, 0, len(ar)+len(signedHeaders))
		for _, a := range ar {
			h = append(h, "Authentication-Results: "+a)
		}
		return compose(append(h, signedHeaders...), staffBody)
	}
	// lines builds a message whose header starts with the given fields, as written.
	lines := func(top ...string) []byte {
		return compose(append(append([]string{}, top...), signedHeaders...), staffBody)
	}
	const (
		ourReceived  = "Received: from mail.evil.example (mail.evil.example [192.0.2.7]) by mx.groeimeesters.nl (Postfix) with ESMTPS id 4Xy; Tue, 03 Dec 2026 10:12:03 +0100"
		evilReceived = "Received: from [10.0.0.2] by mail.evil.example; Tue, 03 Dec 2026 10:12:01 +0100"
		lmtpReceived = "Received: from mx.groeimeesters.nl by imap.groeimeesters.nl with LMTP id 9Ab; Tue, 03 Dec 2026 10:12:04 +0100"
		forgedPass   = "Authentication-Results: " + id + "; dkim=pass header.d=groeimeesters.nl; dmarc=pass header.from=groeimeesters.nl"
	)
	tests := []struct {
		name    string
		raw     []byte
		authID  string
		domains []string
		trusted int // Policy.TrustedReceived
		ok      bool
		reason  string
	}{
		{name: "right id, dkim=pass aligned", raw: msg(id + "; dkim=pass header.d=groeimeesters.nl header.s=sel"), ok: true,
			reason: "authserv: dkim=pass header.d=groeimeesters.nl from mx.groeimeesters.nl"},
		{name: "right id in other case, folded header", raw: msg("MX.Groeimeesters.NL;\r\n\tspf=pass smtp.mailfrom=groeimeesters.nl;\r\n\tdkim=pass (2048-bit key) header.d=groeimeesters.nl"), ok: true},
		{name: "right id, dkim=pass by header.i alone", raw: msg(id + "; dkim=pass header.i=@groeimeesters.nl"),
			reason: "dkim=pass header.i=@groeimeesters.nl: no single header.d (alignment is on header.d, not header.i)"},
		{name: "foreign id, dkim=pass", raw: msg("mx.evil.example; dkim=pass header.d=groeimeesters.nl"),
			reason: `topmost Authentication-Results is from "mx.evil.example"`},
		{name: "right id, dkim=fail", raw: msg(id + "; dkim=fail header.d=groeimeesters.nl"), reason: "no dkim=pass"},
		{name: "right id, dkim=pass of another domain", raw: msg(id + "; dkim=pass header.d=evil.example"), reason: "no dkim=pass"},
		{name: "right id, dkim=pass outside configured domains", raw: msg(id + "; dkim=pass header.d=groeimeesters.nl"),
			domains: []string{"example.nl"}, reason: "no dkim=pass"},
		{name: "dmarc=pass for the From domain", raw: msg(id + "; spf=fail; dmarc=pass header.from=groeimeesters.nl"), ok: true,
			reason: "dmarc=pass header.from=groeimeesters.nl"},
		{name: "dmarc=pass header.from mismatch", raw: msg(id + "; dmarc=pass header.from=evil.example"), reason: "no dkim=pass"},
		{name: "dmarc=pass for a parent domain is not equal", raw: msg(id + "; dmarc=pass header.from=nl"), reason: "no dkim=pass"},
		{name: "result hidden in a comment", raw: msg(id + "; spf=pass (helo x; dkim=pass header.d=groeimeesters.nl ) smtp.mailfrom=x"),
			reason: "no dkim=pass"},
		{name: "our failing header below a foreign one", raw: msg(
			"mx.evil.example; dkim=pass header.d=groeimeesters.nl", id+"; dkim=none"), reason: `is from "mx.evil.example"`},
		{name: "no header at all", raw: msg(), reason: "no Authentication-Results from mx.groeimeesters.nl"},
		{name: "no authserv id configured", raw: msg(id + "; dkim=pass header.d=groeimeesters.nl"), authID: " ",
			reason: "no authserv_id configured"},

		// Headers with our own id written by the sender (RFC 8601 section 5).
		{name: "forged header with our id below the real failing one", raw: lines(
			"Authentication-Results: "+id+"; dkim=none; dmarc=fail header.from=groeimeesters.nl", ourReceived,
			forgedPass, evilReceived), reason: "in the topmost 1 Authentication-Results from mx.groeimeesters.nl"},
		{name: "forged header with our id right under the real one and a foreign one", raw: lines(
			"Authentication-Results: "+id+"; dkim=none", "Authentication-Results: mx.evil.example; none",
			forgedPass), reason: "in the topmost 1 Authentication-Results"},
		{name: "forged header with our id above a Received line, no real header on top", raw: lines(
			ourReceived, forgedPass, evilReceived), reason: "stands below 1 Received field(s), more than the 0"},
		{name: "forged header below our server's Received and an LMTP hop", raw: lines(
			lmtpReceived, ourReceived, forgedPass, evilReceived), trusted: 1, reason: "stands below 2 Received field(s), more than the 1"},
		{name: "control: real header on top, dkim=pass", raw: lines(
			"Authentication-Results: "+id+"; dkim=pass header.d=groeimeesters.nl", ourReceived, evilReceived), ok: true},
		{name: "control: real header below one trusted LMTP hop", raw: lines(
			lmtpReceived, "Authentication-Results: "+id+"; dkim=pass header.d=groeimeesters.nl", ourReceived), trusted: 1, ok: true},
		{name: "control: multi-milter run, the second header passes", raw: lines(
			"Authentication-Results: "+id+"; dmarc=none header.from=groeimeesters.nl",
			"Received-SPF: pass (mx.groeimeesters.nl: domain of groeimeesters.nl designates 192.0.2.1 as permitted sender)",
			"Authentication-Results: "+id+"; dkim=pass header.d=groeimeesters.nl", ourReceived), ok: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			authID := id
			if tt.authID != "" {
				authID = tt.authID
			}
			p := Policy{Mode: ModeAuthserv, AuthservID: authID, Domains: tt.domains, TrustedReceived: tt.trusted}
			v := Check(context.Background(), tt.raw, "anne@groeimeesters.nl", p, nil)
			if v.OK != tt.ok || v.Method != "authserv" || v.Key != "" {
				t.Fatalf("Check() = %+v, want OK %v, method authserv, no key", v, tt.ok)
			}
			if !strings.Contains(v.Reason, tt.reason) {
				t.Errorf("reason %q does not contain %q", v.Reason, tt.reason)
			}
		})
	}
}

// TestDKIMKey: the replay key names the verifying signature, so a copy re-sent under another
// Message-ID (not signed) keeps it, and another command gets another key.
func TestDKIMKey(t *testing.T) {
	k := newKeys(t, "groeimeesters.nl", "evil.example")
	signWithout := func(raw []byte, domain string) []byte {
		var out bytes.Buffer
		opts := &dkim.SignOptions{Domain: domain, Selector: "sel", Signer: k.signers[domain],
			HeaderKeys: []string{"From", "To", "Subject", "Date"}}
		if err := dkim.Sign(&out, bytes.NewReader(raw), opts); err != nil {
			t.Fatal(err)
		}
		return out.Bytes()
	}
	check := func(raw []byte) Verdict {
		return Check(context.Background(), raw, "anne@groeimeesters.nl", Policy{Mode: ModeDKIM}, k.lookup)
	}
	signed := signWithout(compose(staffHeaders, staffBody), "groeimeesters.nl")
	first := check(signed)
	if !first.OK || !strings.HasPrefix(first.Key, "dkim:") || len(first.Key) != len("dkim:")+64 {
		t.Fatalf("Check() = %+v, want OK with a dkim: key of a SHA-256", first)
	}
	other := signWithout(compose(staffHeaders, "Wij wijzen de klacht af.\n"), "groeimeesters.nl")
	// A foreign signature on top: the key is the one of the signature that verifies.
	foreignOnTop := signWithout(signed, "evil.example")
	tests := []struct {
		name string
		raw  []byte
		same bool
	}{
		{name: "new Message-ID", raw: bytes.Replace(signed, []byte("<abc@groeimeesters.nl>"), []byte("<replay@evil.example>"), 1), same: true},
		{name: "extra Received field", raw: append([]byte("Received: from x by y; Tue, 03 Dec 2026 10:13:00 +0100\r\n"), signed...), same: true},
		{name: "foreign signature prepended", raw: foreignOnTop, same: true},
		{name: "another command", raw: other},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := check(tt.raw)
			if !v.OK {
				t.Fatalf("Check() = %+v, want OK", v)
			}
			if (v.Key == first.Key) != tt.same || v.Key == "" {
				t.Errorf("key %q, first %q, want same %v", v.Key, first.Key, tt.same)
			}
		})
	}
}

func TestCheckModes(t *testing.T) {
	raw := compose(staffHeaders, staffBody)
	tests := []struct {
		name   string
		mode   Mode
		ok     bool
		method string
	}{
		{name: "none passes", mode: ModeNone, ok: true, method: "none"},
		{name: "empty mode fails closed", mode: "", method: ""},
		{name: "unknown mode fails closed", mode: "spf", method: "spf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Check(context.Background(), raw, "anne@groeimeesters.nl", Policy{Mode: tt.mode}, nil)
			if v.OK != tt.ok || v.Method != tt.method || v.Reason == "" {
				t.Errorf("Check() = %+v, want OK %v, method %q, a reason", v, tt.ok, tt.method)
			}
		})
	}
}

// FuzzCheck holds Check to properties that hold for any message at all:
//   - with no DKIM key to be had, "dkim" never passes;
//   - "authserv" never passes a message in which our authserv-id does not occur, so no
//     Authentication-Results of another id (or of none) ever passes;
//   - a message with a singleton field doubled passes in no mode, "none" included, nor in
//     "dkim" with the key that signed the seeds, and the reason names the field.
//
// It is seeded with a genuine signed staff mail, which passes with its key, and with the
// forgeries of issues 6 and 8.
func FuzzCheck(f *testing.F) {
	const id = "mx.b.nl"
	k := newKeys(f, "b.nl")
	head := []string{"From: Anne <a@b.nl>", "To: info@b.nl", "Subject: Re: [KL-2026-0008] Uw klacht",
		"Date: Tue, 03 Dec 2026 10:12:00 +0100", "Message-ID: <abc@b.nl>"}
	genuine := k.sign(f, compose(head, staffBody), "b.nl")
	if v := Check(context.Background(), genuine, "a@b.nl", Policy{Mode: ModeDKIM}, k.lookup); !v.OK {
		f.Fatalf("the genuine seed does not pass: %+v", v)
	}
	withAR := func(ar string) []byte { return append([]byte("Authentication-Results: "+ar+"\r\n"), genuine...) }
	seeds := [][]byte{
		genuine,
		append([]byte("Subject: Re: [KL-2026-0008] [ongegrond] [afgehandeld]\r\n"), genuine...),
		k.signKeys(f, compose(head, staffBody), "b.nl", "From", "To", "Date", "Message-ID"),
		withAR(id + "; dkim=pass header.d=b.nl; dmarc=pass header.from=b.nl"),
		withAR(id + `; spf=fail smtp.mailfrom="x;dkim=pass header.d=b.nl x"@evil.example; dkim=none`),
		withAR(id + "; dkim=pass header.d=evil.example header.i=@b.nl"),
		withAR(id + "; dkim=pass header.i=@b.nl"),
		withAR(id + "; dkim=fail header.d=b.nl; dkim=pass header.d=evil.example"),
		withAR("mx.evil.example; dkim=pass header.d=b.nl\r\nAuthentication-Results: " + id + "; dkim=pass header.d=b.nl"),
		withAR("spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=b.nl; dkim=pass (signature was verified) header.d=b.nl;dmarc=pass action=none header.from=b.nl;compauth=pass reason=100"),
		[]byte("DKIM-Signature: v=1; a=ed25519-sha256; d=b.nl; s=s; h=From; bh=; b=\r\nFrom: a@b.nl\r\n\r\n"),
		[]byte("From: a@b.nl\r\nFrom: c@d.nl\r\n\r\n"),
		append([]byte("Subject: x\r\nFrom: a@b.nl\r\n\r\r\n"), genuine...),
	}
	for i, s := range seeds {
		f.Add(s, uint8(i))
	}
	noKey := func(context.Context, string) ([]string, error) { return nil, errors.New("no key") }
	singles := mailparse.SingletonFields()
	f.Fuzz(func(t *testing.T, raw []byte, which uint8) {
		ctx := context.Background()
		if v := Check(ctx, raw, "a@b.nl", Policy{Mode: ModeDKIM}, noKey); v.OK {
			t.Fatalf("dkim passed without any key: %+v", v)
		}
		v := Check(ctx, raw, "a@b.nl", Policy{Mode: ModeAuthserv, AuthservID: id}, nil)
		if v.OK && !bytes.Contains(bytes.ToLower(raw), []byte(id)) {
			t.Fatalf("authserv passed without an Authentication-Results of %s: %+v", id, v)
		}
		field := singles[int(which)%len(singles)]
		doubled := append([]byte(field+": a@b.nl\r\n"+field+": <x@b.nl>\r\n"), raw...)
		for _, p := range []Policy{{Mode: ModeNone}, {Mode: ModeDKIM}, {Mode: ModeAuthserv, AuthservID: id}} {
			v := Check(ctx, doubled, "a@b.nl", p, k.lookup)
			if v.OK || !regexp.MustCompile(`message has (\d+ [A-Za-z-]+(, | and ))*\d+ `+field+`[ ,]`).MatchString(v.Reason) {
				t.Fatalf("%s passed a doubled %s, or does not say so: %+v", p.Mode, field, v)
			}
		}
	})
}
