package daemon

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/config"
	"github.com/groeimeesters/klachtd/internal/intake"
	"github.com/groeimeesters/klachtd/internal/store"
)

// yearMail is a message that lands in the mailbox at a moment.
type yearMail struct {
	at      time.Time
	raw     []byte
	root    string // the complaint's Message-ID, for a complaint
	plan    int    // staff behaviour, for a complaint
	caseID  string // for follow-ups
	isStaff bool
}

// sentMail is one mail the fake SMTP server accepted.
type sentMail struct {
	tmpl, caseID, subject string
	to                    []string
	queued, sent          time.Time
}

// downtime is [from, to): no intake, no timers, no sending.
type downtime struct{ from, to time.Time }

// Staff behaviours.
const (
	planQuick  = iota // verdict within days, then closed
	planInfo          // asks for information; the complainant may answer
	planExtend        // extends, then decides
	planSilent        // extends once, then goes silent
	planNever         // never answers
	planLate          // closes long after the retention limit
)

// TestYear simulates a year: 200 complaints, staff who answer quickly, ask, extend (and then
// decide or go silent) or never answer, and a daemon that is down for days at a time. It
// checks the promises afterwards.
func TestYear(t *testing.T) {
	loc := amsterdam(t)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, loc)
	end := time.Date(2026, 12, 31, 0, 0, 0, 0, loc)
	const keep = 120 * 24 * time.Hour
	e := newCaseEnv(t, func(c *config.Config) { c.Retention.Keep = keep }, nil)
	e.clock.Set(start)
	ctx := context.Background()
	d := e.d
	if err := d.ensureGlobalTimers(ctx); err != nil {
		t.Fatal(err)
	}
	rnd := rand.New(rand.NewSource(20261126))
	day := 24 * time.Hour
	// Whole milliseconds: the database keeps no finer time.
	span := func(lo, hi time.Duration) time.Duration {
		return (lo + time.Duration(rnd.Int63n(int64(hi-lo)))).Truncate(time.Millisecond)
	}

	// Downtime: six windows of two to five days.
	var downs []downtime
	for i := range 6 {
		from := start.Add(time.Duration(20+i*55)*day + span(0, 20*day))
		downs = append(downs, downtime{from, from.Add(span(2*day, 5*day))})
	}
	downAt := func(at time.Time) (downtime, bool) {
		for _, w := range downs {
			if !at.Before(w.from) && at.Before(w.to) {
				return w, true
			}
		}
		return downtime{}, false
	}
	// expected is when something due at `at` happens: at once, or when the daemon is back.
	expected := func(at time.Time) time.Time {
		if w, ok := downAt(at); ok {
			return w.to
		}
		return at
	}

	var box []yearMail
	push := func(m yearMail) {
		i := sort.Search(len(box), func(i int) bool { return box[i].at.After(m.at) })
		box = append(box, yearMail{})
		copy(box[i+1:], box[i:])
		box[i] = m
	}
	arrival := map[string]time.Time{} // complaint root → arrival in the mailbox
	for i := range 200 {
		at := start.Add(span(0, 350*day))
		root := fmt.Sprintf("year-%03d@example.nl", i)
		from := fmt.Sprintf("Klager %d <klager%03d@example.nl>", i, i)
		p := rnd.Intn(100)
		plan := map[bool]int{true: planQuick}[p < 30]
		switch {
		case p < 30:
		case p < 45:
			plan = planInfo
		case p < 60:
			plan = planExtend
		case p < 75:
			plan = planSilent
		case p < 95:
			plan = planNever
		default:
			plan = planLate
		}
		arrival[root] = at
		push(yearMail{at: at, root: root, plan: plan,
			raw: rawMail(from, orgAddr, "Klacht over de training", root, at, "Ik heb een klacht over de training van vorige week.\n")})
	}

	caseOf := map[string]string{}       // root → case id
	staffAt := map[string][]time.Time{} // case id → when a staff command was handled
	closedAt := map[string]time.Time{}  // case id → when it was closed
	complainant := map[string]string{}  // case id → address
	planOf := map[string]int{}          // case id → staff behaviour
	var sent []sentMail
	n := 0
	// The due dates of each case as the daemon set them, and when it stopped awaiting a verdict
	// (a verdict, or closed), observed after every step that touched the case.
	type dueFrom struct{ at, due time.Time } // the case is due at due from at on
	dues := map[string][]dueFrom{}
	settled := map[string]time.Time{}
	observe := func(id string, now time.Time) {
		c, _, err := e.st.Case(ctx, id)
		if err != nil {
			return // purged
		}
		if h := dues[id]; len(h) == 0 || !h[len(h)-1].due.Equal(c.DueAt) {
			dues[id] = append(h, dueFrom{now, c.DueAt})
		}
		if _, ok := settled[id]; !ok && !complaint.AwaitsVerdict(c) {
			settled[id] = now
		}
	}
	staffCmd := func(id string, at time.Time, subject, body string) {
		n++
		push(yearMail{at: at, caseID: id, isStaff: true,
			raw: staffMail(id, subject, fmt.Sprintf("staff-%d@intervisie-begeleiding.nl", n), at, body)})
	}
	// follow up schedules what staff (and the complainant) will do once they hear of a case.
	followUp := func(id string, plan int, now time.Time) {
		verdict := []string{"[gegrond]", "[ongegrond]"}[rnd.Intn(2)]
		switch plan {
		case planQuick:
			at := now.Add(span(4*time.Hour, 5*day))
			staffCmd(id, at, verdict, "Wij hebben uw klacht onderzocht.\nOorzaak: planning\nMaatregel: nieuw rooster\n")
			staffCmd(id, at.Add(span(day, 3*day)), "[afgehandeld]", "Wij sluiten uw klacht af.\n")
		case planInfo:
			at := now.Add(span(day, 3*day))
			staffCmd(id, at, "[info-nodig]", "Kunt u aangeven om welke bijeenkomst het gaat?\n")
			if rnd.Intn(10) < 7 {
				r := at.Add(span(day, 5*day))
				n++
				push(yearMail{at: r, caseID: id, raw: rawMail(complainant[id], orgAddr, "RE: ["+id+"] Uw klacht",
					fmt.Sprintf("answer-%d@example.nl", n), r, "Het gaat om de bijeenkomst van dinsdag.\n")})
				staffCmd(id, r.Add(span(2*day, 10*day)), verdict+" [afgehandeld]", "Dank voor uw antwoord. Ons oordeel volgt hieronder.\n")
			}
		case planExtend:
			staffCmd(id, now.Add(span(10*day, 25*day)), "[verlenging 3w]", "Wij hebben meer tijd nodig.\n")
			staffCmd(id, now.Add(span(30*day, 45*day)), verdict+" [afgehandeld]", "Ons oordeel, en hiermee sluiten wij uw klacht af.\n")
		case planSilent:
			staffCmd(id, now.Add(span(10*day, 25*day)), "[verlenging 3w]", "Wij hebben meer tijd nodig.\n")
		case planLate:
			staffCmd(id, now.Add(span(130*day, 160*day)), "[afgehandeld]", "Wij sluiten deze oude klacht alsnog af.\n")
		}
	}

	uid := uint32(0)
	process := func(now time.Time) {
		touched := map[string]bool{}
		for len(box) > 0 && !box[0].at.After(now) {
			m := box[0]
			box = box[1:]
			uid++
			if _, err := d.Handle(ctx, &intake.Fetched{Mailbox: "INBOX", UIDValidity: 1, UID: uid, Raw: m.raw,
				Header: headerOf(m.raw), Size: int64(len(m.raw)), InternalDate: m.at}); err != nil {
				t.Fatalf("handle at %s: %v", now, err)
			}
			switch {
			case m.root != "":
				id, err := e.st.CaseByMessageID(ctx, m.root)
				if err != nil || id == "" {
					t.Fatalf("complaint %s not registered (%v)", m.root, err)
				}
				caseOf[m.root] = id
				c, _, _ := e.st.Case(ctx, id)
				complainant[id], planOf[id], touched[id] = c.Email, m.plan, true
				followUp(id, m.plan, now)
			case m.isStaff:
				staffAt[m.caseID] = append(staffAt[m.caseID], now)
			}
			if m.caseID != "" {
				touched[m.caseID] = true
			}
		}
		if err := e.st.InTx(ctx, func(tx *store.Tx) error {
			due, err := tx.DueTimers(now, 100000)
			for _, tm := range due {
				if tm.CaseID != "" {
					touched[tm.CaseID] = true
				}
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if err := d.RunDue(ctx, now); err != nil {
			t.Fatalf("timers at %s: %v", now, err)
		}
		for id := range touched {
			observe(id, now)
		}
		for _, m := range sendAll(t, d, now) {
			sent = append(sent, sentMail{tmpl: m.Template, caseID: m.Row.CaseID, subject: m.Subject, to: m.To,
				queued: m.Row.Date, sent: now})
			if m.Template == "afgehandeld" {
				closedAt[m.Row.CaseID] = m.Row.Date
			}
		}
	}

	// The event loop: the next mail, timer or change of downtime, whichever comes first.
	now := start
	for {
		next := end
		if len(box) > 0 && box[0].at.After(now) && box[0].at.Before(next) {
			next = box[0].at
		}
		for _, w := range downs {
			for _, b := range []time.Time{w.from, w.to} {
				if b.After(now) && b.Before(next) {
					next = b
				}
			}
		}
		if _, down := downAt(now); !down {
			var nt time.Time
			var ok bool
			if err := e.st.InTx(ctx, func(tx *store.Tx) error {
				var err error
				nt, ok, err = tx.NextTimer()
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if ok && !nt.After(now) {
				t.Fatalf("timer at %s still unfired at %s", nt, now)
			}
			if ok && nt.Before(next) {
				next = nt
			}
		}
		if !next.Before(end) {
			break
		}
		now = next
		e.clock.Set(now)
		if _, down := downAt(now); !down {
			process(now)
		}
	}
	if len(caseOf) != 200 {
		t.Fatalf("%d of 200 complaints registered", len(caseOf))
	}

	byCase := map[string][]sentMail{}
	for _, m := range sent {
		byCase[m.caseID] = append(byCase[m.caseID], m)
	}
	first := func(id string, tmpls ...string) (sentMail, bool) {
		for _, m := range byCase[id] {
			for _, tm := range tmpls {
				if m.tmpl == tm {
					return m, true
				}
			}
		}
		return sentMail{}, false
	}

	// 1. Every confirmation accepted within 48 hours of arrival (when the daemon was down then:
	// at once when it came back; a late registration starts its terms then), or staff alarmed.
	for root, id := range caseOf {
		arr := arrival[root]
		conf, ok := first(id, "bevestiging")
		if ok && !conf.sent.After(expected(arr.Add(48*time.Hour))) {
			continue
		}
		alarmed := false
		for _, m := range byCase[id] {
			alarmed = alarmed || m.tmpl == "herinnering" && strings.Contains(m.subject, "Ontvangstbevestiging nog niet verstuurd")
		}
		if !alarmed {
			t.Errorf("%s arrived %s: confirmation sent %v (%s), no confirm-alarm to staff", id, arr.In(loc), ok, conf.sent.In(loc))
		}
	}

	// 2. The promise of every decision term, also after an extension: when a due date came
	// without a verdict, the case was extended (and the complainant told) before that due time,
	// at due - auto_extend_before when the daemon was up then, or earlier by staff; after
	// downtime at catch-up.
	lead := e.cfg.Deadlines.AutoExtendBefore
	staffActed := func(id string, at time.Time) bool {
		return slices.ContainsFunc(staffAt[id], func(s time.Time) bool { return s.Equal(at) })
	}
	noticeAt := func(id string, at time.Time) bool {
		return slices.ContainsFunc(byCase[id], func(m sentMail) bool { return m.tmpl == "verlenging" && m.queued.Equal(at) })
	}
	dueKept, keptAuto := 0, 0
	for _, id := range caseOf {
		h := dues[id]
		for k, dd := range h {
			moment := dd.due.Add(-lead)
			want := expected(moment)
			if !want.Before(end) {
				break
			}
			if s, ok := settled[id]; ok && !s.After(want) {
				break // a verdict in time: nothing owed, no later due date
			}
			if k+1 == len(h) || h[k+1].at.After(want) {
				t.Errorf("%s due %s: not extended by %s (due dates %v)", id, dd.due.In(loc), want.In(loc), h)
				break
			}
			ext := h[k+1].at
			_, down := downAt(moment)
			switch {
			case !down && !ext.Before(dd.due):
				t.Errorf("%s due %s: extended at %s, not before the due time", id, dd.due.In(loc), ext.In(loc))
			case !noticeAt(id, ext):
				t.Errorf("%s due %s: extended at %s without a verlenging to the complainant", id, dd.due.In(loc), ext.In(loc))
			case !staffActed(id, ext) && !ext.Equal(want):
				t.Errorf("%s due %s: automatic extension at %s, want %s", id, dd.due.In(loc), ext.In(loc), want.In(loc))
			}
			dueKept++
			if !staffActed(id, ext) {
				keptAuto++
			}
		}
	}
	// Staff who extend once and then go silent: the second due date gets its own notice.
	silent := 0
	for _, id := range caseOf {
		h := dues[id]
		if planOf[id] != planSilent || len(h) < 2 || !staffActed(id, h[1].at) || !expected(h[1].due.Add(-lead)).Before(end) {
			continue
		}
		silent++
		if len(h) < 3 || staffActed(id, h[2].at) || h[2].at.After(expected(h[1].due.Add(-lead))) {
			t.Errorf("%s extended by staff to %s, then silent: no automatic extension in time (due dates %v)", id, h[1].due.In(loc), h)
		} else if _, down := downAt(h[1].due.Add(-lead)); !down && !h[2].at.Before(h[1].due) {
			t.Errorf("%s extended by staff to %s, then silent: second notice at %s, not before", id, h[1].due.In(loc), h[2].at.In(loc))
		}
	}
	if silent < 10 || keptAuto < 100 {
		t.Errorf("only %d silent cases, %d automatic extensions (%d due dates kept): the simulation checks too little", silent, keptAuto, dueKept)
	}

	// 3. Every timer fired once, at its moment or at catch-up; no reminder twice.
	db, err := sql.Open("sqlite", "file:"+e.cfg.Storage.Path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT case_id, kind, at, fired_at FROM timers WHERE fired_at IS NOT NULL OR at < ?`, end.UnixMilli())
	if err != nil {
		t.Fatal(err)
	}
	fired := 0
	for rows.Next() {
		var caseID, kind string
		var at int64
		var firedAt sql.NullInt64
		if err := rows.Scan(&caseID, &kind, &at, &firedAt); err != nil {
			t.Fatal(err)
		}
		tAt := time.UnixMilli(at)
		if !firedAt.Valid {
			t.Errorf("timer %s/%s at %s never fired", caseID, kind, tAt.In(loc))
			continue
		}
		fired++
		if got, want := time.UnixMilli(firedAt.Int64), expected(tAt); !got.Equal(want) {
			t.Errorf("timer %s/%s at %s fired at %s, want %s", caseID, kind, tAt.In(loc), got.In(loc), want.In(loc))
		}
	}
	rows.Close()
	if fired < 300 {
		t.Errorf("only %d timers fired in a year", fired)
	}
	seen := map[string]bool{}
	for _, m := range sent {
		if m.tmpl != "herinnering" {
			continue
		}
		k := m.caseID + "|" + m.subject + "|" + m.queued.String()
		if seen[k] {
			t.Errorf("reminder twice: %s", k)
		}
		seen[k] = true
	}

	// 4. The digest: Mondays 08:00, or once when the daemon came back.
	var digests []time.Time
	for _, m := range sent {
		if m.tmpl == "overzicht" {
			digests = append(digests, m.queued)
		}
	}
	var mondays []time.Time
	for dday := start; dday.Before(end); dday = dday.AddDate(0, 0, 1) {
		if m := time.Date(dday.Year(), dday.Month(), dday.Day(), 8, 0, 0, 0, loc); m.Weekday() == time.Monday && m.After(start) && m.Before(end) {
			mondays = append(mondays, expected(m))
		}
	}
	if len(digests) != len(mondays) {
		t.Errorf("%d digests, want %d", len(digests), len(mondays))
	}
	for i := range min(len(digests), len(mondays)) {
		if !digests[i].Equal(mondays[i]) {
			t.Errorf("digest %d at %s, want %s", i, digests[i].In(loc), mondays[i].In(loc))
		}
	}
	if _, ok := first("", "rapport"); !ok {
		t.Errorf("no half-yearly report on 1 July")
	}

	// 5. Closed cases past the retention limit are purged; their statistics remain.
	stats, err := e.st.Stats(ctx, start, end)
	if err != nil {
		t.Fatal(err)
	}
	statOf := map[string]store.CaseStat{}
	for _, s := range stats {
		statOf[s.ID] = s
	}
	purged, kept := 0, 0
	for root, id := range caseOf {
		limit := arrival[root].Add(keep)
		closed, isClosed := closedAt[id]
		_, _, err := e.st.Case(ctx, id)
		gone := errors.Is(err, store.ErrNotFound)
		if s, ok := statOf[id]; !ok || s.Purged != gone {
			t.Errorf("%s: statistics row %v (purged %v), case gone %v", id, ok, s.Purged, gone)
		}
		switch {
		case isClosed && expected(purgeAt(limit, closed)).Before(end):
			purged++
			if !gone {
				t.Errorf("%s received %s, closed %s: not purged by %s", id, arrival[root].In(loc), closed.In(loc), end.In(loc))
			}
		case gone && !isClosed:
			t.Errorf("%s purged while open", id)
		default:
			kept++
		}
	}
	if purged < 20 {
		t.Errorf("only %d cases old enough to purge: the simulation checks too little", purged)
	}
	t.Logf("%d mails, %d timers fired, %d due dates kept (%d automatically, %d after staff went silent), %d cases purge-checked, %d kept, %d downtime windows",
		len(sent), fired, dueKept, keptAuto, silent, purged, kept, len(downs))
}

// purgeAt is when a closed case goes: at the retention limit, or a day after a closing that
// came later.
func purgeAt(limit, closed time.Time) time.Time {
	if closed.Before(limit) {
		return limit
	}
	return closed.Add(24 * time.Hour)
}
