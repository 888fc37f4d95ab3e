package intake

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Purge is one mail whose copies must leave the server because its case was
// purged (the retention limit).
type Purge struct {
	ID        int64
	MessageID string // without angle brackets
	Attempts  int    // attempts so far, this one included
}

// Purges is the queue of mailbox copies to delete. Pending hands out at most
// limit rows and counts the attempt; Done removes a row from the queue with
// the number of copies deleted (0 when none was left).
type Purges interface {
	Pending(ctx context.Context, limit int) ([]Purge, error)
	Done(ctx context.Context, id int64, found int) error
}

const (
	purgeBatch       = 50 // purges per poll cycle
	maxPurgeAttempts = 10 // a Message-ID the server keeps refusing is given up after this many
)

// SetPurges gives the intake the queue of mailbox copies to delete; call it
// before Run. Without it the intake deletes nothing.
func (in *Intake) SetPurges(p Purges) { in.purges = p }

// purgeCopies deletes the server's copies of purged mail: in the main mailbox
// (only mail the intake has already handed over) and in the Processed folder.
// A copy is deleted only when its Message-ID header is exactly the queued id.
// It returns only connection errors; the queue's errors are logged.
func (in *Intake) purgeCopies(ctx context.Context, s *session) error {
	if in.purges == nil {
		return nil
	}
	list, err := in.purges.Pending(ctx, purgeBatch)
	if err != nil {
		in.count(func(st *Stats) { st.Errors++ })
		in.log.Warn("cannot read the mailbox purge queue", "err", err)
		return nil
	}
	if len(list) == 0 {
		return nil
	}
	res := make(map[int64]*purgeResult, len(list))
	for _, p := range list {
		res[p.ID] = &purgeResult{invalid: !validMessageID(p.MessageID)}
		if res[p.ID].invalid {
			in.log.Warn("purge queue holds an unusable Message-ID; nothing deleted for it", "purge_id", p.ID)
		}
	}
	if in.state.lastUID > 0 {
		if err := in.purgeIn(ctx, s, in.cfg.Mailbox, in.state.lastUID, list, res); err != nil {
			return err
		}
	}
	if box := in.cfg.Processed; box != "" && box != in.cfg.Mailbox {
		err := in.purgeProcessed(ctx, s, list, res)
		if err := errors.Join(err, in.open(ctx, s)); err != nil {
			return err
		}
	}
	in.purgesDone(ctx, list, res)
	return nil
}

// purgeResult is what one cycle did for one purge.
type purgeResult struct {
	found   int  // copies deleted (or, without UIDPLUS, marked \Deleted)
	refused bool // the server refused a command: try again later
	invalid bool // the id cannot be searched for: done without touching the server
}

func (r *purgeResult) skip() bool { return r.refused || r.invalid }

// purgeProcessed selects the Processed folder, if it exists, and purges there.
// The caller selects the main mailbox again.
func (in *Intake) purgeProcessed(ctx context.Context, s *session, list []Purge, res map[int64]*purgeResult) error {
	box := in.cfg.Processed
	var exists bool
	err := s.await(ctx, "list "+box, func() error {
		boxes, err := s.c.List("", box, nil).Collect()
		exists = len(boxes) > 0
		return err
	})
	if err == nil && exists {
		err = s.await(ctx, "select "+box, func() error {
			_, err := s.c.Select(box, nil).Wait()
			return err
		})
	}
	if refusal(err) {
		in.log.Warn("cannot open the processed folder to delete purged mail; trying again later", "folder", box, "err", err)
		for _, r := range res {
			r.refused = !r.invalid
		}
		return nil
	}
	if err != nil || !exists {
		return err
	}
	return in.purgeIn(ctx, s, box, 0, list, res)
}

// purgeIn deletes, in the selected mailbox, the copies of every purge not yet
// refused. maxUID > 0 limits the search to UIDs up to it.
func (in *Intake) purgeIn(ctx context.Context, s *session, box string, maxUID uint32, list []Purge, res map[int64]*purgeResult) error {
	deleted, flagged := 0, 0
	for _, p := range list {
		r := res[p.ID]
		if r.skip() {
			continue
		}
		n, err := in.purgeOne(ctx, s, p.MessageID, maxUID)
		if refusal(err) {
			in.log.Warn("server refused to delete a purged mail; trying again later", "purge_id", p.ID, "folder", box, "err", err)
			r.refused = true
			continue
		}
		if err != nil {
			return err
		}
		r.found += n
		deleted += n
	}
	if !s.caps.Has(imap.CapUIDPlus) {
		deleted, flagged = 0, deleted
	}
	if deleted+flagged > 0 {
		in.log.Info("deleted the mailbox copies of purged cases", "folder", box, "uids", deleted, "left_flagged_deleted", flagged)
	}
	return nil
}

