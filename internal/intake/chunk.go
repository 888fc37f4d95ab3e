package intake

import (
	"bytes"
	"context"
	"fmt"

	"github.com/emersion/go-imap/v2"
)

// planBatch fetches the structure of the batch's larger messages (one command) and notes in
// metas how each is fetched. Messages in wholeOnly (their structure failed to come before)
// are fetched whole. When the structures fail to come (a server or a client that cannot
// describe some message: go-imap's own server drops the connection on a multipart without a
// boundary), the messages whose structure had not come are fetched whole on the next try.
func (in *Intake) planBatch(ctx context.Context, s *session, batch []uint32, metas map[uint32]meta, wholeOnly map[uint32]bool) error {
	var large []uint32
	for _, uid := range batch {
		if m, ok := metas[uid]; ok && m.size > in.cfg.WholeUpTo && m.size <= in.cfg.MaxSize && !wholeOnly[uid] {
			large = append(large, uid)
		}
	}
	if len(large) == 0 {
		return nil
	}
	var headers map[uint32][]byte // with a hint: the headers of the messages to describe
	if in.hint != nil {
		var err error
		if large, headers, err = in.hinted(ctx, s, large); err != nil {
			return err
		}
		if len(large) == 0 {
			return nil
		}
	}
	answered, err := in.fetchStructures(ctx, s, large, headers == nil, func(uid uint32, bs imap.BodyStructure, header []byte) {
		if headers != nil {
			header = headers[uid]
		}
		if m, ok := metas[uid]; ok {
			m.view = planView(bs, header, m.size, in.cfg.WholeUpTo < 0)
			metas[uid] = m
		}
	})
	if err != nil {
		var missing []uint32
		for _, uid := range large {
			if !answered[uid] {
				missing = append(missing, uid)
			}
		}
		if len(missing) == 0 {
			missing = large
		}
		return &structureError{uids: missing, err: err}
	}
	return nil
}

// structureError is a failure while messages were fetched by their structure: they are
// fetched whole on the next try.
type structureError struct {
	uids []uint32
	err  error
}

func (e *structureError) Error() string {
	return fmt.Sprintf("%v: %d messages from uid %d: %v", errNoStructure, len(e.uids), e.uids[0], e.err)
}

func (e *structureError) Unwrap() []error { return []error{errNoStructure, e.err} }

