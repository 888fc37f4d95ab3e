package daemon

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/config"
	"github.com/groeimeesters/klachtd/internal/store"
)

// timerEffect names the mail that is a timer's effect, by the Dutch subject of the staff
// notice; the automatic extension has a second effect, the verlenging to the complainant.
var timerEffect = map[complaint.TimerKind]string{
	complaint.TimerConfirmAlarm:    "Ontvangstbevestiging nog niet verstuurd",
	complaint.TimerRemindBeforeDue: "Herinnering: beslistermijn verloopt op",
	complaint.TimerRemindDue:       "Beslistermijn verloopt vandaag",
	complaint.TimerAutoExtend:      "Beslistermijn automatisch verlengd",
	complaint.TimerRetention:       "Open klacht ouder dan de bewaartermijn",
}

// randomLead is a duration in [lo, hi) to the nanosecond: never a whole number of
// milliseconds by design.
func randomLead(r *rand.Rand, lo, hi time.Duration) time.Duration {
	return lo + time.Duration(r.Int64N(int64(hi-lo)))
}

// randomTerms are valid deadlines of seconds to minutes, none of them whole milliseconds.
func randomTerms(r *rand.Rand) func(*config.Config) {
	return func(c *config.Config) {
		d := &c.Deadlines
		d.HandleWithin = randomLead(r, 5*time.Second, 3*time.Minute)
		d.RemindBefore = randomLead(r, time.Millisecond, d.HandleWithin)
		d.AutoExtend = r.IntN(5) > 0
		d.AutoExtendBefore = randomLead(r, time.Microsecond, d.HandleWithin/2)
		d.AutoExtendBy = randomLead(r, d.AutoExtendBefore+time.Millisecond, 2*d.HandleWithin)
		d.ConfirmWithin = randomLead(r, 2*time.Second, time.Minute)
		d.ConfirmAlarm = randomLead(r, time.Millisecond, d.ConfirmWithin)
		c.Retention.Keep = d.HandleWithin + randomLead(r, time.Millisecond, 4*d.HandleWithin)
	}
}

// jitter is how late a timer is run: mostly within a millisecond or two (the nanoseconds
// between the stored moment and the timer loop's clock), sometimes seconds, sometimes a long
// downtime after which several timers are due at once.
func jitter(r *rand.Rand, handle time.Duration) time.Duration {
	switch n := r.IntN(10); {
	case n < 2:
		return 0
	case n < 7:
		return time.Duration(r.Int64N(int64(2 * time.Millisecond)))
	case n < 9:
		return time.Duration(r.Int64N(int64(time.Second)))
	}
	return time.Duration(r.Int64N(int64(handle)))
}

// TestTimerPropertyEveryFiredTimerHasItsEffect: for random terms (none of them whole
// milliseconds) and random firing jitter, every timer of a case that fires has its effect,
// exactly once (running the due timers twice at the same moment changes nothing), and no due
// timer is left unfired. The case is left alone by staff, so every timer applies when it fires;
// its confirmation goes out at a random moment (or late enough for the alarm).
func TestTimerPropertyEveryFiredTimerHasItsEffect(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s, err := strconv.ParseUint(os.Getenv("KLACHTD_PROPERTY_SEED"), 10, 64); err == nil {
		seed = s // to replay a failure
	}
	t.Logf("seed %d (KLACHTD_PROPERTY_SEED replays it)", seed)
	r := rand.New(rand.NewPCG(seed, 8))
	const rounds = 30
	fired := map[complaint.TimerKind]int{}
	for round := range rounds {
		t.Run(fmt.Sprint(round), func(t *testing.T) {
			for k, n := range propertyRound(t, r) {
				fired[k] += n
			}
		})
	}
	t.Logf("timers fired over %d rounds: %v", rounds, fired)
	for _, k := range []complaint.TimerKind{complaint.TimerConfirmAlarm, complaint.TimerRemindBeforeDue,
		complaint.TimerRemindDue, complaint.TimerAutoExtend, complaint.TimerRetention} {
		if fired[k] == 0 {
			t.Errorf("no %s timer fired in %d rounds: the property checks too little", k, rounds)
		}
	}
}

