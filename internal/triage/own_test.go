package triage

import (
	"testing"

	"github.com/groeimeesters/klachtd/internal/mailparse"
)

// TestOwnNeedsOurDomain: our own mail is recognised by the Message-ID prefix klachtd gives
// its mails *and* our domain. Anyone can start a Message-ID with "klachtd.": a complaint whose
// Message-ID does so under another domain is a complaint, not our own mail to ignore.
func TestOwnNeedsOurDomain(t *testing.T) {
	rules := Rules{OwnAddress: "info@intervisie-begeleiding.nl", OwnIDPrefix: "klachtd.", Keywords: []string{"klacht"}}
	tests := []struct {
		msgID string
		want  Kind
	}{
		{"klachtd.kl-2026-0001.bevestiging.1@intervisie-begeleiding.nl", Own},
		{"KLACHTD.KL-2026-0001.bevestiging.1@Intervisie-Begeleiding.NL", Own},
		{"klachtd.kl-2026-0001.bevestiging.1@evil.example", New},
		{"klachtd.kl-2026-0001.bevestiging.1@intervisie-begeleiding.nl.evil.example", New},
		{"klachtd.x@sub.intervisie-begeleiding.nl", New},
		{"abc@intervisie-begeleiding.nl", New},
	}
	for _, tt := range tests {
		m := &mailparse.Message{MessageID: tt.msgID, From: mailparse.Address{Email: "jan@example.nl"},
			Subject: "Klacht over de training", Text: "Ik wil een klacht indienen."}
		if got := Classify(m, rules, fakeLookup{}); got.Kind != tt.want {
			t.Errorf("Message-ID %s: %s (%s), want %s", tt.msgID, got.Kind, got.Reason, tt.want)
		}
	}
}
