package intake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Purge is one mailbox copy that must leave the server because its case was
// purged (the retention limit): exactly a message the intake filed for the
// case, never another one that shares its Message-ID.
type Purge struct {
	ID int64
	// Folder, UIDValidity and UID name the message exactly (see Filing). Folder
	// "" is the Processed folder: a message moved there whose place was not
	// recorded (a crash between the move and the record, or mail handled
	// before filings were recorded). UID 0: not known.
	Folder      string
	UIDValidity uint32
	UID         uint32
	// MessageID and Hash find the message when its UID is not known or no
	// longer valid (the folder's UIDVALIDITY changed): a message in Folder
	// whose Message-ID is exactly MessageID and whose bytes hash to Hash, the
	// hex SHA-256 of what the intake handed over (Fetched.Raw, or
	// Fetched.Header when TooLarge). MessageID "": the message is not looked
	// for (a place it was handed over at, stale once it moved). Hash "": a row
	// from before filings were recorded; the Message-ID alone decides, and only
	// in the Processed folder, never in the main mailbox, where another mail
	// with the same Message-ID may be anyone's.
	MessageID string
	Hash      string
	Attempts  int // attempts so far, this one included
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
	maxPurgeAttempts = 10 // a copy the server keeps refusing is given up after this many
)

// SetPurges gives the intake the queue of mailbox copies to delete; call it
// before Run. Without it the intake deletes nothing.
func (in *Intake) SetPurges(p Purges) { in.purges = p }

// purgeResult is what one cycle did for one purge.
type purgeResult struct {
	found   int  // copies deleted (or, without UIDPLUS, marked \Deleted)
	refused bool // the server refused a command: try again later
	later   bool // cannot be done now (nothing handed over yet): try again, no attempt lost
}

// purgeCopies deletes the server's copies of purged mail, folder by folder:
// the main mailbox first (only mail the intake has already handed over),
// then the others it filed mail in. It returns only connection errors; the
// queue's errors are logged.
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
	byFolder := map[string][]Purge{}
	for _, p := range list {
		res[p.ID] = &purgeResult{}
		folder := p.Folder
		if folder == "" {
			folder = in.cfg.Processed
		}
		switch {
		case folder == "":
			// Filed nowhere but in the mailbox (mail is flagged, not moved): nothing to find.
		case p.UID == 0 && !validMessageID(p.MessageID):
			in.log.Warn("a purged mail was filed where its UID is not known and it has no usable Message-ID; delete it by hand",
				"purge_id", p.ID, "folder", folder)
		default:
			byFolder[folder] = append(byFolder[folder], p)
		}
	}
	if rows := byFolder[in.cfg.Mailbox]; len(rows) > 0 {
		if err := in.purgeMain(ctx, s, rows, res); err != nil {
			return err
		}
	}
	var others []string
	for f := range byFolder {
		if f != in.cfg.Mailbox {
			others = append(others, f)
		}
	}
	slices.Sort(others)
	if len(others) > 0 {
		var err error
		for _, f := range others {
			if err = in.purgeOther(ctx, s, f, byFolder[f], res); err != nil {
				break
			}
		}
		if err := errors.Join(err, in.open(ctx, s)); err != nil {
			return err
		}
	}
	in.purgesDone(ctx, list, res)
	return nil
}

// purgeMain purges in the main mailbox, which is selected, among the UIDs
// already handed over.
func (in *Intake) purgeMain(ctx context.Context, s *session, rows []Purge, res map[int64]*purgeResult) error {
	if in.state.lastUID == 0 {
		for _, p := range rows {
			res[p.ID].later = true
		}
		return nil
	}
	return in.purgeIn(ctx, s, in.cfg.Mailbox, in.state.uidValidity, in.state.lastUID, rows, res)
}

// purgeOther selects another folder, if it exists, and purges there. The
// caller selects the main mailbox again.
func (in *Intake) purgeOther(ctx context.Context, s *session, box string, rows []Purge, res map[int64]*purgeResult) error {
	var exists bool
	err := s.await(ctx, "list "+box, func() error {
		boxes, err := s.c.List("", box, nil).Collect()
		exists = len(boxes) > 0
		return err
	})
	var sel *imap.SelectData
	if err == nil && exists {
		sel, err = s.selectBox(ctx, box)
	}
	if refused(err) {
		in.log.Warn("cannot open a folder to delete purged mail; trying again later", "folder", box, "err", err)
		for _, p := range rows {
			res[p.ID].refused = true
		}
		return nil
	}
	if err != nil {
		return err
	}
	if !exists {
		in.log.Info("a folder purged mail was filed in no longer exists; nothing to delete there", "folder", box)
		return nil
	}
	return in.purgeIn(ctx, s, box, sel.UIDValidity, 0, rows, res)
}