func propertyRound(t *testing.T, r *rand.Rand) map[complaint.TimerKind]int {
	e := newCaseEnv(t, randomTerms(r), nil)
	d := e.cfg.Deadlines
	t.Logf("terms: handle %s, remind %s, auto %v by %s lead %s, confirm %s alarm %s, keep %s", d.HandleWithin, d.RemindBefore,
		d.AutoExtend, d.AutoExtendBy, d.AutoExtendBefore, d.ConfirmWithin, d.ConfirmAlarm, e.cfg.Retention.Keep)
	start := e.clock.Now().Add(time.Duration(r.Int64N(int64(time.Second))))
	e.clock.Set(start)
	e.feed.feed(t, rawMail("Jan de Vries <"+janAddr+">", orgAddr, "Klacht", "prop@example.nl", start, "Mijn klacht over de training.\n"))
	id := fmt.Sprintf("KL-%d-0001", start.In(e.cfg.Organisation.Location).Year())
	smtpUp := start
	if r.IntN(2) == 0 {
		smtpUp = start.Add(d.ConfirmAlarm + jitter(r, d.HandleWithin)) // the confirmation waits past its alarm
	}
	var mails []*outMsg
	ctx := context.Background()
	for step := 0; ; step++ {
		if step > 500 {
			t.Fatal("more than 500 timer runs for one case")
		}
		next, ok := nextDue(t, e.st, id)
		if !ok {
			break
		}
		now := next.Add(jitter(r, d.HandleWithin))
		e.clock.Set(now)
		before := outboxSize(t, e.st)
		if err := e.d.RunDue(ctx, now); err != nil {
			t.Fatal(err)
		}
		queued := outboxSize(t, e.st)
		if err := e.d.RunDue(ctx, now); err != nil {
			t.Fatal(err)
		}
		if again := outboxSize(t, e.st); again != queued {
			t.Fatalf("step %d: running the due timers again at %s queued %d more mails", step, now, again-queued)
		}
		if queued == before {
			// A run that fires a timer and queues nothing is a timer without its effect,
			// unless it only postponed the timer.
			for _, tm := range caseTimers(t, e.st, id) {
				if !tm.FiredAt.IsZero() && tm.FiredAt.Equal(complaint.Moment(now)) {
					t.Errorf("step %d: %s timer at %s fired at %s without a mail", step, tm.Kind, tm.At, now)
				}
			}
		}
		if !now.Before(smtpUp) {
			mails = append(mails, sendAll(t, e.d, now)...)
		}
		if fired(t, e.st, id, complaint.TimerRetention) {
			break // the case is past its retention limit and staff were told: the end of its timers
		}
	}
	mails = append(mails, sendAll(t, e.d, e.clock.Now().Add(time.Hour))...)

	count := map[complaint.TimerKind]int{}
	for _, tm := range caseTimers(t, e.st, id) {
		switch {
		case !tm.FiredAt.IsZero():
			count[complaint.TimerKind(tm.Kind)]++
			if tm.FiredAt.Before(tm.At) {
				t.Errorf("%s timer at %s fired early, at %s", tm.Kind, tm.At, tm.FiredAt)
			}
		case !tm.DueAt.After(e.clock.Now()):
			t.Errorf("%s timer at %s (due %s) was due at %s and did not fire", tm.Kind, tm.At, tm.DueAt, e.clock.Now())
		}
	}
	for kind, subject := range timerEffect {
		got := 0
		for _, m := range withTemplate(mails, "herinnering") {
			if strings.Contains(m.Subject, subject) {
				got++
			}
		}
		if got != count[kind] {
			t.Errorf("%d %s timers fired, %d mails %q", count[kind], kind, got, subject)
		}
	}
	if got := len(withTemplate(mails, "verlenging")); got != count[complaint.TimerAutoExtend] {
		t.Errorf("%d automatic extensions, %d verlenging mails", count[complaint.TimerAutoExtend], got)
	}
	c := e.caseOf(id)
	if n := count[complaint.TimerAutoExtend]; c.Extended != (n > 0) {
		t.Errorf("%d automatic extensions, case extended %v", n, c.Extended)
	}
	return count
}

// nextDue is the moment the case's earliest pending timer is due.
func nextDue(t *testing.T, st *store.Store, id string) (time.Time, bool) {
	var next time.Time
	for _, tm := range caseTimers(t, st, id) {
		if tm.FiredAt.IsZero() && (next.IsZero() || tm.DueAt.Before(next)) {
			next = tm.DueAt
		}
	}
	return next, !next.IsZero()
}

func fired(t *testing.T, st *store.Store, id string, kind complaint.TimerKind) bool {
	for _, tm := range caseTimers(t, st, id) {
		if tm.Kind == string(kind) && !tm.FiredAt.IsZero() {
			return true
		}
	}
	return false
}

func caseTimers(t *testing.T, st *store.Store, id string) []store.TimerRow {
	t.Helper()
	rows, err := st.CaseTimers(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func outboxSize(t *testing.T, st *store.Store) int {
	t.Helper()
	n := 0
	for _, status := range []string{"queued", "sent", "failed"} {
		rows, err := st.Outbox(context.Background(), status)
		if err != nil {
			t.Fatal(err)
		}
		n += len(rows)
	}
	return n
}
