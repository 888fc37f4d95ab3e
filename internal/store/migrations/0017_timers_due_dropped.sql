-- 0017: timers_due (fired_at, at) has served no query since 0010, when pending timers came to
-- be looked up by due_at (timers_pending); the key (case_id, kind, at) serves the rest. It was
-- two more pages to write for every complaint registered.
DROP INDEX IF EXISTS timers_due;
