-- 0007: strikes against messages that were being handled when klachtd died (a mail
-- that kills its handler twice is quarantined). A strike is recorded at the next start, from
-- the in-flight marker file beside the database, with what the dead process said of itself;
-- a message is quarantined unread after two deaths of which one was reported by the process
-- itself (a runtime fatal error, an unrecovered panic), or after three.
-- A row goes once its message is handled or quarantined; rows older than a month are pruned.
CREATE TABLE strikes (
	mailbox     TEXT    NOT NULL,
	uidvalidity INTEGER NOT NULL,
	uid         INTEGER NOT NULL,
	count       INTEGER NOT NULL,
	fatal       INTEGER NOT NULL, -- how many of them the process reported (the rest left no word: SIGKILL)
	cause       TEXT    NOT NULL, -- what the last death said of itself, e.g. "fatal error: stack overflow"
	at          INTEGER NOT NULL, -- the last strike
	PRIMARY KEY (mailbox, uidvalidity, uid)
);
