package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/groeimeesters/klachtd/internal/dur"
	"github.com/groeimeesters/klachtd/internal/store"
)

// cmdBackup writes a consistent copy of the database to a new file (0600), also while the
// daemon runs, checks the copy and says what it holds and how long it may be kept.
func cmdBackup(ctx context.Context, e *env) error {
	if len(e.args) != 1 {
		return usageError{"give the file to write the backup to, such as /var/backups/klachtd-2026-12-01.db"}
	}
	path := e.args[0]
	if _, err := os.Lstat(path); err == nil {
		return failf("%s exists already: a backup never replaces a file; give a new name", path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return failf("back up to %s: %v", path, err)
	}
	c, st, err := e.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(ctx, path); err != nil {
		return failf("%v", err)
	}
	info, err := store.CheckBackup(ctx, path)
	if err != nil {
		return failf("the backup was written but does not read back: %v", err)
	}
	fi, _ := os.Stat(path)
	fmt.Fprintf(e.stdout, "%s: %s and %s (%.1f MB, schema %d), mode 0600\n", path, plural(info.Cases, "case", "cases"),
		plural(info.Messages, "mail", "mails"), float64(fi.Size())/1e6, info.Schema)
	fmt.Fprintf(e.stdout, "It holds complaints: keep it as safe as the database, and for less than retention.keep (%s):\n"+
		"the purge does not reach copies. Restore it with klachtd stopped: copy it over %s, then run klachtd purge.\n",
		dur.Format(c.Retention.Keep), c.Storage.Path)
	return nil
}
