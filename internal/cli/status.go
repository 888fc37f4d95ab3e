package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/config"
	kd "github.com/groeimeesters/klachtd/internal/daemon"
	"github.com/groeimeesters/klachtd/internal/store"
)

// maxDeadlines is how many coming deadlines status shows.
const maxDeadlines = 5

// cmdStatus is one screen for whoever runs klachtd: is the daemon running, when did it last
// poll the mailbox, what waits to be sent, the next deadlines, and what needs attention. It
// reads the database only (no secret, no login) and exits 1 when something needs attention.
func cmdStatus(ctx context.Context, e *env) error {
	if err := e.noArgs(); err != nil {
		return err
	}
	c, st, err := e.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	now := time.Now()
	s, err := gatherStatus(ctx, st, c, now)
	if err != nil {
		return err
	}
	s.print(e.stdout, c, e.configPath, now)
	if len(s.warnings) > 0 {
		return failf("%s", plural(len(s.warnings), "warning", "warnings")+" (see above)")
	}
	return nil
}

// status is what cmdStatus found.
type status struct {
	daemon   store.DaemonStatus
	ran      bool   // a daemon ever ran on this database
	running  bool   // it gave a sign of life lately and did not stop
	state    string // the daemon line
	out      store.OutboxSummary
	open     map[complaint.Status]int
	next     []complaint.Case // open cases by next deadline
	warnings []string
	loc      *time.Location // the organisation's: what people read is in its time
}

