package staffauth

import (
	"cmp"
	"context"
	"strings"
	"testing"
)

// Trace fields as real setups write them around a staff mail of groeimeesters.nl, whose own
// server is mx.groeimeesters.nl.
const (
	arID = "mx.groeimeesters.nl"
	// Dovecot delivering over LMTP adds its Received on top of everything.
	dovecotLMTP = "Received: from mx.groeimeesters.nl ([192.0.2.1])\r\n\tby imap.groeimeesters.nl with LMTP\r\n\tid 8Ab2CdEfGhIjKl (envelope-from <anne@groeimeesters.nl>)\r\n\tfor <klachten@groeimeesters.nl>; Tue, 03 Dec 2026 10:12:04 +0100"
	// Postfix keeps its own Received above the fields its milters add.
	postfixReceived = "Received: from mail-eu.groeimeesters.nl (mail-eu.groeimeesters.nl [192.0.2.10])\r\n\tby mx.groeimeesters.nl (Postfix) with ESMTPS id 4Xy5Zq1aBcz9;\r\n\tTue, 03 Dec 2026 10:12:03 +0100 (CET)"
	evilReceived    = "Received: from [10.0.0.2] by mail.evil.example; Tue, 03 Dec 2026 10:12:01 +0100"
	// A signature whose h= leaves Subject out, by the same domain and selector.
	sigNoSubject = "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=groeimeesters.nl; s=sel;\r\n" +
		"\th=From:To:Date:Message-ID; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\r\n\tb=Zm9yZ2VkIHNpZ25hdHVyZQ"
)

