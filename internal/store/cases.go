package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
)

// NextCaseID hands out the next reference of year: a sequence per year without gaps or
// duplicates, because it is taken inside the transaction that inserts the case.
func (t *Tx) NextCaseID(year int) (string, error) {
	var last int
	err := t.tx.QueryRowContext(t.ctx,
		`INSERT INTO case_seq(year, last) VALUES(?, 1)
		 ON CONFLICT(year) DO UPDATE SET last = last + 1
		 RETURNING last`, year).Scan(&last)
	if err != nil {
		return "", fmt.Errorf("next case number for %d: %w", year, err)
	}
	return complaint.FormatRef(year, last), nil
}

const caseColumns = `id, status, verdict, extended, language, received_at, confirmed_at, due_at,
	closed_at, remedy_due_at, measure_at, name, email, phone, service, fields, cause, measure,
	advice, advice_at, escalated_at, unverified, thread_root`

// InsertCase stores a new case.
func (t *Tx) InsertCase(c complaint.Case, threadRoot string, now time.Time) error {
	fields, err := json.Marshal(nonNilFields(c.Fields))
	if err != nil {
		return fmt.Errorf("encode fields: %w", err)
	}
	_, err = t.tx.ExecContext(t.ctx, `INSERT INTO cases(`+caseColumns+`, updated_at)
		VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		c.ID, string(c.Status), string(c.Verdict), boolInt(c.Extended), c.Language,
		ms(c.ReceivedAt), ms(c.ConfirmedAt), ms(c.DueAt), ms(c.ClosedAt), ms(c.RemedyDueAt),
		ms(c.MeasureAt), c.Name, c.Email, c.Phone, c.Service, string(fields), c.Cause, c.Measure,
		c.Advice, ms(c.AdviceAt), ms(c.EscalatedAt), boolInt(c.Unverified), threadRoot, now.UnixMilli())
	if err != nil {
		return fmt.Errorf("insert case %s: %w", c.ID, err)
	}
	return t.upsertStats(c, now)
}

// UpdateCase writes every field of c.
func (t *Tx) UpdateCase(c complaint.Case, now time.Time) error {
	fields, err := json.Marshal(nonNilFields(c.Fields))
	if err != nil {
		return fmt.Errorf("encode fields: %w", err)
	}
	res, err := t.tx.ExecContext(t.ctx, `UPDATE cases SET status=?, verdict=?, extended=?, language=?,
		received_at=?, confirmed_at=?, due_at=?, closed_at=?, remedy_due_at=?, measure_at=?, name=?,
		email=?, phone=?, service=?, fields=?, cause=?, measure=?, advice=?, advice_at=?, escalated_at=?, unverified=?,
		updated_at=? WHERE id=?`,
		string(c.Status), string(c.Verdict), boolInt(c.Extended), c.Language,
		ms(c.ReceivedAt), ms(c.ConfirmedAt), ms(c.DueAt), ms(c.ClosedAt), ms(c.RemedyDueAt),
		ms(c.MeasureAt), c.Name, c.Email, c.Phone, c.Service, string(fields), c.Cause, c.Measure,
		c.Advice, ms(c.AdviceAt), ms(c.EscalatedAt), boolInt(c.Unverified), now.UnixMilli(), c.ID)
	if err != nil {
		return fmt.Errorf("update case %s: %w", c.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("update case %s: %w", c.ID, ErrNotFound)
	}
	return t.upsertStats(c, now)
}

// upsertStats keeps the anonymous statistics of a case current.
// The verdict's moment is kept while the verdict stays the same, and cleared when it is
// withdrawn ([heropend]).
func (t *Tx) upsertStats(c complaint.Case, now time.Time) error {
	var verdictAt any
	if c.Verdict != "" {
		verdictAt = now.UnixMilli()
	}
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO case_stats(id, received_at, confirmed_at, closed_at,
		due_at, service, verdict, status, extended, escalated, cause, measure, verdict_at)
		VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT(id) DO UPDATE SET received_at=excluded.received_at, confirmed_at=excluded.confirmed_at, closed_at=excluded.closed_at,
		verdict_at=CASE WHEN excluded.verdict = '' THEN NULL
			WHEN case_stats.verdict = excluded.verdict AND case_stats.verdict_at IS NOT NULL THEN case_stats.verdict_at
			ELSE excluded.verdict_at END,
		due_at=excluded.due_at, service=excluded.service, verdict=excluded.verdict, status=excluded.status,
		extended=excluded.extended, escalated=excluded.escalated, cause=excluded.cause, measure=excluded.measure`,
		c.ID, ms(c.ReceivedAt), ms(c.ConfirmedAt), ms(c.ClosedAt), ms(c.DueAt), c.Service,
		string(c.Verdict), string(c.Status), boolInt(c.Extended), boolInt(!c.EscalatedAt.IsZero()), c.Cause, c.Measure, verdictAt)
	if err != nil {
		return fmt.Errorf("update statistics of %s: %w", c.ID, err)
	}
	return nil
}