func gatherStatus(ctx context.Context, st *store.Store, c *config.Config, now time.Time) (*status, error) {
	s := &status{open: map[complaint.Status]int{}, loc: c.Organisation.Location}
	var err error
	if s.daemon, s.ran, err = st.GetDaemonStatus(ctx); err != nil {
		return nil, err
	}
	s.daemonState(now)
	if s.out, err = st.Outgoing(ctx, now.AddDate(0, 0, -7)); err != nil {
		return nil, err
	}
	cases, err := st.Cases(ctx, "")
	if err != nil {
		return nil, err
	}
	loc := c.Organisation.Location
	for _, cs := range cases {
		if !cs.Status.IsOpen() {
			continue
		}
		s.open[cs.Status]++
		next, _ := cs.NextDeadline()
		if !next.IsZero() {
			s.next = append(s.next, cs)
		}
		if next.Before(now) && !next.IsZero() {
			s.warn("%s is past its %s (%s): answer with a verdict or [verlenging …]", cs.ID, deadlineWhat(cs), complaint.FormatStamp(next, loc))
		}
		if cs.ConfirmedAt.IsZero() && cs.Email != "" && now.Sub(cs.ReceivedAt) > c.Deadlines.ConfirmAlarm {
			s.warn("%s was received %s and is not yet confirmed (promised within %s)", cs.ID, s.ago(now, cs.ReceivedAt), durWords(c.Deadlines.ConfirmWithin))
		}
	}
	sort.Slice(s.next, func(i, j int) bool {
		a, _ := s.next[i].NextDeadline()
		b, _ := s.next[j].NextDeadline()
		return a.Before(b) || a.Equal(b) && s.next[i].ID < s.next[j].ID
	})
	alarms, err := st.Alarms(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range alarms {
		s.warn("alarm since %s: %s", complaint.FormatStamp(a.Raised, loc), a.Detail)
	}
	s.mailWarnings(c, now)
	if n, err := st.QuarantinedSince(ctx, now.AddDate(0, 0, -7)); err != nil {
		return nil, err
	} else if n > 0 {
		s.warn("%s could not be read in the last 7 days and stayed in the mailbox (staff were told each time)", plural(n, "mail", "mails"))
	}
	return s, nil
}

// daemonState decides whether the daemon runs: a sign of life within three beats, no stop
// written, and (on this machine) its process alive.
func (s *status) daemonState(now time.Time) {
	d := s.daemon
	silent := now.Sub(d.BeatAt)
	host, _ := os.Hostname()
	switch {
	case !s.ran:
		s.state = "has never run on this database"
		s.warn("the daemon has never run with this configuration: systemctl enable --now klachtd (or klachtd run)")
	case !d.StoppedAt.IsZero():
		s.state = "stopped " + s.ago(now, d.StoppedAt)
		s.warn("the daemon is not running (it stopped %s): systemctl start klachtd, and systemctl status klachtd for why it stopped", s.ago(now, d.StoppedAt))
	case silent > 3*kd.BeatEvery():
		s.state = "not running: last sign of life " + s.ago(now, d.BeatAt)
		s.warn("the daemon gave no sign of life since %s: it died or hangs; systemctl status klachtd and journalctl -u klachtd say why", s.ago(now, d.BeatAt))
	case d.Host == host && !alive(d.PID):
		s.state = fmt.Sprintf("not running: process %d is gone", d.PID)
		s.warn("the daemon's process %d is gone without stopping: systemctl status klachtd", d.PID)
	default:
		s.running = true
		s.state = fmt.Sprintf("running since %s (pid %d on %s; last sign of life %s)", s.ago(now, d.StartedAt), d.PID, d.Host, s.ago(now, d.BeatAt))
	}
}

// mailWarnings are the mailbox's and the outbox's troubles.
func (s *status) mailWarnings(c *config.Config, now time.Time) {
	d := s.daemon
	if s.running && d.LoginError != "" {
		s.warn("the last IMAP login failed: %s (klachtd check says more)", d.LoginError)
	}
	if stale := 3*c.IMAP.PollInterval + c.IMAP.Timeout; s.running && now.Sub(d.StartedAt) > stale &&
		(d.LastPoll.IsZero() || now.Sub(d.LastPoll) > stale) {
		s.warn("the mailbox was not polled for %s: klachtd check, and the daemon's log", s.ago(now, d.LastPoll))
	}
	if o := s.out; o.Queued > 0 && now.Sub(o.OldestQueued) > time.Hour {
		s.warn("%s waiting to be sent, the oldest queued %s: is the SMTP server reachable? klachtd check", plural(o.Queued, "mail is", "mails are"), s.ago(now, o.OldestQueued))
	}
	if o := s.out; o.Failed > 0 {
		where := ""
		if len(o.FailedCases) > 0 {
			where = ": klachtd show " + strings.Join(o.FailedCases, ", ")
		}
		s.warn("%s failed for good in the last 7 days (staff were told)%s", plural(o.Failed, "mail", "mails"), where)
	}
}

func (s *status) warn(format string, args ...any) {
	s.warnings = append(s.warnings, fmt.Sprintf(format, args...))
}

// print writes the screen.
func (s *status) print(w io.Writer, c *config.Config, cfgPath string, now time.Time) {
	loc := c.Organisation.Location
	fmt.Fprintf(w, "klachtd for %s (%s), %s\n\n", c.Organisation.Name, c.Organisation.Address, cfgPath)
	t := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(t, "daemon\t%s\n", s.state)
	poll := "never polled"
	if !s.daemon.LastPoll.IsZero() {
		poll = "last poll " + s.ago(now, s.daemon.LastPoll)
	}
	fmt.Fprintf(t, "mailbox\t%s on %s: %s\n", c.IMAP.Mailbox, c.IMAP.Host, poll)
	waiting := "nothing waiting"
	if s.out.Queued > 0 {
		waiting = fmt.Sprintf("%s waiting (the oldest queued %s)", plural(s.out.Queued, "mail", "mails"), s.ago(now, s.out.OldestQueued))
	}
	fmt.Fprintf(t, "outgoing\t%s; in the last 7 days %d sent, %d failed\n", waiting, s.out.Sent, s.out.Failed)
	var open []string
	total := 0
	for _, st := range []complaint.Status{complaint.StatusNieuw, complaint.StatusBevestigd, complaint.StatusInfoNodig,
		complaint.StatusInBehandeling, complaint.StatusBeoordeeld, complaint.StatusEscalatie} {
		if n := s.open[st]; n > 0 {
			open = append(open, fmt.Sprintf("%d %s", n, st))
			total += n
		}
	}
	cases := "no open cases"
	if total > 0 {
		cases = fmt.Sprintf("%s open (%s)", plural(total, "case", "cases"), strings.Join(open, ", "))
	}
	fmt.Fprintf(t, "cases\t%s\n", cases)
	t.Flush()
	if len(s.next) > 0 {
		fmt.Fprintln(w, "\nnext deadlines")
		t = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for i, cs := range s.next {
			if i == maxDeadlines {
				break
			}
			next, _ := cs.NextDeadline()
			fmt.Fprintf(t, "  %s\t%s\t%s\t%s\n", complaint.FormatStamp(next, loc), cs.ID, deadlineWhat(cs), cs.Status)
		}
		t.Flush()
	}
	if len(s.warnings) == 0 {
		fmt.Fprintln(w, "\nno warnings")
		return
	}
	fmt.Fprintln(w, "\nwarnings")
	for _, m := range s.warnings {
		fmt.Fprintf(w, "  - %s\n", m)
	}
}

// deadlineWhat names a case's next deadline.
func deadlineWhat(c complaint.Case) string {
	if _, what := c.NextDeadline(); what == "remedy" {
		return "remediation term"
	}
	if c.Extended {
		return "decision term (extended)"
	}
	return "decision term"
}

// alive reports whether a process with this id exists on this machine.
func alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// ago says how long ago t was, as a person reads it: "12 s ago", "3 min ago", "5 h ago",
// or the moment, in the organisation's zone, for what is older than a day.
func (s *status) ago(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t)
	switch {
	case d < 0:
		return "just now"
	case d < time.Minute:
		return fmt.Sprintf("%d s ago", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	}
	return "on " + complaint.FormatStamp(t, s.loc)
}

// durWords writes a configured term as people say it: "48 h", "4 weeks".
func durWords(d time.Duration) string {
	switch {
	case d%(7*24*time.Hour) == 0:
		return plural(int(d/(7*24*time.Hour)), "week", "weeks")
	case d%(24*time.Hour) == 0 && d > 48*time.Hour:
		return plural(int(d/(24*time.Hour)), "day", "days")
	case d%time.Hour == 0:
		return fmt.Sprintf("%d h", int(d/time.Hour))
	}
	return d.String()
}
