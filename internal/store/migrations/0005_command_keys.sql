-- 0005: the replay keys of staff commands carried out. A key names what the command's
-- authentication protects (the DKIM b= value of the verifying signature, or a hash of From,
-- Date, Subject and the staff text), so a captured command re-sent under a new Message-ID, or
-- a [nieuw] forward delivered twice, is refused. Keys are hashes, never content. PurgeCase
-- keeps a purged case's keys with case_id cleared: they name nothing, and a replay of the
-- purged case's [nieuw] must not register it again.
CREATE TABLE command_keys (
	key     TEXT PRIMARY KEY,
	case_id TEXT,                 -- the case the command was applied to; NULL once purged
	at      INTEGER NOT NULL
);
CREATE INDEX command_keys_case ON command_keys(case_id);
