-- 0011: the running daemon's signs of life, for `klachtd status`: one row, written at start,
-- every half minute and at a clean stop. No content, no addresses: times, a process id and
-- the reason the last IMAP login failed (the server's words).
CREATE TABLE daemon_status (
	id            INTEGER PRIMARY KEY CHECK (id = 1),
	pid           INTEGER NOT NULL,
	host          TEXT NOT NULL DEFAULT '',
	started_at    INTEGER NOT NULL,
	beat_at       INTEGER NOT NULL,
	stopped_at    INTEGER,
	last_poll_at  INTEGER,
	last_login_at INTEGER,
	login_error   TEXT NOT NULL DEFAULT ''
);