// TestCheckAuthservFormats: Check on Authentication-Results as Postfix with OpenDKIM and
// OpenDMARC (delivered by Dovecot), rspamd, Gmail and Microsoft 365 write them, and on the
// forgeries a reader that splits on ';' or falls back to header.i lets through.
func TestCheckAuthservFormats(t *testing.T) {
	signed := append([]string{sigField}, staffHeaders...)
	weak := append([]string{sigNoSubject}, staffHeaders...)
	mail := func(body []string, top ...string) []byte {
		return compose(append(append([]string{}, top...), body...), staffBody)
	}
	ar := func(v string) string { return "Authentication-Results: " + v }
	tests := []struct {
		name    string
		raw     []byte
		from    string // default anne@groeimeesters.nl
		id      string // default arID
		hops    int
		domains []string
		ok      bool
		reason  string
	}{
		{name: "Postfix, OpenDMARC and OpenDKIM, delivered by Dovecot LMTP", hops: 2, ok: true,
			reason: "authserv: dmarc=pass header.from=groeimeesters.nl from mx.groeimeesters.nl",
			raw: mail(signed, dovecotLMTP, postfixReceived,
				"DMARC-Filter: OpenDMARC Filter v1.4.2 mx.groeimeesters.nl 4Xy5Zq1aBcz9",
				ar(arID+"; dmarc=pass (p=none dis=none) header.from=groeimeesters.nl"),
				ar(arID+"; spf=pass smtp.mailfrom=groeimeesters.nl"),
				"DKIM-Filter: OpenDKIM Filter v2.11.0 mx.groeimeesters.nl 4Xy5Zq1aBcz9",
				ar(arID+";\r\n\tdkim=pass (2048-bit key; unprotected) header.d=groeimeesters.nl header.i=@groeimeesters.nl header.b=\"QLq/BkM/\"\r\n\t;dkim-atps=neutral"))},
		{name: "OpenDKIM alone, its dkim=pass by header.d and header.b", hops: 1, ok: true,
			reason: "dkim=pass header.d=groeimeesters.nl",
			raw: mail(signed, postfixReceived,
				ar(arID+";\r\n\tdkim=pass (2048-bit key; unprotected) header.d=groeimeesters.nl header.i=@groeimeesters.nl header.b=\"QLq/BkM/\""))},
		{name: "Postfix and Dovecot, but one Received more than configured", hops: 1,
			reason: "stands below 2 Received field(s), more than the 1",
			raw: mail(signed, dovecotLMTP, postfixReceived,
				ar(arID+"; dkim=pass (2048-bit key) header.d=groeimeesters.nl header.b=\"QLq/BkM/\""))},
		{name: "rspamd", ok: true, reason: "dkim=pass header.d=groeimeesters.nl",
			raw: mail(signed, ar(arID+";\r\n\tdkim=pass header.d=groeimeesters.nl header.s=sel header.b=QLq/BkM/;\r\n"+
				"\tspf=pass (mx.groeimeesters.nl: domain of \"anne@groeimeesters.nl\" designates 192.0.2.10 as permitted sender) smtp.mailfrom=\"anne@groeimeesters.nl\";\r\n"+
				"\tdmarc=pass (policy=reject) header.from=groeimeesters.nl"), postfixReceived), hops: 0},
		// Gmail writes header.i but no header.d; its dmarc=pass carries the mail.
		{name: "Gmail (a Google Workspace mailbox)", id: "mx.google.com", hops: 2, ok: true,
			reason: "dmarc=pass header.from=groeimeesters.nl from mx.google.com",
			raw: mail(signed, "Received: by 2002:a05:6a10:8c0e:b0:5c1:2b3a:1f7d with SMTP id ab14csp1234567pxb;\r\n        Tue, 3 Dec 2026 01:12:05 -0800 (PST)",
				"Received: from mail-eu.groeimeesters.nl (mail-eu.groeimeesters.nl. [192.0.2.10])\r\n        by mx.google.com with ESMTPS id a9si304757pfj.3.2026.12.03.01.12.04\r\n        for <klachten@groeimeesters.nl>; Tue, 03 Dec 2026 01:12:04 -0800 (PST)",
				"Received-SPF: pass (google.com: domain of anne@groeimeesters.nl designates 192.0.2.10 as permitted sender) client-ip=192.0.2.10;",
				ar("mx.google.com;\r\n       dkim=pass header.i=@groeimeesters.nl header.s=sel header.b=QLq/BkM/;\r\n"+
					"       spf=pass (google.com: domain of anne@groeimeesters.nl designates 192.0.2.10 as permitted sender) smtp.mailfrom=anne@groeimeesters.nl;\r\n"+
					"       dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=groeimeesters.nl"))},
		{name: "Gmail, its dmarc=pass resting on a signature without Subject", id: "mx.google.com", hops: 0,
			reason: "may rest on the DKIM-Signature of d=groeimeesters.nl, which does not cover Subject in h=",
			raw: mail(weak, ar("mx.google.com;\r\n       dkim=pass header.i=@groeimeesters.nl header.s=sel header.b=Zm9yZ2Vk;\r\n"+
				"       spf=fail (google.com: domain of anne@groeimeesters.nl does not designate 198.51.100.7 as permitted sender) smtp.mailfrom=anne@groeimeesters.nl;\r\n"+
				"       dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=groeimeesters.nl"))},
		// Microsoft 365 writes no authserv-id: its header never counts (use "dkim" there).
		{name: "Microsoft 365 (EOP)", id: "outlook.com", reason: "the topmost Authentication-Results is without an authserv-id",
			raw: mail(signed, ar("spf=pass (sender IP is 40.107.22.58) smtp.mailfrom=groeimeesters.nl; dkim=pass (signature was verified) header.d=groeimeesters.nl;dmarc=pass action=none header.from=groeimeesters.nl;compauth=pass reason=100"))},

		// Forgeries.
		{name: "the issue's quoted local-part",
			reason: "no dkim=pass aligned with groeimeesters.nl and no dmarc=pass for it in the topmost 1 Authentication-Results",
			raw:    mail(signed, ar(arID+`; spf=fail smtp.mailfrom="x;dkim=pass header.d=groeimeesters.nl x"@evil.example; dkim=none`))},
		{name: "a result in a comment", reason: "no dkim=pass",
			raw: mail(signed, ar(arID+"; spf=pass (helo x; dkim=pass header.d=groeimeesters.nl; dmarc=pass header.from=groeimeesters.nl) smtp.mailfrom=x@evil.example"))},
		{name: "a result in a quoted reason", reason: "no dkim=pass",
			raw: mail(signed, ar(arID+`; dkim=fail reason="x; dkim=pass header.d=groeimeesters.nl"`))},
		{name: "an unterminated quoted string proves nothing", reason: "unterminated quoted string",
			raw: mail(signed, ar(arID+`; spf=fail smtp.mailfrom="x; dkim=pass header.d=groeimeesters.nl`))},
		{name: "header.d of another domain, header.i of ours",
			reason: "dkim=pass header.d=evil.example header.i=@groeimeesters.nl: header.d not aligned with groeimeesters.nl",
			raw:    mail(signed, ar(arID+"; dkim=pass header.d=evil.example header.i=@groeimeesters.nl"))},
		// Issue 8: the header.i branch without the configured domains' check.
		{name: "header.i of an unconfigured domain", from: "anne@other.nl", domains: []string{"example.nl"},
			reason: "dkim=pass header.i=@other.nl: no single header.d (alignment is on header.d, not header.i)",
			raw:    mail(append([]string{"From: Anne <anne@other.nl>"}, staffHeaders[1:]...), ar(arID+"; dkim=pass header.i=@other.nl"))},
		{name: "header.d twice in one result", reason: "no single header.d",
			raw: mail(signed, ar(arID+"; dkim=pass header.d=evil.example header.d=groeimeesters.nl"))},
		{name: "several dkim results: ours fails, a stranger's passes", reason: "header.d not aligned",
			raw: mail(signed, ar(arID+"; dkim=fail (bad signature) header.d=groeimeesters.nl header.b=QLq/BkM/; dkim=pass header.d=evil.example header.b=AAAAAAAA"))},
		{name: "control: several dkim results, a stranger's fails, ours passes", ok: true,
			raw: mail(signed, ar(arID+"; dkim=fail (bad signature) header.d=evil.example header.b=AAAAAAAA; dkim=pass header.d=groeimeesters.nl header.b=QLq/BkM/"))},
		{name: "our id below a forged one", reason: `the topmost Authentication-Results is from "mx.evil.example"`,
			raw: mail(signed, ar("mx.evil.example; dkim=pass header.d=groeimeesters.nl; dmarc=pass header.from=groeimeesters.nl"),
				ar(arID+"; dkim=pass header.d=groeimeesters.nl header.b=QLq/BkM/"))},
		{name: "our id forged below our real failing header", reason: "in the topmost 1 Authentication-Results",
			raw: mail(signed, ar(arID+"; dkim=fail header.d=groeimeesters.nl; dmarc=fail header.from=groeimeesters.nl"), postfixReceived,
				ar(arID+"; dkim=pass header.d=groeimeesters.nl header.b=QLq/BkM/"), evilReceived)},
		{name: "dkim=pass of a signature without Subject in h=",
			reason: "dkim=pass header.d=groeimeesters.nl header.s=sel: its DKIM-Signature (s=sel) does not cover Subject in h=",
			raw:    mail(weak, ar(arID+"; dkim=pass header.d=groeimeesters.nl header.s=sel; spf=fail smtp.mailfrom=evil.example"))},
		{name: "dmarc=pass resting on a signature without Subject in h=", reason: "which does not cover Subject in h=",
			raw: mail(weak, ar(arID+"; dkim=pass header.d=groeimeesters.nl header.b=Zm9yZ2Vk; dmarc=pass header.from=groeimeesters.nl"))},
		{name: "a weak signature beside the real one, not told apart", reason: "does not cover Subject",
			raw: mail(append([]string{sigNoSubject}, signed...), ar(arID+"; dkim=pass header.d=groeimeesters.nl header.s=sel"))},
		{name: "a weak signature below the real one, not told apart", reason: "does not cover Subject",
			raw: mail(append([]string{sigField, sigNoSubject}, staffHeaders...), ar(arID+"; dkim=pass header.d=groeimeesters.nl header.s=sel"))},
		{name: "control: a weak signature beside the real one, told apart by header.b", ok: true,
			raw: mail(append([]string{sigNoSubject}, signed...), ar(arID+"; dkim=pass header.d=groeimeesters.nl header.s=sel header.b=QLq/BkM/"))},
		{name: "dkim=pass naming no signature of the message", reason: "names no DKIM-Signature of the message",
			raw: mail(staffHeaders, ar(arID+"; dkim=pass header.d=groeimeesters.nl"))},
		{name: "control: dmarc=pass of a mail without signature (SPF-aligned)", ok: true,
			raw: mail(staffHeaders, ar(arID+"; spf=pass smtp.mailfrom=groeimeesters.nl; dmarc=pass header.from=groeimeesters.nl"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from, id := cmp.Or(tt.from, "anne@groeimeesters.nl"), cmp.Or(tt.id, arID)
			p := Policy{Mode: ModeAuthserv, AuthservID: id, Domains: tt.domains, TrustedReceived: tt.hops}
			v := Check(context.Background(), tt.raw, from, p, nil)
			if v.OK != tt.ok || v.Method != "authserv" || v.Key != "" {
				t.Fatalf("Check() = %+v, want OK %v", v, tt.ok)
			}
			if !strings.Contains(v.Reason, tt.reason) {
				t.Errorf("reason %q does not contain %q", v.Reason, tt.reason)
			}
		})
	}
}
