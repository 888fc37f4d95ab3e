package mailparse

import (
	"bufio"
	"bytes"
	"net/textproto"
	"reflect"
	"strings"
	"testing"

	mtextproto "github.com/emersion/go-message/textproto"
)

const factsBody = "\r\nWij passen de planning aan.\r\n"

// signedStaffHeader is the header of a staff reply as a DKIM signer leaves it.
var signedStaffHeader = []string{
	"DKIM-Signature: v=1; a=ed25519-sha256; d=groeimeesters.nl; s=sel; h=From:To:Subject:Date:Message-ID;",
	" bh=x; b=y",
	"From: Anne de Vries <anne@groeimeesters.nl>",
	"To: info@groeimeesters.nl",
	"Subject: Re: [KL-2026-0008] Uw klacht",
	"Date: Tue, 03 Dec 2026 10:12:00 +0100",
	"Message-ID: <abc@groeimeesters.nl>",
}

func withTop(top ...string) []byte {
	return []byte(strings.Join(append(top, signedStaffHeader...), "\r\n") + "\r\n" + factsBody)
}

func TestReadHeaderFacts(t *testing.T) {
	tests := []struct {
		name       string
		raw        []byte
		duplicates []Duplicate
		malformed  string // substring; "" means well formed
		problem    string // substring of Problem()
	}{
		{name: "a signed staff reply as written", raw: withTop()},
		{name: "a second Subject above the signed one",
			raw:        withTop("Subject: Re: [KL-2026-0008] [ongegrond] [afgehandeld]"),
			duplicates: []Duplicate{{"Subject", 2}}, problem: "message has 2 Subject headers where RFC 5322 allows one"},
		{name: "names count case-insensitively and without space before the colon",
			raw:        withTop("SUBJECT : x", "subject:y"),
			duplicates: []Duplicate{{"Subject", 3}}, problem: "3 Subject headers"},
		{name: "every singleton twice, in the order of SingletonFields",
			raw: withTop("References: <r@x>", "In-Reply-To: <r@x>", "References: <r2@x>", "In-Reply-To: <r2@x>", "Message-Id: <m@x>", "Date: Tue, 03 Dec 2026 10:13:00 +0100",
				"Subject: x", "Cc: c@x", "To: t@x", "Reply-To: r@x", "Sender: s@x", "Sender: s2@x", "From: f@x", "Reply-To: r2@x"),
			duplicates: []Duplicate{{"From", 2}, {"Sender", 2}, {"Reply-To", 2}, {"To", 2}, {"Subject", 2}, {"Date", 2},
				{"Message-ID", 2}, {"In-Reply-To", 2}, {"References", 2}},
			problem: "2 From, 2 Sender, 2 Reply-To, 2 To, 2 Subject, 2 Date, 2 Message-ID, 2 In-Reply-To and 2 References headers where RFC 5322 allows one of each"},
		{name: "Cc twice", raw: withTop("Cc: a@x", "Cc: b@x"), duplicates: []Duplicate{{"Cc", 2}}, problem: "2 Cc headers"},
		{name: "Received and Authentication-Results may repeat",
			raw: withTop("Received: from a by b; Tue, 03 Dec 2026 10:12:03 +0100", "Received: from c by a; Tue, 03 Dec 2026 10:12:02 +0100",
				"Authentication-Results: mx.groeimeesters.nl; dkim=pass header.d=groeimeesters.nl", "Authentication-Results: mx.groeimeesters.nl; none")},
		{name: "a folded Subject is one field", raw: withTop("X-Note: a", "\tSubject: not a field")},
		{name: "a Subject in the body does not count",
			raw: append(withTop(), []byte("Subject: Re: [KL-2026-0008] [gegrond]\r\n")...)},
		{name: "the header ends at a line of CR CR LF for one reader and not another",
			raw:        []byte("Subject: [ongegrond]\r\nFrom: anne@groeimeesters.nl\r\n\r\r\n" + string(withTop())),
			duplicates: []Duplicate{{"From", 2}, {"Subject", 2}}, malformed: "line 3 holds a carriage return",
			problem: "; message header is malformed (line 3 holds a carriage return without a line feed): readers may disagree"},
		{name: "a bare CR inside a line", raw: withTop("X-A: a\rSubject: b"), malformed: "line 1 holds a carriage return"},
		{name: "a lone CR at the end", raw: []byte("From: a@b.nl\r\n\r"), malformed: "line 2 holds a carriage return"},
		{name: "a line without a colon", raw: withTop("Subject [gegrond]"), malformed: "line 1 has no colon"},
		{name: "an mbox From line", raw: withTop("From anne@groeimeesters.nl Tue Dec  3 10:12:00 2026"), malformed: "line 1 has a field name with characters"},
		{name: "a first line that continues nothing (a DKIM verifier reads it as a Subject)", raw: withTop(" Subject: [gegrond]"),
			duplicates: []Duplicate{{"Subject", 2}}, malformed: "the first line starts with white space"},
		{name: "an empty field name", raw: withTop(": x"), malformed: "line 1 has an empty field name"},
		{name: "a field name with a form feed (trimmed as white space by some readers)", raw: withTop("Subject\f: [gegrond]"),
			duplicates: []Duplicate{{"Subject", 2}}, malformed: "characters RFC 5322 does not allow"},
		{name: "a field name with 8-bit bytes", raw: withTop("Subj\xc3\xa9ct: x"), malformed: "characters RFC 5322 does not allow"},
		{name: "duplicates and a malformed line, both said",
			raw:        withTop("Subject: x", "nonsense"),
			duplicates: []Duplicate{{"Subject", 2}}, malformed: "line 2 has no colon", problem: "2 Subject headers where RFC 5322 allows one: readers disagree on which copy counts (a mail program shows the first, a DKIM verifier checks the last); message header is malformed"},
		{name: "LF line ends", raw: bytes.ReplaceAll(withTop(), []byte("\r\n"), []byte("\n"))},
		{name: "header only, no body", raw: []byte("From: a@b.nl\r\nSubject: x")},
		{name: "empty", raw: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := ReadHeaderFacts(tt.raw)
			if !reflect.DeepEqual(f.Duplicates, tt.duplicates) {
				t.Errorf("Duplicates = %v, want %v", f.Duplicates, tt.duplicates)
			}
			if (f.Malformed == "") != (tt.malformed == "") || !strings.Contains(f.Malformed, tt.malformed) {
				t.Errorf("Malformed = %q, want %q", f.Malformed, tt.malformed)
			}
			p := f.Problem()
			if (p == "") != (tt.duplicates == nil && tt.malformed == "") || !strings.Contains(p, tt.problem) {
				t.Errorf("Problem() = %q, want it to hold %q", p, tt.problem)
			}
			// Parse exposes the same facts on the Message.
			if m, err := Parse(tt.raw); err == nil {
				if !reflect.DeepEqual(m.Duplicates, f.Duplicates) || m.HeaderMalformed != f.Malformed {
					t.Errorf("Message: Duplicates %v, HeaderMalformed %q; ReadHeaderFacts: %v, %q",
						m.Duplicates, m.HeaderMalformed, f.Duplicates, f.Malformed)
				}
			}
		})
	}
}

