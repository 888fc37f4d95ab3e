-- 0003: the mailbox copies of purged cases. PurgeCase queues the Message-ID of every mail the
-- intake moved or flagged for the case; the intake deletes those copies from the IMAP server and
-- marks the row done. Only ids are kept, never content, and a done row forgets its id.
CREATE TABLE mailbox_purge (
	id         INTEGER PRIMARY KEY,
	message_id TEXT NOT NULL,                -- without angle brackets; '' once done
	queued_at  INTEGER NOT NULL,
	attempts   INTEGER NOT NULL DEFAULT 0,
	done_at    INTEGER,
	found      INTEGER                       -- copies deleted from the server, once done
);
CREATE INDEX mailbox_purge_pending ON mailbox_purge(done_at, attempts, id);