// fetchChunk fetches the messages of one chunk: the small ones whole in one command (their
// header is the start of the message, not fetched again), each larger one's view in a command
// of its own, the header alone of one too large, all sent before any answer is read. A
// message missing from the answers (expunged meanwhile) is missing from the result; a view
// that does not hold (view.build) is fetched whole after all. sent is called once the chunk's
// commands are out, so that the next chunk's go out after them.
func (in *Intake) fetchChunk(ctx context.Context, s *session, uidValidity uint32, uids []uint32, metas map[uint32]meta, headerOnly bool, sent func()) (map[uint32]*Fetched, error) {
	hdr := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, Peek: true}
	whole := &imap.FetchItemBodySection{Peek: true}
	var small, views []uint32
	for _, uid := range uids {
		if m, ok := metas[uid]; ok && m.view != nil && !headerOnly {
			views = append(views, uid)
		} else if ok {
			small = append(small, uid)
		}
	}
	var reqs []fetchReq
	if len(small) > 0 {
		req := fetchReq{uids: small, opts: &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{whole}}, limit: in.cfg.MaxSize}
		if headerOnly {
			req = fetchReq{uids: small, opts: &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{hdr}}, limit: maxHeaderBytes, truncate: true}
		}
		reqs = append(reqs, req)
	}
	for _, uid := range views {
		reqs = append(reqs, fetchReq{uids: []uint32{uid}, opts: &imap.FetchOptions{UID: true, BodySection: metas[uid].view.sections()}, limit: in.cfg.MaxSize})
	}
	var answers []map[uint32]*answer
	err := s.await(ctx, fmt.Sprintf("fetch %d messages from uid %d", len(uids), uids[0]), func() (err error) {
		answers, err = s.fetchEach(reqs, sent)
		return err
	})
	if err != nil {
		if len(views) > 0 {
			return nil, &structureError{uids: views, err: err}
		}
		return nil, err
	}
	out := make(map[uint32]*Fetched, len(uids))
	var again []uint32 // too large after all (the header is wanted) or a view that does not hold
	if len(small) > 0 {
		for uid, a := range answers[0] {
			f := in.fetched(uidValidity, uid, metas[uid])
			switch {
			case headerOnly:
				f.Header, f.TooLarge = a.sections["HEADER"], true
			case a.over:
				again = append(again, uid)
				continue
			default:
				f.Raw = a.sections[""]
				f.Header = headerSection(f.Raw)
			}
			out[uid] = f
		}
		answers = answers[1:]
	}
	for i, uid := range views {
		a := answers[i][uid]
		if a == nil {
			continue // gone
		}
		m := metas[uid]
		raw, ok := m.view.build(a, m.size)
		if !ok {
			again = append(again, uid)
			continue
		}
		f := in.fetched(uidValidity, uid, m)
		f.Partial, f.Header = raw, m.view.header
		f.FetchWhole = func(ctx context.Context) ([]byte, error) { return in.fetchWhole(ctx, s, uid) }
		out[uid] = f
	}
	if len(again) > 0 {
		if err := in.fetchAgain(ctx, s, uidValidity, again, metas, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// fetchAgain fetches whole the messages whose view did not hold, with their header, so that
// one that is over MaxSize after all still has its header.
func (in *Intake) fetchAgain(ctx context.Context, s *session, uidValidity uint32, uids []uint32, metas map[uint32]meta, out map[uint32]*Fetched) error {
	hdr := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, Peek: true}
	whole := &imap.FetchItemBodySection{Peek: true}
	req := fetchReq{uids: uids, opts: &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{hdr, whole}}, limit: in.cfg.MaxSize}
	var answers map[uint32]*answer
	err := s.await(ctx, fmt.Sprintf("fetch %d messages whole from uid %d", len(uids), uids[0]), func() (err error) {
		answers, err = s.fetchOne(req)
		return err
	})
	if err != nil {
		return err
	}
	for uid, a := range answers {
		f := in.fetched(uidValidity, uid, metas[uid])
		f.Header = a.sections["HEADER"]
		if raw, ok := a.sections[""]; ok && !a.over {
			f.Raw = raw
		} else {
			f.TooLarge = true
		}
		if len(f.Header) > maxHeaderBytes {
			f.Header = f.Header[:maxHeaderBytes]
		}
		out[uid] = f
	}
	return nil
}

// fetched is a Fetched for uid with what the batch's first FETCH told.
func (in *Intake) fetched(uidValidity, uid uint32, m meta) *Fetched {
	return &Fetched{Mailbox: in.cfg.Mailbox, UIDValidity: uidValidity, UID: uid, Size: m.size, InternalDate: m.date}
}

// fetchWhole fetches one message whole, for a handler that has its view.
func (in *Intake) fetchWhole(ctx context.Context, s *session, uid uint32) ([]byte, error) {
	whole := &imap.FetchItemBodySection{Peek: true}
	req := fetchReq{uids: []uint32{uid}, opts: &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{whole}}, limit: in.cfg.MaxSize}
	var answers map[uint32]*answer
	err := s.await(ctx, fmt.Sprintf("fetch uid %d whole", uid), func() (err error) {
		answers, err = s.fetchOne(req)
		return err
	})
	if err != nil {
		return nil, err
	}
	a := answers[uid]
	if a != nil && a.over {
		return nil, fmt.Errorf("fetch uid %d whole: over %d bytes", uid, in.cfg.MaxSize)
	}
	raw, ok := []byte(nil), a != nil
	if ok {
		raw, ok = a.sections[""]
	}
	if !ok { // no answer, or one without the body: what servers send for an expunged message
		return nil, fmt.Errorf("fetch uid %d whole: %w", uid, ErrGone)
	}
	return raw, nil
}

// headerSection is the header of a whole message as BODY[HEADER] gives it: up to and with
// the first empty line (all of it when there is none), at most maxHeaderBytes.
func headerSection(raw []byte) []byte {
	end := len(raw)
	for i := 0; i < len(raw); {
		j := bytes.IndexByte(raw[i:], '\n')
		if j < 0 {
			break
		}
		line := raw[i : i+j+1]
		i += j + 1
		if len(line) == 1 || len(line) == 2 && line[0] == '\r' {
			end = i
			break
		}
	}
	return raw[:min(end, maxHeaderBytes):min(end, maxHeaderBytes)]
}
