package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	kd "github.com/groeimeesters/klachtd/internal/daemon"
	"github.com/groeimeesters/klachtd/internal/store"
)

// TestBackup: backup writes a copy that reads back whole (quick_check) with every case, mode
// 0600, while another writer goes on registering cases; it never replaces a file or writes
// through a link.
func TestBackup(t *testing.T) {
	cfg := writeConfig(t, "")
	for i := range 3 {
		newCase(t, cfg, "--name", "Klant", "--email", "klant"+string(rune('a'+i))+"@example.nl", "--text", "klacht")
	}
	dir := t.TempDir()
	var wg sync.WaitGroup
	stop, started := make(chan struct{}), make(chan struct{})
	wg.Add(1)
	go func() { // a writer meanwhile, as the running daemon would be
		defer wg.Done()
		withDaemon(t, cfg, func(d *kd.Daemon, st *store.Store) {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := d.Register(context.Background(), kd.Registration{Name: "Druk", Email: "druk@example.nl", Text: "klacht", Via: "cli"}, nil); err != nil {
					t.Errorf("register during the backup: %v", err)
					return
				}
				if i == 2 {
					close(started)
				}
			}
		})
	}()
	<-started
	var backups []string
	for i := range 3 {
		path := filepath.Join(dir, "backup-"+string(rune('1'+i))+".db")
		r := mustRun(t, 0, "backup", path, "--config", cfg)
		if !strings.Contains(r.stdout, "mode 0600") || !strings.Contains(r.stdout, "retention.keep (2y)") {
			t.Errorf("backup output:\n%s", r.stdout)
		}
		backups = append(backups, path)
	}
	close(stop)
	wg.Wait()
	// After the writer: the backup holds exactly what the database holds, the write-ahead log
	// included.
	final := filepath.Join(t.TempDir(), "final.db")
	withDaemon(t, cfg, func(d *kd.Daemon, st *store.Store) { // holds the log open, as the daemon does
		if _, err := d.Register(context.Background(), kd.Registration{Name: "Laatst", Email: "laatst@example.nl", Text: "klacht", Via: "cli"}, nil); err != nil {
			t.Fatal(err)
		}
		mustRun(t, 0, "backup", final, "--config", cfg)
		cases, _ := st.Cases(context.Background(), "")
		if info, err := store.CheckBackup(context.Background(), final); err != nil || info.Cases != len(cases) || len(cases) <= 4 {
			t.Errorf("final backup: %v, %d cases; the database holds %d", err, info.Cases, len(cases))
		}
	})
	for _, path := range backups {
		fi, err := os.Stat(path)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v, mode %v", path, err, fi.Mode().Perm())
		}
		info, err := store.CheckBackup(context.Background(), path)
		if err != nil || info.Cases < 3 {
			t.Errorf("%s: %v, %d cases, want at least 3", path, err, info.Cases)
		}
	}
	// Never over a file, never through a link.
	target := filepath.Join(dir, "target")
	os.WriteFile(target, []byte("keep me"), 0o644)
	link := filepath.Join(dir, "link.db")
	os.Symlink(target, link)
	for _, path := range []string{backups[0], link} {
		r := mustRun(t, 1, "backup", path, "--config", cfg)
		if !strings.Contains(r.stderr, "exists already") {
			t.Errorf("backup over %s: %s", path, r.stderr)
		}
	}
	if b, _ := os.ReadFile(target); string(b) != "keep me" {
		t.Errorf("the link's target was written: %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 5 {
		t.Errorf("%d files in the backup folder, want the 3 backups, the target and the link (no leftovers)", len(entries))
	}
}
