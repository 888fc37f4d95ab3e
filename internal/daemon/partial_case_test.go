package daemon

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/mailtest"
	"github.com/groeimeesters/klachtd/internal/store"
)

// TestPartialComplaintKeptWhole: a complaint and an ordinary mail, each with a 300 KB PDF,
// through a real Dovecot and a proxy that counts the bytes. Both are first read by structure;
// the complaint becomes a case and is then fetched whole: its archive copy and the hash in its
// incoming record are those of the message as the server has it, byte for byte. The ordinary
// mail's attachment never crosses the wire, and the mail is left as it was.
func TestPartialComplaintKeptWhole(t *testing.T) {
	dv := mailtest.StartDovecot(t)
	sink := mailtest.StartSMTPSink(t)
	proxy := mailtest.NewProxy(t, dv.Addr())
	cfg := testConfig(t, proxy.Addr(), dv.User, dv.Password, sink.Port())
	klacht := "Beste,\r\n\r\nIk wil een klacht indienen over de training van vorige week.\r\n\r\nGroet, Anna"
	complaint := mimeMail("Anna de Vries <anna@example.nl>", "Training", "groot-1@example.nl",
		mixed("b-groot-1", textPart(klacht), attachmentPart("application/pdf", "scan.pdf", 300<<10, 31)))
	ordinary := mimeMail("Piet <piet@example.org>", "Offerte", "groot-2@example.org",
		mixed("b-groot-2", textPart("Hierbij de offerte."), attachmentPart("application/pdf", "offerte.pdf", 300<<10, 32)))
	dv.Append(t, "INBOX", complaint)
	ordinaryUID := dv.Append(t, "INBOX", ordinary)
	d, st := newTestDaemon(t, cfg, mailtest.NewRunningClock(time.Now()), nil)
	runDaemon(t, d)
	sink.WaitFor(t, 2, 30*time.Second) // the confirmation and the staff notice

	ctx := context.Background()
	cases, err := st.Cases(ctx, "")
	if err != nil || len(cases) != 1 {
		t.Fatalf("cases: %d, %v; want the one complaint", len(cases), err)
	}
	msgs, err := st.Messages(ctx, cases[0].ID, true)
	if err != nil {
		t.Fatal(err)
	}
	var archived []byte
	for _, m := range msgs {
		if m.Direction == "in" {
			archived = m.Raw
		}
	}
	if !bytes.Equal(archived, complaint) {
		t.Errorf("archived %d bytes, want the whole complaint of %d bytes as the server has it", len(archived), len(complaint))
	}
	var rec store.Incoming
	var seen bool
	sum := sha256.Sum256(complaint)
	err = st.InTx(ctx, func(tx *store.Tx) error {
		var err error
		rec, seen, err = tx.SeenIncoming("INBOX", 0, 1, hex.EncodeToString(sum[:]), "")
		return err
	})
	if err != nil || !seen || rec.Hash != hex.EncodeToString(sum[:]) || rec.UID != 1 {
		t.Errorf("incoming record %+v (found %v, %v); want uid 1 with the hash of the whole complaint", rec, seen, err)
	}

	if _, down := proxy.Bytes(); down > int64(len(complaint))+100<<10 {
		t.Errorf("%d bytes came from the server, want the complaint (%d) and little more: the ordinary mail's PDF was fetched",
			down, len(complaint))
	}
	for _, m := range dv.List(t, "INBOX") {
		if m.UID == ordinaryUID && len(m.Flags) != 0 {
			t.Errorf("the ordinary mail has flags %v, want it left as it was", m.Flags)
		}
	}
}
