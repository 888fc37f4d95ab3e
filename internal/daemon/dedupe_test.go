package daemon

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/groeimeesters/klachtd/internal/intake"
	"github.com/groeimeesters/klachtd/internal/store"
)

// TestRedeliveredComplaintIsOneCase: the same complaint, byte for byte, seen again under a
// new UID (copied back into the inbox, or delivered twice) and under a new UIDVALIDITY (the
// mailbox rebuilt) is recognised by its bytes: no second case, no second confirmation, no
// second staff notice, and the same disposition as the first time.
func TestRedeliveredComplaintIsOneCase(t *testing.T) {
	e := newCaseEnv(t, nil, nil)
	raw := rawMail("Jan de Vries <"+janAddr+">", orgAddr, "Klacht over de training", "dedupe-1@example.nl", e.clock.Now(),
		"Ik wil een klacht indienen over de training van 3 november.\n")
	var disps []intake.Disposition
	for _, id := range []struct{ validity, uid uint32 }{{1, 7}, {1, 7}, {1, 8}, {2, 1}, {3, 42}} {
		disp, err := e.d.Handle(context.Background(), &intake.Fetched{Mailbox: "INBOX", UIDValidity: id.validity, UID: id.uid,
			Raw: raw, Header: headerOf(raw), Size: int64(len(raw)), InternalDate: e.clock.Now()})
		if err != nil {
			t.Fatalf("handle uidvalidity %d uid %d: %v", id.validity, id.uid, err)
		}
		disps = append(disps, disp)
		e.advance(1)
	}
	cases, err := e.st.Cases(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 1 {
		t.Errorf("%d cases from one complaint delivered five times, want 1", len(cases))
	}
	mails := e.send()
	for _, tmpl := range []string{"bevestiging", "melding-nieuw"} {
		if n := len(withTemplate(mails, tmpl)); n != 1 {
			t.Errorf("%d %s mails, want 1", n, tmpl)
		}
	}
	for i, d := range disps {
		if d != disps[0] || d == intake.Leave {
			t.Errorf("delivery %d: disposition %v, want %v (moved as the first)", i+1, d, disps[0])
		}
	}
}

// TestComplaintDeliveredTwiceWithOtherTraceFields: an SMTP retry after a lost reply, or a
// copy to two of the organisation's addresses, brings the same mail again with other
// Received and relay fields (and here CRLF line endings): its bytes differ, the mail as its
// author sent it does not. One case, one confirmation, one staff notice; each copy filed as
// the first and recorded with its own bytes' hash (the retention purge checks each copy by
// it). A mail that differs in what its author wrote (the body) is a mail of its own.
func TestComplaintDeliveredTwiceWithOtherTraceFields(t *testing.T) {
	e := newCaseEnv(t, nil, nil)
	raw := rawMail("Jan de Vries <"+janAddr+">", orgAddr, "Klacht over de training", "dedupe-2@example.nl", e.clock.Now(),
		"Ik wil een klacht indienen over de training van 3 november.\n")
	retry := append([]byte("Received: from mx2.example.nl (mx2.example.nl [192.0.2.7])\n\tby mail.groeimeesters.nl with ESMTPS id 4Q2b; Tue, 1 Dec 2026 10:00:03 +0100\n"+
		"Return-Path: <jan@example.nl>\nX-Rspamd-Queue-Id: 4Q2bZZ\n"), raw...)
	retry = bytes.ReplaceAll(retry, []byte("\n"), []byte("\r\n"))
	other := bytes.Replace(raw, []byte("3 november"), []byte("4 november"), 1)
	var disps []intake.Disposition
	for i, m := range [][]byte{raw, retry, other} {
		disp, err := e.d.Handle(context.Background(), &intake.Fetched{Mailbox: "INBOX", UIDValidity: 1, UID: uint32(10 + i),
			Raw: m, Header: headerOf(m), Size: int64(len(m)), InternalDate: e.clock.Now()})
		if err != nil {
			t.Fatalf("handle copy %d: %v", i+1, err)
		}
		disps = append(disps, disp)
		e.advance(1)
	}
	cases, err := e.st.Cases(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 2 {
		t.Errorf("%d cases from one complaint delivered twice and another mail, want 2", len(cases))
	}
	mails := e.send()
	for _, tmpl := range []string{"bevestiging", "melding-nieuw"} {
		if n := len(withTemplate(mails, tmpl)); n != 2 {
			t.Errorf("%d %s mails, want 2 (one for each distinct mail)", n, tmpl)
		}
	}
	if disps[1] != disps[0] || disps[0] == intake.Leave {
		t.Errorf("the second delivery: disposition %v, want %v (filed as the first)", disps[1], disps[0])
	}
	err = e.st.InTx(context.Background(), func(tx *store.Tx) error {
		first, _, err := tx.SeenIncoming("INBOX", 1, 10, "", "")
		if err != nil {
			return err
		}
		rec, seen, err := tx.SeenIncoming("INBOX", 1, 11, "", "")
		if err != nil || !seen {
			return fmt.Errorf("the second copy has no record (seen %v): %v", seen, err)
		}
		sum := sha256.Sum256(retry)
		if rec.Hash != hex.EncodeToString(sum[:]) || rec.CaseID == "" || rec.CaseID != first.CaseID {
			return fmt.Errorf("the second copy's record: hash %s (its bytes: %x), case %q (the first copy's: %q)", rec.Hash, sum, rec.CaseID, first.CaseID)
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
}
