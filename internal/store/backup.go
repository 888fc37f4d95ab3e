package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
)

// Backup writes a consistent copy of the database to path, which must not exist yet: SQLite's
// VACUUM INTO reads one snapshot of the database (the daemon may go on writing meanwhile) and
// writes it compacted. The copy is made under a temporary name beside path, restricted to
// mode 0600 and synced, and only then renamed to path, so that path is whole or absent.
func (s *Store) Backup(ctx context.Context, path string) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("back up to %s: %w", path, err)
	}
	name := tmp.Name()
	tmp.Close()
	os.Remove(name) // VACUUM INTO wants to create the file itself
	defer os.Remove(name)
	if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, name); err != nil {
		return fmt.Errorf("back up to %s: %w", path, err)
	}
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("back up to %s: %w", path, err)
	}
	err = f.Chmod(0o600)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Link(name, path) // fails when path exists: a backup never replaces a file
	}
	if err != nil {
		return fmt.Errorf("back up to %s: %w", path, err)
	}
	return nil
}

// BackupInfo is what a backup holds, read back from the copy itself.
type BackupInfo struct {
	Cases, Messages int
	Schema          int // PRAGMA user_version
}

// CheckBackup opens a backup read-only, checks it (PRAGMA quick_check) and counts what it
// holds.
func CheckBackup(ctx context.Context, path string) (BackupInfo, error) {
	var b BackupInfo
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return b, fmt.Errorf("open the backup %s: %w", path, err)
	}
	defer db.Close()
	var check string
	if err := db.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&check); err != nil {
		return b, fmt.Errorf("check the backup %s: %w", path, err)
	}
	if check != "ok" {
		return b, fmt.Errorf("check the backup %s: %s", path, check)
	}
	err = db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM messages) +
		(SELECT count(*) FROM outbox)`).Scan(&b.Cases, &b.Messages)
	if err == nil {
		err = db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&b.Schema)
	}
	if err != nil {
		return b, fmt.Errorf("read the backup %s: %w", path, err)
	}
	return b, nil
}