// purgeOne finds the messages whose Message-ID is exactly <id>, marks them
// \Deleted and, with UIDPLUS, expunges exactly those UIDs. Without UIDPLUS
// they stay marked: a plain EXPUNGE would also remove mail someone else
// marked. It returns how many it deleted (or marked).
func (in *Intake) purgeOne(ctx context.Context, s *session, id string, maxUID uint32) (int, error) {
	want := "<" + id + ">"
	criteria := &imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: want}}}
	if maxUID > 0 {
		criteria.UID = []imap.UIDSet{{{Start: 1, Stop: imap.UID(maxUID)}}}
	}
	var data *imap.SearchData
	if err := s.await(ctx, "search message-id", func() (err error) {
		data, err = s.c.UIDSearch(criteria, nil).Wait()
		return err
	}); err != nil {
		return 0, err
	}
	uids := sortedUIDs(data.AllUIDs(), 0)
	if maxUID > 0 { // "1:n" also matches the highest UID when it is above n
		uids = filterUIDs(uids, func(u uint32) bool { return u <= maxUID })
	}
	if len(uids) == 0 {
		return 0, nil
	}
	headers, err := in.fetchMessageIDs(ctx, s, uids)
	if err != nil {
		return 0, err
	}
	exact := filterUIDs(uids, func(u uint32) bool { return exactMessageID(headers[u], want) })
	if len(exact) == 0 {
		return 0, nil
	}
	set := uidSet(exact...)
	err = s.await(ctx, fmt.Sprintf("delete %d uids", len(exact)), func() error { return s.remove(set) })
	if err != nil {
		return 0, err
	}
	return len(exact), nil
}

// fetchMessageIDs fetches the Message-ID header fields of uids.
func (in *Intake) fetchMessageIDs(ctx context.Context, s *session, uids []uint32) (map[uint32][]byte, error) {
	sec := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, HeaderFields: []string{"Message-ID"}, Peek: true}
	out := make(map[uint32][]byte, len(uids))
	err := s.await(ctx, "fetch message-id", func() error {
		cmd := s.c.Fetch(uidSet(uids...), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{sec}})
		var readErr error
		for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
			var uid imap.UID
			var hdr []byte
			for item := msg.Next(); item != nil; item = msg.Next() {
				switch it := item.(type) {
				case imapclient.FetchItemDataUID:
					uid = it.UID
				case imapclient.FetchItemDataBodySection:
					if it.Literal != nil {
						b, err := io.ReadAll(io.LimitReader(it.Literal, maxHeaderBytes))
						hdr, readErr = b, errors.Join(readErr, err)
					}
				}
			}
			if uid != 0 {
				out[uint32(uid)] = hdr
			}
		}
		return errors.Join(cmd.Close(), readErr)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// purgesDone marks every purge done that the server did not refuse, and gives
// up on one refused too often. The queue's errors are logged: the purge is
// simply tried again.
func (in *Intake) purgesDone(ctx context.Context, list []Purge, res map[int64]*purgeResult) {
	for _, p := range list {
		r := res[p.ID]
		if r.refused {
			if p.Attempts < maxPurgeAttempts {
				continue
			}
			in.count(func(st *Stats) { st.Errors++ })
			in.log.Error("giving up deleting the mailbox copies of a purged mail; delete them by hand",
				"purge_id", p.ID, "attempts", p.Attempts)
		}
		if err := in.purges.Done(ctx, p.ID, r.found); err != nil {
			in.count(func(st *Stats) { st.Errors++ })
			in.log.Warn("cannot mark a mailbox purge done; it will be tried again", "purge_id", p.ID, "err", err)
		}
	}
}

// refusal reports whether err is the server's NO or BAD rather than a broken
// connection.
func refusal(err error) bool {
	var imapErr *imap.Error
	return errors.As(err, &imapErr)
}

// exactMessageID reports whether a header section (the Message-ID fields
// only) has at least one Message-ID field and every one of them is exactly
// want once unfolded and trimmed. The server's search is a case-insensitive
// substring match; this is the check that decides.
func exactMessageID(header []byte, want string) bool {
	var vals []string
	cur := -1
	for line := range strings.SplitSeq(string(header), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if line == "" {
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			if cur >= 0 {
				vals[cur] += line
			}
			continue
		}
		cur = -1
		name, value, ok := strings.Cut(line, ":")
		if ok && strings.EqualFold(strings.TrimRight(name, " \t"), "Message-ID") {
			vals = append(vals, value)
			cur = len(vals) - 1
		}
	}
	for _, v := range vals {
		if strings.Trim(v, " \t") != want {
			return false
		}
	}
	return len(vals) > 0
}

// validMessageID refuses an id that cannot stand between angle brackets in
// one header line.
func validMessageID(id string) bool {
	if id == "" || len(id) > 998 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; c <= ' ' || c == 0x7f || c == '<' || c == '>' {
			return false
		}
	}
	return true
}

func filterUIDs(uids []uint32, keep func(uint32) bool) []uint32 {
	out := uids[:0:0]
	for _, u := range uids {
		if keep(u) {
			out = append(out, u)
		}
	}
	return out
}
