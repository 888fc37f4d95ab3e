package store

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"
)

// connStats reads how many statements the connections of s keep and have prepared.
func connStats(t *testing.T, s *Store) (kept, prepared int) {
	t.Helper()
	ctx := context.Background()
	var conns []*sql.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range 8 { // every connection of the pool at once
		c, err := s.db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		if err := c.Raw(func(dc any) error {
			cc := dc.(*cachingConn)
			kept += len(cc.stmts)
			prepared += cc.prepared
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	return kept, prepared
}

// TestStatementsKeptAcrossTransactions: 200 transactions that record and look up incoming
// mail prepare their statements once per connection, not once per use, and read back what
// they wrote.
func TestStatementsKeptAcrossTransactions(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	_, before := connStats(t, s)
	for i := range 200 {
		err := s.InTx(ctx, func(tx *Tx) error {
			if _, seen, err := tx.SeenIncoming("INBOX", 1, uint32(i+1), fmt.Sprint("h", i), ""); err != nil || seen {
				return fmt.Errorf("seen %v, %v", seen, err)
			}
			return tx.RecordIncoming(Incoming{Mailbox: "INBOX", UIDValidity: 1, UID: uint32(i + 1), Hash: fmt.Sprint("h", i), At: time.Now()})
		})
		if err != nil {
			t.Fatalf("transaction %d: %v", i, err)
		}
	}
	kept, after := connStats(t, s)
	if kept < 2 {
		t.Errorf("%d statements kept, want at least the 2 of these transactions", kept)
	}
	if n := after - before; n > 2*8 {
		t.Errorf("200 transactions of 2 statements prepared %d statements, want at most 2 per connection", n)
	}
	err := s.InTx(ctx, func(tx *Tx) error {
		prev, seen, err := tx.SeenIncoming("INBOX", 1, 150, "", "")
		if err != nil || !seen || prev.Hash != "h149" {
			return fmt.Errorf("uid 150: %+v, seen %v, %v; want hash h149", prev, seen, err)
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
}

// TestKeptStatementNested: the same query run again while rows of it are still open gets a
// statement of its own, and both give their own rows; a statement that does not parse fails as
// before; a script of several statements runs whole.
func TestKeptStatementNested(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	err := s.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(ctx, `CREATE TABLE n(v INTEGER); INSERT INTO n VALUES(1),(2),(3);`); err != nil {
			return fmt.Errorf("script: %w", err)
		}
		const q = `SELECT v FROM n WHERE v >= ? ORDER BY v`
		outer, err := tx.tx.QueryContext(ctx, q, 2)
		if err != nil {
			return err
		}
		defer outer.Close()
		var got []int
		for outer.Next() {
			var v int
			if err := outer.Scan(&v); err != nil {
				return err
			}
			var inner int
			if err := tx.tx.QueryRowContext(ctx, q, v+1).Scan(&inner); err != nil && err != sql.ErrNoRows {
				return fmt.Errorf("inner query: %w", err)
			}
			got = append(got, v*10+inner)
		}
		if err := outer.Err(); err != nil {
			return err
		}
		if fmt.Sprint(got) != "[23 30]" {
			return fmt.Errorf("nested queries gave %v, want [23 30]", got)
		}
		if _, err := tx.tx.ExecContext(ctx, `SELEC v FROM n`); err == nil {
			return fmt.Errorf("a statement that does not parse ran")
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
}