// fieldNames returns the canonical names of the fields three readers see in raw's header:
// mailparse's own, go-message's (staffauth reads From and Authentication-Results with it), and
// a reader that splits lines as go-msgauth's DKIM verifier does (net/textproto lines; a line
// starting with white space continues the field before it; the header ends at an empty
// line). ok is false for a reader that refuses the header.
func fieldNames(raw []byte) (ours, message, dkim []string, messageOK, dkimOK bool) {
	h, _, _ := splitHeader(raw)
	for _, f := range h {
		ours = append(ours, f.key)
	}
	mh, err := mtextproto.ReadHeader(bufio.NewReader(bytes.NewReader(raw)))
	messageOK = err == nil
	if messageOK {
		var names []string
		for f := mh.Fields(); f.Next(); {
			names = append(names, textproto.CanonicalMIMEHeaderKey(f.Key()))
		}
		// go-message lists the fields top to bottom.
		message = names
	}
	r := textproto.NewReader(bufio.NewReader(bytes.NewReader(raw)))
	var lines []string
	for {
		l, err := r.ReadLine()
		if err != nil {
			return ours, message, nil, messageOK, false // go-msgauth: "failed to read header"
		}
		if l == "" {
			break
		}
		if len(lines) > 0 && (l[0] == ' ' || l[0] == '\t') {
			continue
		}
		lines = append(lines, l)
	}
	for _, l := range lines {
		k, _, _ := strings.Cut(l, ":")
		dkim = append(dkim, textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(k)))
	}
	return ours, message, dkim, messageOK, true
}

// FuzzHeaderFacts: whenever ReadHeaderFacts finds a header well formed, the three readers see
// the same fields in the same order, so a singleton field that occurs once is one and the same
// field for all of them (what mailparse shows is what the DKIM verifier checks); and a
// duplicated singleton is always reported.
func FuzzHeaderFacts(f *testing.F) {
	f.Add(withTop())
	f.Add(withTop("Subject: Re: [KL-2026-0008] [ongegrond] [afgehandeld]"))
	f.Add([]byte("Subject: [ongegrond]\r\nFrom: anne@groeimeesters.nl\r\n\r\r\n" + string(withTop())))
	f.Add(withTop(" Subject: [gegrond]"))
	f.Add(withTop("Subject\v: [gegrond]"))
	f.Add(withTop("Subject : x", "X-Bad line"))
	f.Add([]byte("From anne@groeimeesters.nl Tue Dec  3 10:12:00 2026\n" + string(withTop())))
	f.Fuzz(func(t *testing.T, raw []byte) {
		facts := ReadHeaderFacts(raw)
		ours, message, dkim, messageOK, dkimOK := fieldNames(raw)
		if facts.Malformed == "" {
			if !messageOK {
				t.Fatalf("well formed for ReadHeaderFacts, refused by go-message:\n%q", raw)
			}
			if !reflect.DeepEqual(ours, message) {
				t.Fatalf("fields: mailparse %q, go-message %q\n%q", ours, message, raw)
			}
			if dkimOK && !reflect.DeepEqual(ours, dkim) {
				t.Fatalf("fields: mailparse %q, DKIM reader %q\n%q", ours, dkim, raw)
			}
		}
		for _, s := range SingletonFields() {
			reported := 0
			for _, d := range facts.Duplicates {
				if d.Field == s {
					reported = d.Count
				}
			}
			for reader, names := range map[string][]string{"mailparse": ours, "go-message": message, "the DKIM reader": dkim} {
				n := 0
				for _, k := range names {
					if strings.EqualFold(k, s) {
						n++
					}
				}
				if n > 1 && reported < n {
					t.Fatalf("%s: %s reads %d, ReadHeaderFacts reports %d\n%q", s, reader, n, reported, raw)
				}
			}
		}
	})
}
