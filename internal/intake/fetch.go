package intake

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// bodyBudget bounds the message bytes one chunk's FETCHes bring into memory; a message larger
// than that is fetched alone.
const bodyBudget = 8 << 20

// meta is what the first FETCH of a batch tells about one message, and for larger mail how it
// is fetched.
type meta struct {
	size int64
	date time.Time
	view *view // larger mail fetched by structure; nil: whole (or its header when too large)
}

// cost is what fetching the message brings into memory.
func (m meta) cost() int64 {
	if m.view != nil {
		return m.view.bytes
	}
	return max(m.size, 0)
}

func uidSet(uids ...uint32) imap.UIDSet {
	var set imap.UIDSet
	for _, u := range uids {
		set.AddNum(imap.UID(u))
	}
	return set
}

// fetchMeta fetches the size and internal date of a batch: a few dozen bytes
// a message, whatever the messages hold. sent is called once the command is out.
func (in *Intake) fetchMeta(ctx context.Context, s *session, uids []uint32, sent func()) (map[uint32]meta, error) {
	out := make(map[uint32]meta, len(uids))
	err := s.await(ctx, "fetch sizes", func() error {
		cmd := s.c.Fetch(uidSet(uids...), &imap.FetchOptions{UID: true, RFC822Size: true, InternalDate: true})
		sent()
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

// firstChunkBudget is the budget of a fetcher's first chunk; each next chunk has twice the
// budget of the one before, up to bodyBudget. The handler waits for the first chunk whole:
// a small one comes soon (across a link of 20 ms a first chunk of 1.5 MB took 140 ms), and
// the next, larger ones come while it is handled.
const firstChunkBudget = 64 << 10

// chunk returns how many of uids (at least one) the next chunk takes:
// messages in a row whose costs add up to at most budget, or one message
// that is larger, or one message too large to fetch whole (its header alone).
func (in *Intake) chunk(uids []uint32, metas map[uint32]meta, budget int64) (n int, headerOnly bool) {
	if m, ok := metas[uids[0]]; ok && m.size > in.cfg.MaxSize {
		return 1, true
	}
	var total int64
	for n < len(uids) {
		m := metas[uids[n]] // a message gone already counts as empty
		if m.size > in.cfg.MaxSize || (n > 0 && total+m.cost() > budget) {
			break
		}
		total += m.cost()
		n++
	}
	return n, false
}

// fetchReq is one FETCH command: its UIDs and items, and how much of each literal to read.
type fetchReq struct {
	uids     []uint32
	opts     *imap.FetchOptions
	limit    int64 // the largest literal read
	truncate bool  // a longer literal is cut at limit (a header), else left unread (a body)
}

// answer is what one FETCH gave for one message.
type answer struct {
	structure imap.BodyStructure
	sections  map[string][]byte // by section name: "" (the whole), "HEADER", "TEXT", "1.2", "1.2.MIME"
	over      bool              // a literal over the limit was left unread
}

// sectionName is how a body section is named in an answer.
func sectionName(sec *imap.FetchItemBodySection) string {
	var b strings.Builder
	for i, p := range sec.Part {
		if i > 0 {
			b.WriteByte('.')
		}
		fmt.Fprint(&b, p)
	}
	if sec.Specifier != imap.PartSpecifierNone {
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(string(sec.Specifier))
	}
	return b.String()
}

// fetchOne runs one FETCH and reads its answers by UID. A message missing from the answer
// (expunged meanwhile) is missing from the map.
func (s *session) fetchOne(req fetchReq) (map[uint32]*answer, error) {
	return readFetch(s.c.Fetch(uidSet(req.uids...), req.opts), req)
}

// fetchEach sends every request before it reads any answer, so that the server answers them
// one after the other without waiting for the client, and reads each in a goroutine of its own
// (a server may interleave the answers of pipelined commands). sent (may be nil) is called
// once every request is out, before any answer is read.
func (s *session) fetchEach(reqs []fetchReq, sent func()) ([]map[uint32]*answer, error) {
	out := make([]map[uint32]*answer, len(reqs))
	errs := make([]error, len(reqs))
	var wg sync.WaitGroup
	for i, req := range reqs {
		cmd := s.c.Fetch(uidSet(req.uids...), req.opts)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if v := recover(); v != nil {
					errs[i] = fmt.Errorf("read fetch answers: panic: %v\n%s", v, debug.Stack())
					_ = cmd.Close()
				}
			}()
			out[i], errs[i] = readFetch(cmd, req)
		}()
	}
	if sent != nil {
		sent()
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// readFetch reads the answers of a FETCH sent already, by UID.
func readFetch(cmd *imapclient.FetchCommand, req fetchReq) (map[uint32]*answer, error) {
	out := make(map[uint32]*answer, len(req.uids))
	err := eachAnswer(cmd, req, func(uid uint32, a *answer) { out[uid] = a })
	return out, err
}

// eachAnswer reads the answers of a FETCH sent already and gives each to f as it comes, so
// that what f does not keep is garbage before the next arrives.
func eachAnswer(cmd *imapclient.FetchCommand, req fetchReq, f func(uid uint32, a *answer)) error {
	var readErr error
	for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
		a := &answer{sections: map[string][]byte{}}
		var uid imap.UID
		for item := msg.Next(); item != nil; item = msg.Next() {
			switch it := item.(type) {
			case imapclient.FetchItemDataUID:
				uid = it.UID
			case imapclient.FetchItemDataBodyStructure:
				a.structure = it.BodyStructure
			case imapclient.FetchItemDataBodySection:
				if it.Literal == nil {
					continue
				}
				data, over, err := readLiteral(it.Literal, req.limit, req.truncate)
				readErr = errors.Join(readErr, err)
				if over {
					a.over = true
					continue
				}
				a.sections[sectionName(it.Section)] = data
			}
		}
		if uid != 0 {
			f(uint32(uid), a)
		}
	}
	return errors.Join(cmd.Close(), readErr)
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
