// Package store is klachtd's SQLite database: embedded numbered migrations, typed methods and
// the only SQL in the program. One writer at a time (immediate transactions behind writeLock,
// which lets the record of a sent mail go first), any number of readers (WAL). The file and
// its WAL are readable by the service user alone. It knows the domain types of package
// complaint and nothing of IMAP, SMTP or templates.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"modernc.org/sqlite" // the pure-Go SQLite driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// ErrNotFound is returned when a case or row does not exist.
var ErrNotFound = errors.New("not found")

// ErrTooNew is returned when the database was written by a newer klachtd.
var ErrTooNew = errors.New("database schema is newer than this klachtd")

// Store is an open database.
type Store struct {
	db   *sql.DB
	wmu  writeLock // one writer; records of sent mail first
	path string

	fsync     func(*os.File) error // (*os.File).Sync; tests see what is synced
	smu       sync.Mutex           // guards syncedLog
	syncedLog os.FileInfo          // the log file whose name the last Sync made durable
}

// Open opens (creating if needed, mode 0600) the database at path and migrates it. Commits
// survive a crash of the process at once (WAL, synchronous=NORMAL), and a power cut after
// Sync: the intake calls Sync before it moves handled mail out of the inbox.
func Open(ctx context.Context, path string) (*Store, error) {
	if path != ":memory:" {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("create database folder: %w", err)
		}
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, fmt.Errorf("create database file: %w", err)
		}
		f.Close()
		if err := os.Chmod(path, 0o600); err != nil {
			return nil, fmt.Errorf("restrict database file: %w", err)
		}
	}
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	connector, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	db := sql.OpenDB(cachingConnector{connector}) // statements kept across transactions: stmtcache.go
	db.SetMaxOpenConns(8)
	s := &Store{db: db, path: path, fsync: (*os.File).Sync}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(path + suffix); err == nil {
			_ = os.Chmod(path+suffix, 0o600)
		}
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Path is the database file.
func (s *Store) Path() string { return s.path }

func (s *Store) migrate(ctx context.Context) error {
	entries, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("read migrations: %w", err)
	}
	type mig struct {
		n    int
		name string
	}
	var list []mig
	for _, e := range entries {
		n, err := strconv.Atoi(strings.SplitN(e.Name(), "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: name must start with a number", e.Name())
		}
		list = append(list, mig{n, e.Name()})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].n < list[j].n })
	var version int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if latest := list[len(list)-1].n; version > latest {
		return fmt.Errorf("%w (schema %d, this binary knows up to %d)", ErrTooNew, version, latest)
	}
	for _, m := range list {
		if m.n <= version {
			continue
		}
		body, err := migrations.ReadFile("migrations/" + m.name)
		if err != nil {
			return fmt.Errorf("read migration %s: %w", m.name, err)
		}
		err = s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.n))
			return err
		})
		if err != nil {
			return fmt.Errorf("apply migration %s: %w", m.name, err)
		}
	}
	return nil
}

// write runs fn in an immediate transaction, one writer at a time. ctx ends the wait to begin
// it and rolls it back once done (database/sql); fn gets a ctx for its statements that does
// not interrupt them: with a ctx that can end, the driver would start a goroutine and a
// progress handler for each statement to watch it (a tenth of a complaint's instructions),
// for transactions that take milliseconds.
func (s *Store) write(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) (err error) {
	return s.writeAs(ctx, false, fn)
}

