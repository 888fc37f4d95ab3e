-- 0013: a flood of new complaints tells staff once, and a complainant's numbered answers
-- fill the questions they answer.
--
-- floods: a flood begins when a new-case confirmation must wait its turn under
-- complaints.max_new_per_hour and is over an hour after the turn of the last confirmation
-- that waited. summary_at is when staff were sent the one summary of the cases registered
-- during it (NULL while it is on): set in the transaction that queues the summary, so it goes
-- exactly once, also across restarts.
CREATE TABLE floods (
	id         INTEGER PRIMARY KEY,
	started_at INTEGER NOT NULL,
	summary_at INTEGER
);
CREATE INDEX floods_on ON floods(id) WHERE summary_at IS NULL;

-- flood_cases: the cases registered from mail while a flood was on, whose own new-case
-- notice to staff was left for the flood's summary. A purged case leaves the list.
CREATE TABLE flood_cases (
	flood_id INTEGER NOT NULL REFERENCES floods(id),
	case_id  TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	at       INTEGER NOT NULL,
	PRIMARY KEY (flood_id, case_id)
);
CREATE INDEX flood_cases_case ON flood_cases(case_id);

-- asked_fields: the form fields a mail to the complainant asked for (the missing ones it
-- listed, numbered, in this order), by the Message-ID a reply names; a reply that answers
-- "1. … 2. …" answers these. Rewritten when a waiting confirmation is rendered again.
CREATE TABLE asked_fields (
	message_id TEXT PRIMARY KEY,
	case_id    TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	fields     TEXT NOT NULL -- JSON array of field names
);
CREATE INDEX asked_fields_case ON asked_fields(case_id);
