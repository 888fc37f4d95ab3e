-- 0016: outgoing mail has a priority, and the sender takes the due mail of priority 1 before
-- the rest (0, the default): in a backlog the complainants' confirmations (the promise made in
-- seconds) and the alarms do not queue behind the staff notices.
ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox(status, priority, next_attempt_at);
