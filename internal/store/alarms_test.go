package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

func TestAlarmsRaisedOnceUntilCleared(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "k.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	at := time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC)
	raise := func(detail string) bool {
		var raised bool
		if err := st.InTx(ctx, func(tx *Tx) (err error) { raised, err = tx.RaiseAlarm("oauth2-refused", detail, at); return err }); err != nil {
			t.Fatal(err)
		}
		return raised
	}
	if !raise("refused") {
		t.Fatal("first raise not new")
	}
	if raise("refused again") {
		t.Error("a held alarm was raised again")
	}
	got, err := st.Alarms(ctx)
	if err != nil || len(got) != 1 || got[0].Detail != "refused" {
		t.Fatalf("Alarms = %+v, %v; want the first detail", got, err)
	}
	var cleared bool
	if err := st.InTx(ctx, func(tx *Tx) (err error) { cleared, err = tx.ClearAlarm("oauth2-refused", at); return err }); err != nil || !cleared {
		t.Fatalf("ClearAlarm = %v, %v", cleared, err)
	}
	if holds, _ := st.AlarmHolds(ctx, "oauth2-refused"); holds {
		t.Error("cleared alarm still holds")
	}
	if !raise("refused once more") {
		t.Error("an alarm raised after it cleared is not new")
	}
}
