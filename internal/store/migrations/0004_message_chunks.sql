-- 0004: the archive copy of a large incoming message, in pieces. InsertMessage writes raw bytes
-- above 256 KiB here, in chunks of at most 256 KiB in order of seq, and leaves messages.raw NULL,
-- so no step of the insert holds a second copy of the whole message (the driver copies every
-- bound blob into C memory, and SQLite builds a record of it). Readers put the chunks together.
-- Deleting the message (the purge cascades from cases) deletes its chunks.
CREATE TABLE message_chunks (
	message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
	seq        INTEGER NOT NULL,              -- 0, 1, 2, ...
	data       BLOB NOT NULL,
	PRIMARY KEY (message_id, seq)
);
