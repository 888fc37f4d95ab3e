package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Incoming records that an IMAP message has been handled, so a redelivery is recognised.
type Incoming struct {
	Mailbox     string
	UIDValidity uint32
	UID         uint32
	MessageID   string
	Hash        string
	Content     string // mailparse.ContentKey; "" for none
	Disposition int
	Kind        string
	CaseID      string
	At          time.Time
}

// SeenIncoming reports how a message was handled before: by its IMAP identity, else (after a
// UIDVALIDITY change, or the same mail delivered twice) by the hash of its bytes, else by its
// content key (the same mail delivered twice with other trace fields); content "" matches
// nothing.
func (t *Tx) SeenIncoming(mailbox string, uidValidity, uid uint32, hash, content string) (Incoming, bool, error) {
	var in Incoming
	var caseID sql.NullString
	err := t.tx.QueryRowContext(t.ctx, seenIncomingQuery,
		mailbox, uidValidity, uid, hash, content, mailbox, uidValidity, uid, hash).Scan(&in.Mailbox, &in.UIDValidity, &in.UID, &in.MessageID, &in.Hash,
		&in.Content, &in.Disposition, &in.Kind, &caseID)
	if errors.Is(err, sql.ErrNoRows) {
		return in, false, nil
	}
	if err != nil {
		return in, false, fmt.Errorf("look up incoming uid %d: %w", uid, err)
	}
	in.CaseID = caseID.String
	return in, true, nil
}

// seenIncomingQuery is SeenIncoming's statement. "content != ”" (not "? != ”") lets
// SQLite use the partial index incoming_content, so that each term of the OR searches an
// index: a parameter cannot prove the index's condition, and the statement, run for every
// message, would scan the whole table.
const seenIncomingQuery = `SELECT mailbox, uidvalidity, uid, message_id, hash, content, disposition, kind, case_id
	FROM incoming WHERE (mailbox = ? AND uidvalidity = ? AND uid = ?) OR hash = ? OR (content != '' AND content = ?)
	ORDER BY (mailbox = ? AND uidvalidity = ? AND uid = ?) DESC, hash = ? DESC LIMIT 1`

// RecordIncoming notes that a message was handled (no content is stored here).
func (t *Tx) RecordIncoming(in Incoming) error {
	var caseID any
	if in.CaseID != "" {
		caseID = in.CaseID
	}
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO incoming(mailbox, uidvalidity, uid, message_id, hash, content,
		disposition, kind, case_id, at) VALUES(?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT(mailbox, uidvalidity, uid) DO NOTHING`,
		in.Mailbox, in.UIDValidity, in.UID, in.MessageID, in.Hash, in.Content, in.Disposition, in.Kind, caseID, in.At.UnixMilli())
	if err != nil {
		return fmt.Errorf("record incoming uid %d: %w", in.UID, err)
	}
	return nil
}

// Filing is where the intake filed a handled message (intake.Filing): the folder it is in
// now, that folder's UIDVALIDITY and its UID there (0: the server did not say).
type Filing struct {
	Mailbox     string
	UIDValidity uint32
	UID         uint32

	Folder            string
	FolderUIDValidity uint32
	FolderUID         uint32
}

// RecordFiled notes where the intake filed handled messages, on their incoming rows, for the
// retention purge. A message handled again later (a redelivery) is filed again and the last
// filing counts.
func (s *Store) RecordFiled(ctx context.Context, filings []Filing) error {
	err := s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for _, f := range filings {
			if _, err := tx.ExecContext(ctx, `UPDATE incoming SET filed_folder = ?, filed_uidvalidity = ?, filed_uid = ?
				WHERE mailbox = ? AND uidvalidity = ? AND uid = ?`, f.Folder, f.FolderUIDValidity, f.FolderUID,
				f.Mailbox, f.UIDValidity, f.UID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record where %d handled messages were filed: %w", len(filings), err)
	}
	return nil
}
