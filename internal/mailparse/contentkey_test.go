package mailparse

import (
	"strings"
	"testing"
)

// TestContentKey: two deliveries of one mail (other trace fields, another line ending, the
// header folded otherwise) have one key; a change in anything the author wrote gives another;
// mail without a Message-ID has none.
func TestContentKey(t *testing.T) {
	const mail = "From: Jan de Vries <jan@example.nl>\nTo: info@groeimeesters.nl\nSubject: Klacht over de training\n" +
		"Date: Tue, 1 Dec 2026 10:00:00 +0100\nMessage-ID: <k-1@example.nl>\nContent-Type: text/plain; charset=utf-8\n\n" +
		"Ik wil een klacht indienen.\n\nMet vriendelijke groet,\nJan\n"
	key := ContentKey([]byte(mail))
	if len(key) != 64 {
		t.Fatalf("ContentKey = %q, want a hex SHA-256", key)
	}
	same := map[string]string{
		"trace fields added": "Received: from mx2.example.nl by mail.groeimeesters.nl; Tue, 1 Dec 2026 10:00:03 +0100\n" +
			"Return-Path: <jan@example.nl>\nDelivered-To: info@groeimeesters.nl\nAuthentication-Results: mx; dkim=pass\n" +
			"X-Rspamd-Queue-Id: 4Q2bZZ\nARC-Seal: i=1; a=rsa-sha256; cv=none\n" + mail,
		"CRLF line endings": strings.ReplaceAll(mail, "\n", "\r\n"),
		"subject folded":    strings.Replace(mail, "Subject: Klacht over de training", "Subject: Klacht over\n de training", 1),
	}
	for name, m := range same {
		if got := ContentKey([]byte(m)); got != key {
			t.Errorf("%s: key %s, want the original's %s", name, got, key)
		}
	}
	differs := map[string]string{
		"body":       strings.Replace(mail, "indienen.", "indienen!", 1),
		"subject":    strings.Replace(mail, "Subject: Klacht", "Subject: Re: [KL-2026-0001] [gegrond] Klacht", 1),
		"from":       strings.Replace(mail, "jan@example.nl", "jan@example.com", 1),
		"date":       strings.Replace(mail, "10:00:00", "10:00:01", 1),
		"message-id": strings.Replace(mail, "k-1@", "k-2@", 1),
		"cc added":   strings.Replace(mail, "To: info@", "Cc: anne@groeimeesters.nl\nTo: info@", 1),
		"body line":  mail + "\n",
	}
	for name, m := range differs {
		if got := ContentKey([]byte(m)); got == key || got == "" {
			t.Errorf("%s changed: key %q, want another key than %s", name, got, key)
		}
	}
	if got := ContentKey([]byte(strings.Replace(mail, "Message-ID: <k-1@example.nl>\n", "", 1))); got != "" {
		t.Errorf("without a Message-ID: key %q, want none", got)
	}
	if got := ContentKey([]byte(strings.Replace(mail, "<k-1@example.nl>", "   ", 1))); got != "" {
		t.Errorf("with an empty Message-ID: key %q, want none", got)
	}
}

// FuzzContentKey: for any mail, the key is "" or a hex SHA-256; a trace field added on top
// (as a server does on a redelivery) or CRLF line endings never change it.
func FuzzContentKey(f *testing.F) {
	f.Add([]byte("Message-ID: <a@b>\nFrom: x@y\nSubject: s\n\nbody\n"))
	f.Add([]byte("From anne@example.nl Tue Dec  3 10:12:00 2026\nMessage-ID: <a@b>\n\nbody"))
	f.Add([]byte("Message-ID: <a@b>\n continued\nReceived: x\n\n\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		key := ContentKey(raw)
		if key != "" && len(key) != 64 {
			t.Fatalf("key %q", key)
		}
		if strings.Contains(string(raw), "\r") || strings.HasPrefix(string(raw), "From ") || strings.HasPrefix(string(raw), " ") || strings.HasPrefix(string(raw), "\t") || strings.HasPrefix(string(raw), "\n") {
			return // an mbox line, a continuation or an empty header at the top read otherwise
		}
		traced := "Received: from mx.example.nl by mail.example.nl; Tue, 1 Dec 2026 10:00:03 +0100\n" + string(raw)
		if got := ContentKey([]byte(traced)); got != key {
			t.Fatalf("a Received field on top changed the key %q → %q\n%q", key, got, raw)
		}
		if got := ContentKey([]byte(strings.ReplaceAll(string(raw), "\n", "\r\n"))); got != key {
			t.Fatalf("CRLF changed the key %q → %q\n%q", key, got, raw)
		}
	})
}
