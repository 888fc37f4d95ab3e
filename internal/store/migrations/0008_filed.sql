-- 0008: where the intake filed each handled message, so the retention purge removes exactly
-- those messages from the mailbox and never another mail that shares a Message-ID.
--
-- incoming.filed_*: the folder the message is in now, that folder's UIDVALIDITY and the
-- message's UID there, as the server said when the intake moved it (COPYUID) or flagged it in
-- place. filed_uid 0: moved, but the server did not say where (no UIDPLUS). filed_folder '':
-- nothing recorded (mail handled before 0008, mail left alone, or a crash between the move
-- and the record).
ALTER TABLE incoming ADD COLUMN filed_folder TEXT NOT NULL DEFAULT '';
ALTER TABLE incoming ADD COLUMN filed_uidvalidity INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incoming ADD COLUMN filed_uid INTEGER NOT NULL DEFAULT 0;

-- A mailbox_purge row now names one message: folder, uidvalidity and uid; with, for a
-- message whose UID is not known or no longer valid, the Message-ID and the hash of its
-- bytes to find and check it by. folder '' is the processed folder (a move not recorded).
-- Rows queued before 0008 named only a Message-ID: they keep it, with folder '' and hash '',
-- and the intake carries them out in the processed folder only, by exact Message-ID, never
-- in the main mailbox, where a mail with the same Message-ID may be anyone's ordinary mail.
ALTER TABLE mailbox_purge ADD COLUMN folder TEXT NOT NULL DEFAULT '';
ALTER TABLE mailbox_purge ADD COLUMN uidvalidity INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mailbox_purge ADD COLUMN uid INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mailbox_purge ADD COLUMN hash TEXT NOT NULL DEFAULT '';
