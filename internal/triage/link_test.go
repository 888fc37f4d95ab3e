package triage

import (
	"testing"

	"github.com/groeimeesters/klachtd/internal/mailparse"
)

// TestClassifyLink: a reply says what tied it to its case (the daemon lets a staff command
// count only when the signature covers that field): the subject's reference first, then
// In-Reply-To, then References only when In-Reply-To names no mail of a case.
func TestClassifyLink(t *testing.T) {
	rules := Rules{OwnAddress: "info@intervisie-begeleiding.nl", OwnIDPrefix: "klachtd.",
		Staff: []string{"milou@intervisie-begeleiding.nl"}, Keywords: []string{"klacht"}}
	const ours = "klachtd.kl-2026-0007.bevestiging.1.ab@intervisie-begeleiding.nl"
	staff := mailparse.Address{Email: "milou@intervisie-begeleiding.nl"}
	tests := []struct {
		name string
		m    mailparse.Message
		want Link
	}{
		{"reference in the subject, threading too", mailparse.Message{From: staff, Subject: "RE: [KL-2026-0007] [gegrond]",
			InReplyTo: []string{ours}, References: []string{ours}}, LinkSubject},
		{"In-Reply-To", mailparse.Message{From: staff, Subject: "RE: Uw klacht [gegrond]", InReplyTo: []string{ours}, References: []string{ours}}, LinkInReplyTo},
		{"In-Reply-To naming no case mail, References one", mailparse.Message{From: staff, Subject: "RE: Uw klacht [gegrond]",
			InReplyTo: []string{"elsewhere@example.nl"}, References: []string{"root@example.nl", ours}}, LinkReferences},
		{"References alone", mailparse.Message{From: staff, Subject: "RE: Uw klacht [gegrond]", References: []string{ours}}, LinkReferences},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Classify(&tt.m, rules, fakeLookup{})
			if r.Kind != Reply || r.CaseID != "KL-2026-0007" || r.Link != tt.want {
				t.Errorf("Classify() = %s %s link %q, want a reply to KL-2026-0007 linked by %q", r.Kind, r.CaseID, r.Link, tt.want)
			}
		})
	}
}
