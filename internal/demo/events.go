package demo

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/daemon"
	"github.com/groeimeesters/klachtd/internal/render"
)

// lockedWriter lets the daemon's goroutines and the demo's own flow print whole lines
// without mixing them.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// takenFor says in words what an incoming message was taken for.
var takenFor = map[string]string{
	"complaint":         "a complaint",
	"staff-new":         "a complaint forwarded by staff with [nieuw]",
	"reply-complainant": "the complainant's reply",
	"reply-commissaris": "the commissaris' reply",
	"reply-unverified":  "a reply from an address that is not on the case: kept, changes nothing",
	"reply-staff":       "a staff reply",
	"forged-command":    "a command from an unverified sender: refused",
	"duplicate-command": "a command carried out before: not again",
	"bounce":            "a delivery failure",
	"quarantine":        "mail that cannot be read: kept apart, staff told",
	"too-large":         "mail larger than imap.max_size: staff told",
}

// printEvent writes one observation as a line of the demo's printout, its time of day in loc
// (the organisation's zone, as every time klachtd shows).
func printEvent(w io.Writer, o daemon.Observation, loc *time.Location) {
	at := complaint.FormatClock(o.At, loc)
	switch o.What {
	case daemon.ObservedMailOut, daemon.ObservedMailFailed:
		verb := "mail out"
		if o.What == daemon.ObservedMailFailed {
			verb = "mail FAILED"
		}
		line := fmt.Sprintf("  %s  %-11s %s to %s", at, verb, render.Describe(o.Kind, "en"), strings.Join(o.To, ", "))
		if o.CaseID != "" {
			line += "  [" + o.CaseID + "]"
		}
		if o.Reason != "" {
			line += ": " + o.Reason
		}
		fmt.Fprintln(w, line)
	case daemon.ObservedMailIn:
		fmt.Fprintf(w, "  %s  %-11s uid %d: %s\n", at, "mail in", o.UID, mailIn(o))
	}
}

// mailIn says what became of an incoming message: what it was taken for and what it did.
func mailIn(o daemon.Observation) string {
	if o.Kind == "" {
		return "not for klachtd (ordinary mail): left in the inbox as it was"
	}
	what, ok := takenFor[o.Kind]
	if !ok {
		what = o.Kind
	}
	switch o.Kind {
	case "complaint", "staff-new":
		return fmt.Sprintf("%s: case %s registered", what, o.CaseID)
	case "reply-staff":
		return fmt.Sprintf("%s on %s: %s", what, o.CaseID, command(o))
	}
	if o.CaseID != "" {
		what += " on " + o.CaseID
	}
	return what
}

// command says whether a staff reply's command was carried out or refused, and what changed.
func command(o daemon.Observation) string {
	var done []string
	for _, e := range o.Events {
		switch e.Kind {
		case "command-error", "forged-command", "duplicate-command":
			return "command refused (" + e.Text + "); the staff member is told why"
		case "mail-staff":
			return "no tags: kept on the case as a note"
		}
		done = append(done, e.Kind+" "+e.Text)
	}
	if len(done) == 0 {
		return "command carried out"
	}
	return "command carried out (" + strings.Join(done, "; ") + ")"
}
