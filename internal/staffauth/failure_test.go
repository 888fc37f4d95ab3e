package staffauth

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestFailureOf: the reasons Check writes fall in the family that fits what happened, in every
// mode that can fail.
func TestFailureOf(t *testing.T) {
	k := newKeys(t, "groeimeesters.nl", "evil.example")
	const id = "mx.groeimeesters.nl"
	plain := compose(staffHeaders, staffBody)
	signed := k.sign(t, plain, "groeimeesters.nl")
	noSubject := k.signKeys(t, plain, "groeimeesters.nl", "From", "To", "Date", "Message-ID")
	weakSig := strings.Replace(sigField, "h=From:To:Subject:Date:Message-ID", "h=From:To:Date:Message-ID", 1)
	ours := "Authentication-Results: " + id + "; dkim=pass header.d=groeimeesters.nl header.s=sel\r\n"
	dkimMode, authserv := Policy{Mode: ModeDKIM}, Policy{Mode: ModeAuthserv, AuthservID: id}
	tests := []struct {
		name string
		raw  []byte
		p    Policy
		want Failure
	}{
		{"passes", signed, dkimMode, FailureNone},
		{"no signature", plain, dkimMode, FailureUnverified},
		{"a broken signature", bytes.Replace(signed, []byte("Wij passen"), []byte("Wij wijzigen"), 1), dkimMode, FailureUnverified},
		{"a foreign signature", k.sign(t, plain, "evil.example"), dkimMode, FailureUnverified},
		{"not among the configured domains", signed, Policy{Mode: ModeDKIM, Domains: []string{"other.example"}}, FailureUnverified},
		{"no result of our server", signed, authserv, FailureUnverified},
		{"a result of another server on top", append([]byte("Authentication-Results: mx.evil.example; dkim=pass header.d=groeimeesters.nl\r\n"), signed...), authserv, FailureUnverified},
		// The family comes from where Check failed, not from its words: a stranger's id that
		// reads like a coverage problem is a foreign header still.
		{"another server's id that reads like a coverage problem", append([]byte(`Authentication-Results: "x does not cover Subject"; dkim=pass header.d=groeimeesters.nl`+"\r\n"), signed...), authserv, FailureUnverified},
		{"a doubled Subject", append([]byte("Subject: Re: [KL-2026-0007] [ongegrond]\r\n"), signed...), dkimMode, FailureHeader},
		{"a doubled Subject, authserv", append([]byte(ours+"Subject: Re: [KL-2026-0007] [ongegrond]\r\n"), signed...), authserv, FailureHeader},
		{"a doubled Subject, none", append([]byte("Subject: Re: [KL-2026-0007] [ongegrond]\r\n"), signed...), Policy{Mode: ModeNone}, FailureHeader},
		{"a malformed line", append([]byte("X-Note\r\n"), signed...), dkimMode, FailureHeader},
		{"a From of two addresses", bytes.Replace(signed, []byte("From: Anne de Vries <anne@groeimeesters.nl>"), []byte("From: anne@groeimeesters.nl, mallory@evil.example"), 1), dkimMode, FailureHeader},
		{"h= without Subject", noSubject, dkimMode, FailureUncovered},
		{"authserv: the signature it rests on leaves Subject out", append([]byte(ours), compose(append([]string{weakSig}, staffHeaders...), staffBody)...), authserv, FailureUncovered},
		{"authserv: dmarc=pass may rest on a signature that leaves Subject out", append([]byte("Authentication-Results: "+id+"; dmarc=pass header.from=groeimeesters.nl\r\n"), compose(append([]string{weakSig}, staffHeaders...), staffBody)...), authserv, FailureUncovered},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Check(context.Background(), tt.raw, "anne@groeimeesters.nl", tt.p, k.lookup)
			if got := FailureOf(v); got != tt.want {
				t.Errorf("FailureOf(%+v) = %q, want %q", v, got, tt.want)
			}
		})
	}
}