// purgeIn deletes, in the selected mailbox box (UIDVALIDITY uidValidity), the
// messages of rows: by UID where it is still valid, else found by Message-ID
// and checked by content. maxUID > 0 limits it to UIDs up to it.
func (in *Intake) purgeIn(ctx context.Context, s *session, box string, uidValidity, maxUID uint32, rows []Purge, res map[int64]*purgeResult) error {
	var exact, search []Purge
	for _, p := range rows {
		switch {
		case p.UID != 0 && p.UIDValidity == uidValidity && (maxUID == 0 || p.UID <= maxUID):
			exact = append(exact, p)
		case validMessageID(p.MessageID) && (p.Hash != "" || box == in.cfg.Processed && box != in.cfg.Mailbox):
			search = append(search, p)
		}
		// Else the place is stale and the message is not to be looked for: it was handed over
		// there and has moved on, or the mailbox was renumbered and it was handed over again
		// under its new UID, with a purge row of its own.
	}
	deleted := 0
	if len(exact) > 0 {
		gone, err := in.purgeUIDs(ctx, s, exact)
		if refused(err) {
			in.log.Warn("server refused to delete purged mail; trying again later", "folder", box, "err", err)
			for _, p := range exact {
				res[p.ID].refused = true
			}
		} else if err != nil {
			return err
		}
		for _, p := range exact {
			if slices.Contains(gone, p.UID) {
				res[p.ID].found++
				deleted++
			}
		}
	}
	for _, p := range search {
		n, err := in.purgeFound(ctx, s, p, maxUID)
		if refused(err) {
			in.log.Warn("server refused to delete a purged mail; trying again later", "purge_id", p.ID, "folder", box, "err", err)
			res[p.ID].refused = true
			continue
		}
		if err != nil {
			return err
		}
		res[p.ID].found += n
		deleted += n
	}
	if deleted > 0 {
		flagged := 0
		if !s.caps.Has(imap.CapUIDPlus) {
			deleted, flagged = 0, deleted
		}
		in.log.Info("deleted the mailbox copies of purged cases", "folder", box, "uids", deleted, "left_flagged_deleted", flagged)
	}
	return nil
}

// purgeUIDs deletes those of the rows' UIDs that still exist and returns them.
func (in *Intake) purgeUIDs(ctx context.Context, s *session, rows []Purge) ([]uint32, error) {
	var want []uint32
	for _, p := range rows {
		want = append(want, p.UID)
	}
	var data *imap.SearchData
	if err := s.await(ctx, "search uids", func() (err error) {
		data, err = s.c.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{uidSet(want...)}}, nil).Wait()
		return err
	}); err != nil {
		return nil, err
	}
	there := filterUIDs(sortedUIDs(data.AllUIDs(), 0), func(u uint32) bool { return slices.Contains(want, u) })
	if len(there) == 0 {
		return nil, nil
	}
	set := uidSet(there...)
	if err := s.await(ctx, fmt.Sprintf("delete %d uids", len(there)), func() error { return s.remove(set) }); err != nil {
		return nil, err
	}
	return there, nil
}

// purgeFound finds the messages whose Message-ID is exactly <p.MessageID>
// and, unless p.Hash is "", whose content hashes to p.Hash; marks them
// \Deleted and, with UIDPLUS, expunges exactly those UIDs. Without UIDPLUS
// they stay marked: a plain EXPUNGE would also remove mail someone else
// marked. It returns how many it deleted (or marked).
func (in *Intake) purgeFound(ctx context.Context, s *session, p Purge, maxUID uint32) (int, error) {
	want := "<" + p.MessageID + ">"
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
	if p.Hash != "" && len(exact) > 0 {
		var same []uint32
		for _, u := range exact {
			ok, err := in.sameContent(ctx, s, u, p.Hash)
			if err != nil {
				return 0, err
			}
			if ok {
				same = append(same, u)
			}
		}
		exact = same
	}
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

// sameContent reports whether the message uid is the one handed over with
// this hash: the SHA-256 of its whole bytes, or of its header section (the
// first maxHeaderBytes of it) for a message that was too large to fetch
// whole. It streams the message: no copy of it is held.
func (in *Intake) sameContent(ctx context.Context, s *session, uid uint32, hash string) (bool, error) {
	hdr := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, Peek: true}
	whole := &imap.FetchItemBodySection{Peek: true}
	var sums []string
	err := s.await(ctx, fmt.Sprintf("fetch uid %d to compare", uid), func() error {
		sums = sums[:0]
		cmd := s.c.Fetch(uidSet(uid), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{hdr, whole}})
		var readErr error
		for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
			for item := msg.Next(); item != nil; item = msg.Next() {
				it, ok := item.(imapclient.FetchItemDataBodySection)
				if !ok || it.Literal == nil {
					continue
				}
				var r io.Reader = it.Literal
				if it.MatchCommand(hdr) {
					r = io.LimitReader(it.Literal, maxHeaderBytes)
				}
				h := sha256.New()
				_, err := io.Copy(h, r)
				readErr = errors.Join(readErr, err)
				sums = append(sums, hex.EncodeToString(h.Sum(nil)))
			}
		}
		return errors.Join(cmd.Close(), readErr)
	})
	if err != nil {
		return false, err
	}
	return slices.Contains(sums, strings.ToLower(hash)), nil
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
		if r.later {
			continue
		}
		if r.refused {
			if p.Attempts < maxPurgeAttempts {
				continue
			}
			in.count(func(st *Stats) { st.Errors++ })
			in.log.Error("giving up deleting the mailbox copy of a purged mail; delete it by hand",
				"purge_id", p.ID, "folder", p.Folder, "uid", p.UID, "attempts", p.Attempts)
		}
		if err := in.purges.Done(ctx, p.ID, r.found); err != nil {
			in.count(func(st *Stats) { st.Errors++ })
			in.log.Warn("cannot mark a mailbox purge done; it will be tried again", "purge_id", p.ID, "err", err)
		}
	}
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
