package store

import (
	"fmt"
	"time"
)

// Bounce holds: an address that bounced permanently gets no automatic mail until staff say
// it works again ([adres-ok]) or the complainant writes from it in person.

// HoldAddress stops mail to an address that bounced, until staff clear it.
func (t *Tx) HoldAddress(address, reason string, at time.Time) error {
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO bounce_holds(address, since, reason) VALUES(?,?,?)
		ON CONFLICT(address) DO NOTHING`, address, at.UnixMilli(), reason)
	if err != nil {
		return fmt.Errorf("hold bouncing address: %w", err)
	}
	return nil
}

// ClearHold lets mail go to an address again.
func (t *Tx) ClearHold(address string) error {
	if _, err := t.tx.ExecContext(t.ctx, `DELETE FROM bounce_holds WHERE address = ?`, address); err != nil {
		return fmt.Errorf("clear hold: %w", err)
	}
	return nil
}

// Held reports whether mail to address is held after a bounce.
func (t *Tx) Held(address string) (bool, error) {
	var n int
	if err := t.tx.QueryRowContext(t.ctx, `SELECT count(*) FROM bounce_holds WHERE address = ?`, address).Scan(&n); err != nil {
		return false, fmt.Errorf("check hold: %w", err)
	}
	return n > 0, nil
}