// writeAs is write, for a prompt writer (writeLock) or another.
func (s *Store) writeAs(ctx context.Context, prompt bool, fn func(ctx context.Context, tx *sql.Tx) error) (err error) {
	s.wmu.lock(prompt)
	defer s.wmu.unlock(prompt)
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			err = fmt.Errorf("panic in transaction: %v", p)
		}
	}()
	if err := fn(context.WithoutCancel(ctx), tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Sync makes every commit so far durable, also against a power cut. Commits run with
// synchronous=NORMAL: they survive a crash of the process at once, and are in the write-ahead
// log, but perhaps not yet on the disk. Sync fsyncs the log file itself, which holds every
// commit not yet checkpointed, in order (what a checkpoint copied into the database was synced
// before the log was used again), and the folder when the log file is new since the last
// Sync. It takes no lock, so writers go on while the disk syncs (a sync takes tens of
// milliseconds on a virtual disk). Without a log file (a store in memory, or one whose log
// was checkpointed away) it commits a small write with synchronous=FULL instead, which
// syncs whatever log there is.
func (s *Store) Sync(ctx context.Context) error {
	if s.path == "" || s.path == ":memory:" {
		return s.syncByCommit(ctx)
	}
	wal := s.path + "-wal"
	f, err := os.Open(wal)
	if errors.Is(err, fs.ErrNotExist) {
		return s.syncByCommit(ctx)
	}
	if err != nil {
		return fmt.Errorf("sync the database: %w", err)
	}
	defer f.Close()
	if err := s.fsync(f); err != nil {
		return fmt.Errorf("sync the database log: %w", err)
	}
	return s.syncFolder(f)
}

// syncFolder fsyncs the database's folder when the log file f is another file than at the
// last Sync: its name must survive a power cut too.
func (s *Store) syncFolder(f *os.File) error {
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("sync the database log: %w", err)
	}
	s.smu.Lock()
	defer s.smu.Unlock()
	if s.syncedLog != nil && os.SameFile(s.syncedLog, fi) {
		return nil
	}
	dir, err := os.Open(filepath.Dir(s.path))
	if err != nil {
		return fmt.Errorf("sync the database folder: %w", err)
	}
	defer dir.Close()
	if err := s.fsync(dir); err != nil {
		return fmt.Errorf("sync the database folder: %w", err)
	}
	s.syncedLog = fi
	return nil
}

// syncByCommit commits one small write on a connection set to synchronous=FULL, which syncs
// the write-ahead log, and the log holds every earlier commit in order. (A WAL checkpoint is
// no substitute: it skips the sync when a reader holds the log.)
func (s *Store) syncByCommit(ctx context.Context) error {
	s.wmu.lock(false)
	defer s.wmu.unlock(false)
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sync the database: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA synchronous=FULL"); err != nil {
		return fmt.Errorf("sync the database: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA synchronous=NORMAL") //nolint:errcheck // the pool's setting again
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sync the database: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO sync_marker(id, at) VALUES(1, ?)
		ON CONFLICT(id) DO UPDATE SET at = excluded.at`, time.Now().UnixMilli()); err != nil {
		tx.Rollback()
		return fmt.Errorf("sync the database: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sync the database: %w", err)
	}
	return nil
}

// Tx is a write transaction; its methods are the only way to change the database.
type Tx struct {
	ctx context.Context
	tx  *sql.Tx
	// timerDue is the earliest moment a timer added or postponed in the transaction is due;
	// zero: none (TimerDue).
	timerDue time.Time
}

// InTx runs fn in one write transaction: all of it is committed or none. ctx is as for write:
// it does not interrupt the transaction's statements.
func (s *Store) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	return s.write(ctx, func(ctx context.Context, t *sql.Tx) error { return fn(&Tx{ctx: ctx, tx: t}) })
}

// inTxPrompt is InTx for a record that should not wait behind other writers: the outcome of
// a send (writeLock).
func (s *Store) inTxPrompt(ctx context.Context, fn func(tx *Tx) error) error {
	return s.writeAs(ctx, true, func(ctx context.Context, t *sql.Tx) error { return fn(&Tx{ctx: ctx, tx: t}) })
}

// ms converts a time to the stored form; the zero time is NULL.
func ms(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

// fromMS converts a stored time back; NULL is the zero time.
func fromMS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMilli(v.Int64).UTC()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
