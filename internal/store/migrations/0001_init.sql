-- 0001: the first schema of klachtd. Times are INTEGER milliseconds since the Unix epoch (UTC);
-- NULL means "not set".

CREATE TABLE case_seq (
	year INTEGER PRIMARY KEY,
	last INTEGER NOT NULL
);

CREATE TABLE cases (
	id             TEXT PRIMARY KEY,            -- KL-2026-0007
	status         TEXT NOT NULL,
	verdict        TEXT NOT NULL DEFAULT '',
	extended       INTEGER NOT NULL DEFAULT 0,
	language       TEXT NOT NULL DEFAULT 'nl',
	received_at    INTEGER NOT NULL,
	confirmed_at   INTEGER,
	due_at         INTEGER NOT NULL,
	closed_at      INTEGER,
	remedy_due_at  INTEGER,
	measure_at     INTEGER,
	name           TEXT NOT NULL DEFAULT '',
	email          TEXT NOT NULL DEFAULT '',
	phone          TEXT NOT NULL DEFAULT '',
	service        TEXT NOT NULL DEFAULT '',
	fields         TEXT NOT NULL DEFAULT '{}',  -- JSON object of the klachtformulier
	cause          TEXT NOT NULL DEFAULT '',
	measure        TEXT NOT NULL DEFAULT '',
	advice         TEXT NOT NULL DEFAULT '',
	advice_at      INTEGER,
	escalated_at   INTEGER,
	unverified     INTEGER NOT NULL DEFAULT 0,
	thread_root    TEXT NOT NULL DEFAULT '',    -- Message-ID the case's mails thread on
	updated_at     INTEGER NOT NULL
);
CREATE INDEX cases_status ON cases(status);
CREATE INDEX cases_received ON cases(received_at);
CREATE INDEX cases_thread ON cases(thread_root);

-- Every message that belongs to a case, both directions. raw is the archive copy.
CREATE TABLE messages (
	id          INTEGER PRIMARY KEY,
	case_id     TEXT REFERENCES cases(id) ON DELETE CASCADE,
	direction   TEXT NOT NULL CHECK (direction IN ('in', 'out')),
	at          INTEGER NOT NULL,
	kind        TEXT NOT NULL,                  -- complaint, reply-complainant, reply-staff, bounce, quarantine, ... / template name
	from_addr   TEXT NOT NULL DEFAULT '',
	to_addrs    TEXT NOT NULL DEFAULT '[]',     -- JSON
	cc_addrs    TEXT NOT NULL DEFAULT '[]',
	subject     TEXT NOT NULL DEFAULT '',
	message_id  TEXT NOT NULL DEFAULT '',
	text        TEXT NOT NULL DEFAULT '',
	verified    INTEGER NOT NULL DEFAULT 1,
	reason      TEXT NOT NULL DEFAULT '',       -- why quarantined / unverified
	outbox_id   INTEGER REFERENCES outbox(id) ON DELETE SET NULL,
	raw         BLOB
);
CREATE INDEX messages_case ON messages(case_id, at);
CREATE INDEX messages_msgid ON messages(message_id);

-- Every incoming message klachtd has looked at, including ordinary mail (only ids and a hash,
-- never content): the dedupe key for at-least-once intake.
CREATE TABLE incoming (
	mailbox      TEXT NOT NULL,
	uidvalidity  INTEGER NOT NULL,
	uid          INTEGER NOT NULL,
	message_id   TEXT NOT NULL DEFAULT '',
	hash         TEXT NOT NULL,                 -- sha256 of the raw message (or header for too-large mail)
	disposition  INTEGER NOT NULL,              -- intake.Disposition
	kind         TEXT NOT NULL,
	case_id      TEXT,
	at           INTEGER NOT NULL,
	PRIMARY KEY (mailbox, uidvalidity, uid)
);
CREATE INDEX incoming_hash ON incoming(hash);

CREATE TABLE events (
	id       INTEGER PRIMARY KEY,
	case_id  TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	at       INTEGER NOT NULL,
	kind     TEXT NOT NULL,
	by       TEXT NOT NULL DEFAULT '',
	text     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_case ON events(case_id, at);

CREATE TABLE outbox (
	id              INTEGER PRIMARY KEY,
	case_id         TEXT REFERENCES cases(id) ON DELETE CASCADE,
	template        TEXT NOT NULL,
	audience        TEXT NOT NULL,              -- complainant, staff, commissaris
	from_addr       TEXT NOT NULL,              -- JSON address
	to_addrs        TEXT NOT NULL,              -- JSON
	cc_addrs        TEXT NOT NULL DEFAULT '[]',
	subject         TEXT NOT NULL,
	text            TEXT NOT NULL,
	html            TEXT NOT NULL,
	message_id      TEXT NOT NULL UNIQUE,
	in_reply_to     TEXT NOT NULL DEFAULT '',
	refs            TEXT NOT NULL DEFAULT '[]',
	date            INTEGER NOT NULL,
	auto_submitted  TEXT NOT NULL,
	attachments     TEXT NOT NULL DEFAULT '[]', -- JSON with base64 data
	status          TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,
	sent_at         INTEGER,
	last_error      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
CREATE INDEX outbox_case ON outbox(case_id);

-- Automatic answers per outside address, for auto_reply_limit (no contents).
CREATE TABLE auto_replies (
	address TEXT NOT NULL,
	at      INTEGER NOT NULL
);
CREATE INDEX auto_replies_addr ON auto_replies(address, at);

-- Durable timers: (case_id, kind, at) fires exactly once. case_id '' for global timers.
CREATE TABLE timers (
	case_id   TEXT NOT NULL,
	kind      TEXT NOT NULL,
	at        INTEGER NOT NULL,
	fired_at  INTEGER,
	PRIMARY KEY (case_id, kind, at)
);
CREATE INDEX timers_due ON timers(fired_at, at);

CREATE TABLE checkpoints (
	mailbox     TEXT PRIMARY KEY,
	uidvalidity INTEGER NOT NULL,
	last_uid    INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL
);

-- Addresses that bounced: not mailed again until staff clear them.
CREATE TABLE bounce_holds (
	address TEXT PRIMARY KEY,
	since   INTEGER NOT NULL,
	reason  TEXT NOT NULL DEFAULT ''
);

-- Anonymous statistics per case; they outlive the purge for trend reports.
CREATE TABLE case_stats (
	id           TEXT PRIMARY KEY,
	received_at  INTEGER NOT NULL,
	confirmed_at INTEGER,
	closed_at    INTEGER,
	due_at       INTEGER NOT NULL,
	service      TEXT NOT NULL DEFAULT '',
	verdict      TEXT NOT NULL DEFAULT '',
	status       TEXT NOT NULL,
	extended     INTEGER NOT NULL DEFAULT 0,
	escalated    INTEGER NOT NULL DEFAULT 0,
	cause        TEXT NOT NULL DEFAULT '',
	measure      TEXT NOT NULL DEFAULT '',
	purged       INTEGER NOT NULL DEFAULT 0
);
