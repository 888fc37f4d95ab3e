-- 0016: outgoing mail has a priority, and the sender takes the due mail of priority 0 before
-- the rest: in a backlog the complainants' confirmations (the promise made in seconds) and the
-- alarms do not queue behind the staff notices.
ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 1;
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox(status, priority, next_attempt_at);
