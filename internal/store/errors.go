package store

import (
	"context"
	"errors"

	"modernc.org/sqlite"
)

// Primary SQLite result codes that mean "try again later" rather than "this cannot work".
const (
	sqliteBusy     = 5
	sqliteLocked   = 6
	sqliteNoMem    = 7
	sqliteIOErr    = 10
	sqliteFull     = 13
	sqliteCantOpen = 14
)

// IsTemporary reports whether a failure is the database's (busy, locked, disk full, I/O) or
// the caller's context, so that the same work may succeed later; any other failure is
// permanent for the input that caused it.
func IsTemporary(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqliteBusy, sqliteLocked, sqliteNoMem, sqliteIOErr, sqliteFull, sqliteCantOpen:
			return true
		}
	}
	return false
}
