-- 0014: one mail delivered twice is handled once even when its bytes differ. incoming.content
-- is mailparse.ContentKey of the message: a hash of the header fields its author wrote and of
-- its body, without the trace fields the servers on the way add (an SMTP retry after a lost
-- reply arrives with other Received lines). '' : no key (no Message-ID, or a row from before).
ALTER TABLE incoming ADD COLUMN content TEXT NOT NULL DEFAULT '';
CREATE INDEX incoming_content ON incoming(content) WHERE content != '';
