-- 0006: a one-row table that Sync writes to, so that the commit of that write (with
-- synchronous=FULL) syncs the write-ahead log and with it every commit before it.
CREATE TABLE sync_marker (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	at INTEGER NOT NULL
);
