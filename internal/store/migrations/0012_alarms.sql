-- 0012: alarms about the mailbox itself (an OAuth2 grant refused, an intake that cannot log
-- in, a refresh token or client secret about to expire). One row per kind: raised_at is when
-- the alarm was raised and staff were mailed, cleared_at when it passed (NULL while it holds),
-- so that a restart does not mail staff again about an alarm they already have. detail is the
-- sentence staff were sent; it names no complainant and no secret.
CREATE TABLE alarms (
	kind       TEXT PRIMARY KEY,
	raised_at  INTEGER NOT NULL,
	cleared_at INTEGER,
	detail     TEXT NOT NULL
);
