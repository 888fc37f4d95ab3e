package demo

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/config"
	"github.com/groeimeesters/klachtd/internal/store"
)

// writeConfig writes dir/config.toml, the demo's configuration as a file, so that the
// read-only commands (list, show, report, export) work on the demo's database after the demo;
// the IMAP password goes in dir/imap-password, as secrets always do. It returns the file's path.
func writeConfig(dir string, c *config.Config) (string, error) {
	pw := filepath.Join(dir, "imap-password")
	if err := os.WriteFile(pw, []byte(c.IMAP.Password+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("write the demo's password file: %w", err)
	}
	q := strconv.Quote
	list := func(l []string) string {
		out := make([]string, len(l))
		for i, s := range l {
			out[i] = q(s)
		}
		return "[" + strings.Join(out, ", ") + "]"
	}
	o := c.Organisation
	text := fmt.Sprintf(`# The configuration of a klachtd demo (klachtd demo --keep %s).
# The demo's IMAP and SMTP servers ran inside the demo and are gone when it stops: this file is
# for the commands that only read the database: klachtd list, show, report and export.

[organisation]
name     = %s
address  = %s
phone    = %s
officer  = %s
timezone = %s
language = %s

[imap]
host          = %s
port          = %d
tls           = "none"
username      = %s
password_file = %s
poll_interval = %q
backfill      = "2000-01-01"

[smtp]
host = %s
port = %d
tls  = "none"

[staff]
addresses      = %s
authentication = "none"   # trusts the From: header: for a demo on loopback only

[commissaris]
name  = %s
email = %s

[complaints]
services = %s

[report]
recipients = %s

[storage]
path = %s
`, q(dir), q(o.Name), q(o.Address), q(o.Phone), q(o.Officer), q(o.Timezone), q(o.Language),
		q(c.IMAP.Host), c.IMAP.Port, q(c.IMAP.Username), q(pw), c.IMAP.PollInterval.String(),
		q(c.SMTP.Host), c.SMTP.Port, list(c.Staff.Addresses), q(c.Commissaris.Name), q(c.Commissaris.Email),
		list(c.Complaints.Services), list(c.Report.Recipients), q(c.Storage.Path))
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		return "", fmt.Errorf("write the demo's config.toml: %w", err)
	}
	if _, err := config.Load(path); err != nil { // the file must be what the commands accept
		return "", fmt.Errorf("the demo's config.toml: %w", err)
	}
	return path, nil
}

// firstCase is the demo's first case number, for the follow-up commands.
func firstCase(ctx context.Context, st *store.Store) string {
	cases, err := st.Cases(ctx, "")
	id := "KL-0000-0001"
	for _, c := range cases {
		if err == nil && (id == "KL-0000-0001" || c.ID < id) {
			id = c.ID
		}
	}
	return id
}

// currentPeriod is the half year under way, where the demo's cases are.
func currentPeriod(c *config.Config) string {
	label, _, _ := complaint.HalfYearPeriod(time.Now(), c.Organisation.Location)
	return label
}

// messages is "1 message" or "3 messages".
func messages(n int) string {
	if n == 1 {
		return "1 message"
	}
	return strconv.Itoa(n) + " messages"
}
