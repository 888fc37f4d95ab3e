package staffauth

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// TestVerdictCovers: a passing verdict says which header fields besides From and Subject the
// signature it rests on covers, so that a caller acting on In-Reply-To or References (the
// case a command threads to) can tell a vouched-for link from one added after signing.
func TestVerdictCovers(t *testing.T) {
	const id = "mx.groeimeesters.nl"
	k := newKeys(t, "groeimeesters.nl")
	threaded := append(append([]string{}, staffHeaders...), "In-Reply-To: <kl-1@groeimeesters.nl>", "References: <kl-1@groeimeesters.nl>")
	plain := compose(threaded, staffBody)
	withThread := k.signKeys(t, plain, "groeimeesters.nl", "From", "To", "Subject", "Date", "Message-ID", "In-Reply-To", "References")
	without := k.signKeys(t, plain, "groeimeesters.nl", "From", "To", "Subject", "Date", "Message-ID")
	// Signed as without, and then a second valid signature that does cover In-Reply-To.
	both := k.signKeys(t, without, "groeimeesters.nl", "From", "Subject", "In-Reply-To")

	sig := func(h string) string {
		return "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=groeimeesters.nl; s=sel;\r\n\th=" + h +
			"; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\r\n\tb=QLq/BkM/c2lnbmF0dXJl"
	}
	// authserv builds the mail as our server delivers it: its header on top, then the
	// signatures given, then the message.
	authserv := func(ar string, sigs ...string) []byte {
		h := []string{"Authentication-Results: " + id + "; " + ar}
		h = append(append(h, sigs...), threaded...)
		return compose(h, staffBody)
	}
	foreign := "DKIM-Signature: v=1; a=ed25519-sha256; d=mailer.example; s=x; h=From:Subject:In-Reply-To; bh=x; b=eHl6"

	tests := []struct {
		name     string
		mode     Mode
		raw      []byte
		covers   []string // fields Covers must report (From and Subject always)
		uncovers []string // fields it must not
	}{
		{name: "dkim, h= with the threading fields", mode: ModeDKIM, raw: withThread,
			covers: []string{"From", "subject", "In-Reply-To", "references", "message-id"}},
		{name: "dkim, h= without them", mode: ModeDKIM, raw: without,
			covers: []string{"From", "Subject", "Date"}, uncovers: []string{"In-Reply-To", "References", "Reply-To"}},
		{name: "dkim, a second valid signature covers In-Reply-To", mode: ModeDKIM, raw: both,
			covers: []string{"In-Reply-To", "Date"}, uncovers: []string{"References"}},
		{name: "authserv, dkim=pass of a signature with the threading fields", mode: ModeAuthserv,
			raw:    authserv("dkim=pass header.d=groeimeesters.nl header.s=sel", sig("From:To:Subject:Date:Message-ID:In-Reply-To:References")),
			covers: []string{"In-Reply-To", "References"}},
		{name: "authserv, dkim=pass of a signature without them", mode: ModeAuthserv,
			raw:    authserv("dkim=pass header.d=groeimeesters.nl header.s=sel", sig("From:To:Subject:Date:Message-ID")),
			covers: []string{"Date"}, uncovers: []string{"In-Reply-To", "References"}},
		{name: "authserv, dkim=pass that may name two signatures: only what both cover", mode: ModeAuthserv,
			raw: authserv("dkim=pass header.d=groeimeesters.nl",
				sig("From:Subject:In-Reply-To:References"), sig("From:Subject:References")),
			covers: []string{"References"}, uncovers: []string{"In-Reply-To"}},
		{name: "authserv, dmarc=pass with an aligned signature: what it covers", mode: ModeAuthserv,
			raw:    authserv("dkim=fail header.d=groeimeesters.nl; dmarc=pass header.from=groeimeesters.nl", sig("From:Subject:Date")),
			covers: []string{"Date"}, uncovers: []string{"In-Reply-To", "References"}},
		{name: "authserv, dmarc=pass without an aligned signature (SPF): everything", mode: ModeAuthserv,
			raw:    authserv("spf=pass smtp.mailfrom=groeimeesters.nl; dmarc=pass header.from=groeimeesters.nl", foreign),
			covers: []string{"In-Reply-To", "References", "Reply-To"}},
		{name: "none: everything", mode: ModeNone, raw: plain, covers: []string{"In-Reply-To", "References"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Check(context.Background(), tt.raw, "anne@groeimeesters.nl", Policy{Mode: tt.mode, AuthservID: id}, k.lookup)
			if !v.OK {
				t.Fatalf("Check() = %+v, want OK", v)
			}
			for _, f := range tt.covers {
				if !v.Covers(f) {
					t.Errorf("Covers(%q) = false, want true (Covered %v, AllCovered %v)", f, v.Covered, v.AllCovered)
				}
			}
			for _, f := range tt.uncovers {
				if v.Covers(f) {
					t.Errorf("Covers(%q) = true, want false (Covered %v, AllCovered %v)", f, v.Covered, v.AllCovered)
				}
			}
		})
	}

	// A failing verdict covers nothing, not even From.
	v := Check(context.Background(), compose(threaded, staffBody), "anne@groeimeesters.nl", Policy{Mode: ModeDKIM}, k.lookup)
	if v.OK || v.Covers("From") || v.Covers("In-Reply-To") || len(v.Covered) > 0 || v.AllCovered {
		t.Errorf("unsigned mail in dkim mode: %+v, Covers(From) %v; want nothing covered", v, v.Covers("From"))
	}
	// Covered holds each field once, in lower case.
	v = Check(context.Background(), k.signKeys(t, plain, "groeimeesters.nl", "From", "FROM", "Subject", "In-Reply-To"),
		"anne@groeimeesters.nl", Policy{Mode: ModeDKIM}, k.lookup)
	if got := strings.Join(v.Covered, ","); !slices.Equal(v.Covered, []string{"from", "subject", "in-reply-to"}) {
		t.Errorf("Covered = %s, want from,subject,in-reply-to", got)
	}
}
