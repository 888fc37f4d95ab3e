-- 0015: the bodies of outgoing mail in a table of their own. The sender updates an outbox row
-- twice a mail (its claim, then its outcome), and SQLite writes an updated row whole: with its
-- text and HTML of 6 to 12 KB that is three or four pages a write instead of one.
CREATE TABLE outbox_bodies (
	outbox_id   INTEGER PRIMARY KEY REFERENCES outbox(id) ON DELETE CASCADE,
	text        TEXT NOT NULL,
	html        TEXT NOT NULL,
	attachments TEXT NOT NULL DEFAULT '[]' -- JSON with base64 data
);
INSERT INTO outbox_bodies(outbox_id, text, html, attachments) SELECT id, text, html, attachments FROM outbox;
ALTER TABLE outbox DROP COLUMN text;
ALTER TABLE outbox DROP COLUMN html;
ALTER TABLE outbox DROP COLUMN attachments;
