-- 0010: a timer whose action cannot happen yet is postponed, never consumed without its
-- effect. due_at is the moment a pending timer is due: its own moment, or later once
-- postponed. The row keeps its key (case_id, kind, at), so a case change that still wants the
-- timer keeps the postponement, and the fired row stays the record that it fired.
ALTER TABLE timers ADD COLUMN due_at INTEGER;
UPDATE timers SET due_at = at;
CREATE INDEX timers_pending ON timers(fired_at, due_at);
