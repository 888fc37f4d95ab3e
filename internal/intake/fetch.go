package intake

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// bodyBudget bounds the message bytes one body FETCH brings into memory; a
// message larger than that is fetched alone.
const bodyBudget = 8 << 20

// meta is what the first FETCH of a batch tells about one message.
type meta struct {
	size int64
	date time.Time
}

// body is what the second FETCH gives for one message.
type body struct {
	header   []byte // the header section, at most maxHeaderBytes
	raw      []byte // the whole message; nil when too large
	tooLarge bool
}

func uidSet(uids ...uint32) imap.UIDSet {
	var set imap.UIDSet
	for _, u := range uids {
		set.AddNum(imap.UID(u))
	}
	return set
}

// fetchMeta fetches the size and internal date of a batch: a few dozen bytes
// a message, whatever the messages hold.
func (in *Intake) fetchMeta(ctx context.Context, s *session, uids []uint32) (map[uint32]meta, error) {
	out := make(map[uint32]meta, len(uids))
	err := s.await(ctx, "fetch sizes", func() error {
		cmd := s.c.Fetch(uidSet(uids...), &imap.FetchOptions{UID: true, RFC822Size: true, InternalDate: true})
		for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
			var m meta
			var uid imap.UID
			for item := msg.Next(); item != nil; item = msg.Next() {
				switch it := item.(type) {
				case imapclient.FetchItemDataUID:
					uid = it.UID
				case imapclient.FetchItemDataRFC822Size:
					m.size = it.Size
				case imapclient.FetchItemDataInternalDate:
					m.date = it.Time
				}
			}
			if uid != 0 {
				out[uint32(uid)] = m
			}
		}
		return cmd.Close()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// chunk returns how many of uids (at least one) the next body FETCH takes:
// messages in a row whose sizes add up to at most bodyBudget, or one message
// that is larger, or one message too large to fetch whole (its header alone).
func (in *Intake) chunk(uids []uint32, metas map[uint32]meta) (n int, headerOnly bool) {
	if m, ok := metas[uids[0]]; ok && m.size > in.cfg.MaxSize {
		return 1, true
	}
	var total int64
	for n < len(uids) {
		m := metas[uids[n]] // a message gone already counts as empty
		if m.size > in.cfg.MaxSize || (n > 0 && total+m.size > bodyBudget) {
			break
		}
		total += max(m.size, 0)
		n++
	}
	return n, false
}

// fetchBodies fetches the header section and, unless headerOnly, the whole of
// each message in one command. A message missing from the answer (expunged
// meanwhile) is missing from the map. No message is read beyond MaxSize: a
// larger one comes back tooLarge, with its header only.
func (in *Intake) fetchBodies(ctx context.Context, s *session, uids []uint32, headerOnly bool) (map[uint32]*body, error) {
	hdr := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, Peek: true}
	whole := &imap.FetchItemBodySection{Peek: true}
	sections := []*imap.FetchItemBodySection{hdr}
	if !headerOnly {
		sections = append(sections, whole)
	}
	out := make(map[uint32]*body, len(uids))
	what := fmt.Sprintf("fetch %d messages from uid %d", len(uids), uids[0])
	err := s.await(ctx, what, func() error {
		cmd := s.c.Fetch(uidSet(uids...), &imap.FetchOptions{UID: true, BodySection: sections})
		var readErr error
		for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
			b := &body{tooLarge: headerOnly}
			var uid imap.UID
			for item := msg.Next(); item != nil; item = msg.Next() {
				switch it := item.(type) {
				case imapclient.FetchItemDataUID:
					uid = it.UID
				case imapclient.FetchItemDataBodySection:
					if it.Literal == nil {
						continue
					}
					var err error
					switch {
					case it.MatchCommand(hdr):
						b.header, _, err = readLiteral(it.Literal, maxHeaderBytes, true)
					case it.MatchCommand(whole):
						b.raw, b.tooLarge, err = readLiteral(it.Literal, in.cfg.MaxSize, false)
					}
					readErr = errors.Join(readErr, err)
				}
			}
			if uid != 0 {
				out[uint32(uid)] = b
			}
		}
		return errors.Join(cmd.Close(), readErr)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// readLiteral reads a literal into a buffer of exactly its size: one
// allocation, no growing copies. A literal over limit is cut at limit when
// truncate is set, else not read at all (over is true).
func readLiteral(lit imap.LiteralReader, limit int64, truncate bool) (data []byte, over bool, err error) {
	n := lit.Size()
	if n > limit {
		if !truncate {
			return nil, true, nil
		}
		n = limit
	}
	data = make([]byte, max(n, 0))
	if _, err := io.ReadFull(lit, data); err != nil {
		return nil, false, fmt.Errorf("read literal of %d bytes: %w", n, err)
	}
	return data, false, nil
}
