-- 0009: the mailbox-wide cap on new-case confirmations (complaints.max_new_per_hour), and
-- auto_reply_limit counted apart for authenticated and unauthenticated mail.
--
-- A capped confirmation has a turn: the moment it may go out, computed when it is queued from
-- the turns already given, so that no hour holds more than the cap. One whose turn lies after
-- the moment it was queued waited (a flood) and was rendered too early: it is rendered again,
-- with the case as it then is, just before it goes out. claimed_at is the sender's first
-- claim, which the sender counts so that mail held up by an outage or downtime does not go
-- out in a burst either.
ALTER TABLE outbox ADD COLUMN turn_at INTEGER;                  -- NULL: not a capped confirmation
ALTER TABLE outbox ADD COLUMN waited INTEGER NOT NULL DEFAULT 0; -- 1: its turn came after it was queued
ALTER TABLE outbox ADD COLUMN stale INTEGER NOT NULL DEFAULT 0;  -- 1: to be rendered again before it goes out
ALTER TABLE outbox ADD COLUMN claimed_at INTEGER;               -- first claim by the sender
CREATE INDEX outbox_turn ON outbox(turn_at) WHERE turn_at IS NOT NULL;
CREATE INDEX outbox_capped_claims ON outbox(claimed_at) WHERE turn_at IS NOT NULL;
CREATE INDEX outbox_stale ON outbox(case_id) WHERE stale = 1;

-- address is now the normalised address (lower case, without a +tag in the local part);
-- rows written before this migration keep the address as it was, and count as unauthenticated.
ALTER TABLE auto_replies ADD COLUMN authenticated INTEGER NOT NULL DEFAULT 0;
DROP INDEX auto_replies_addr;
CREATE INDEX auto_replies_addr ON auto_replies(address, authenticated, at);