// MarkExtended records who extended a case's term ("staff" or "auto"), for the analysis.
func (t *Tx) MarkExtended(caseID, by string) error {
	if _, err := t.tx.ExecContext(t.ctx, `UPDATE case_stats SET extended_by = ? WHERE id = ?`, by, caseID); err != nil {
		return fmt.Errorf("record extension of %s: %w", caseID, err)
	}
	return nil
}

func nonNilFields(f complaint.Fields) complaint.Fields {
	if f == nil {
		return complaint.Fields{}
	}
	return f
}

type rowScanner interface{ Scan(dest ...any) error }

func scanCase(r rowScanner) (complaint.Case, string, error) {
	var c complaint.Case
	var status, verdict, fields, threadRoot string
	var ext, unv int
	var received, confirmed, due, closed, remedy, measureAt, adviceAt, escAt sql.NullInt64
	err := r.Scan(&c.ID, &status, &verdict, &ext, &c.Language, &received, &confirmed, &due, &closed,
		&remedy, &measureAt, &c.Name, &c.Email, &c.Phone, &c.Service, &fields, &c.Cause, &c.Measure,
		&c.Advice, &adviceAt, &escAt, &unv, &threadRoot)
	if err != nil {
		return c, "", err
	}
	c.Status, c.Verdict = complaint.Status(status), complaint.Verdict(verdict)
	c.Extended, c.Unverified = ext == 1, unv == 1
	c.AdviceAt, c.EscalatedAt = fromMS(adviceAt), fromMS(escAt)
	c.ReceivedAt, c.ConfirmedAt, c.DueAt = fromMS(received), fromMS(confirmed), fromMS(due)
	c.ClosedAt, c.RemedyDueAt, c.MeasureAt = fromMS(closed), fromMS(remedy), fromMS(measureAt)
	c.Fields = complaint.Fields{}
	if err := json.Unmarshal([]byte(fields), &c.Fields); err != nil {
		return c, "", fmt.Errorf("decode fields of %s: %w", c.ID, err)
	}
	return c, threadRoot, nil
}

// querier is what reads: a transaction or the database.
type querier interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func getCase(ctx context.Context, q querier, id string) (complaint.Case, string, error) {
	c, root, err := scanCase(q.QueryRowContext(ctx, `SELECT `+caseColumns+` FROM cases WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, "", fmt.Errorf("case %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return c, "", fmt.Errorf("read case %s: %w", id, err)
	}
	return c, root, nil
}

// Case reads one case and the Message-ID its mails thread on.
func (s *Store) Case(ctx context.Context, id string) (complaint.Case, string, error) {
	return getCase(ctx, s.db, id)
}

// Case reads one case inside the transaction.
func (t *Tx) Case(id string) (complaint.Case, string, error) { return getCase(t.ctx, t.tx, id) }

// Cases lists cases, newest first; status "" means all.
func (s *Store) Cases(ctx context.Context, status string) ([]complaint.Case, error) {
	return listCases(ctx, s.db, status)
}

// OpenCases lists every case that is not afgehandeld, oldest first.
func (t *Tx) OpenCases() ([]complaint.Case, error) {
	return queryCases(t.ctx, t.tx, `WHERE status != ? ORDER BY received_at, id`, string(complaint.StatusAfgehandeld))
}

func listCases(ctx context.Context, q querier, status string) ([]complaint.Case, error) {
	return queryCases(ctx, q, `WHERE ? = '' OR status = ? ORDER BY received_at DESC, id DESC`, status, status)
}

// queryCases reads the cases a WHERE … ORDER BY clause selects.
func queryCases(ctx context.Context, q querier, where string, args ...any) ([]complaint.Case, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+caseColumns+` FROM cases `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	defer rows.Close()
	var out []complaint.Case
	for rows.Next() {
		c, _, err := scanCase(rows)
		if err != nil {
			return nil, fmt.Errorf("list cases: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Event is one line of a case's timeline.
type Event struct {
	At   time.Time `json:"at"`
	Kind string    `json:"kind"`
	By   string    `json:"by"`
	Text string    `json:"text"`
}

// AddEvent appends to a case's timeline.
func (t *Tx) AddEvent(caseID string, e Event) error {
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO events(case_id, at, kind, by, text) VALUES(?,?,?,?,?)`,
		caseID, e.At.UnixMilli(), e.Kind, e.By, e.Text)
	if err != nil {
		return fmt.Errorf("add %s event to %s: %w", e.Kind, caseID, err)
	}
	return nil
}

// Timeline lists a case's events in order.
func (s *Store) Timeline(ctx context.Context, caseID string) ([]Event, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT at, kind, by, text FROM events WHERE case_id = ? ORDER BY at, id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("timeline of %s: %w", caseID, err)
	}
	defer rows.Close()
	out := []Event{}
	for rows.Next() {
		var e Event
		var at int64
		if err := rows.Scan(&at, &e.Kind, &e.By, &e.Text); err != nil {
			return nil, fmt.Errorf("timeline of %s: %w", caseID, err)
		}
		e.At = time.UnixMilli(at).UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}
