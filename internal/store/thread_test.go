package store

import (
	"context"
	"testing"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/mailparse"
)

// TestThreadCase: klachtd's own Message-IDs (outbox rows, a thread root it assigned) thread
// anyone's mail; a Message-ID a sender gave their own mail threads only that sender's later
// mail, so a complaint filed under the newsletter's Message-ID catches nobody else's reply.
func TestThreadCase(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	const newsletter = "nieuwsbrief-2026-11@intervisie-begeleiding.nl"
	planted := complaint.Case{ID: "KL-2026-0001", Status: complaint.StatusBevestigd, ReceivedAt: t0, DueAt: t0}
	noID := complaint.Case{ID: "KL-2026-0002", Status: complaint.StatusBevestigd, ReceivedAt: t0, DueAt: t0}
	err := s.InTx(ctx, func(tx *Tx) error {
		if err := tx.InsertCase(planted, newsletter, t0); err != nil {
			return err
		}
		if err := tx.InsertCase(noID, "klachtd.kl-2026-0002.complaint@intervisie-begeleiding.nl", t0); err != nil {
			return err
		}
		if _, err := tx.InsertMessage(Message{CaseID: planted.ID, Direction: "in", At: t0, Kind: "complaint",
			From: "Attacker@Evil.example", MessageID: newsletter}); err != nil {
			return err
		}
		if _, err := tx.InsertMessage(Message{CaseID: noID.ID, Direction: "in", At: t0, Kind: "complaint",
			From: "anna@example.org"}); err != nil {
			return err
		}
		_, err := tx.QueueMail(OutMail{CaseID: planted.ID, Template: "bevestiging", Audience: "complainant",
			From: mailparse.Address{Email: "info@intervisie-begeleiding.nl"}, Subject: "[KL-2026-0001] Bevestiging",
			MessageID: "klachtd.kl-2026-0001.bevestiging.1@intervisie-begeleiding.nl", Date: t0, AutoSubmitted: "auto-replied"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		sender string
		ids    []string
		want   string
	}{
		{"another sender answering the reused id", "partner@example.org", []string{newsletter}, ""},
		{"no sender (a bounce) and the reused id", "", []string{newsletter}, ""},
		{"the same sender, any letter case", "attacker@evil.example", []string{newsletter}, planted.ID},
		{"anyone answering klachtd's mail", "partner@example.org", []string{"klachtd.kl-2026-0001.bevestiging.1@intervisie-begeleiding.nl"}, planted.ID},
		{"anyone answering a thread root klachtd assigned", "someone@example.net", []string{"klachtd.kl-2026-0002.complaint@intervisie-begeleiding.nl"}, noID.ID},
		{"the reused id first, then klachtd's", "partner@example.org", []string{newsletter, "klachtd.kl-2026-0001.bevestiging.1@intervisie-begeleiding.nl"}, planted.ID},
		{"unknown", "attacker@evil.example", []string{"nothing@example.org", ""}, ""},
	}
	for _, tt := range tests {
		got, err := s.ThreadCase(ctx, tt.sender, tt.ids)
		if err != nil || got != tt.want {
			t.Errorf("%s: ThreadCase(%q, %v) = %q, %v; want %q", tt.name, tt.sender, tt.ids, got, err, tt.want)
		}
	}
	// The tool lookup still finds where a mail went, whoever sent it.
	if got, err := s.CaseByMessageID(ctx, newsletter); err != nil || got != planted.ID {
		t.Errorf("CaseByMessageID(%q) = %q, %v; want %s", newsletter, got, err, planted.ID)
	}

	// AnsweredMail looks among the case's own mails, both directions, and nowhere else.
	err = s.InTx(ctx, func(tx *Tx) error {
		for _, tt := range []struct {
			caseID, id, wantDir, wantSubject string
		}{
			{planted.ID, "klachtd.kl-2026-0001.bevestiging.1@intervisie-begeleiding.nl", "out", "[KL-2026-0001] Bevestiging"},
			{planted.ID, newsletter, "in", ""},
			{noID.ID, newsletter, "", ""},
			{planted.ID, "nothing@example.org", "", ""},
		} {
			a, err := tx.AnsweredMail(tt.caseID, []string{"", tt.id})
			if err != nil {
				return err
			}
			switch {
			case tt.wantDir == "" && a != nil:
				t.Errorf("AnsweredMail(%s, %s) = %+v, want none", tt.caseID, tt.id, a)
			case tt.wantDir != "" && (a == nil || a.Direction != tt.wantDir || a.Subject != tt.wantSubject):
				t.Errorf("AnsweredMail(%s, %s) = %+v, want %s %q", tt.caseID, tt.id, a, tt.wantDir, tt.wantSubject)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
