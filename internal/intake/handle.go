package intake

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// meta is what the first FETCH of a batch tells about one message.
type meta struct {
	size   int64
	date   time.Time
	header []byte
}

// handleBatch fetches the size, date and header of a batch, then the body of
// one message at a time, hands each to the handler in UID order and applies
// its disposition. It stops at the first handler error.
func (in *Intake) handleBatch(ctx context.Context, s *session, batch []uint32) error {
	metas, err := in.fetchMeta(ctx, s, batch)
	if err != nil {
		return err
	}
	batch = append([]uint32(nil), batch...) // done() shifts the queue under us
	for _, uid := range batch {
		log := in.log.With("uidvalidity", in.state.uidValidity, "uid", uid)
		m, ok := metas[uid]
		if !ok { // expunged meanwhile
			log.Debug("message gone before fetch")
			if err := in.done(ctx, uid); err != nil {
				return err
			}
			continue
		}
		f := &Fetched{
			Mailbox: in.cfg.Mailbox, UIDValidity: in.state.uidValidity, UID: uid,
			Header: m.header, Size: m.size, InternalDate: m.date, TooLarge: m.size > in.cfg.MaxSize,
		}
		if !f.TooLarge {
			raw, found, err := in.fetchBody(ctx, s, uid, m.size)
			if err != nil {
				return err
			}
			if !found {
				log.Debug("message gone before fetch")
				if err := in.done(ctx, uid); err != nil {
					return err
				}
				continue
			}
			f.Raw, f.TooLarge = raw, int64(len(raw)) > in.cfg.MaxSize
			if f.TooLarge {
				f.Raw = nil
			}
		}
		in.count(func(st *Stats) { st.Fetched++ })
		disp, err := in.call(ctx, f)
		if err != nil {
			in.count(func(st *Stats) { st.Errors++ })
			return fmt.Errorf("uid %d: %w: %w", uid, errHandler, err)
		}
		in.count(func(st *Stats) { st.Handled++ })
		if err := in.dispose(ctx, s, uid, disp); err != nil {
			return err
		}
		log.Debug("message handed over", "disposition", disp, "too_large", f.TooLarge)
		if err := in.done(ctx, uid); err != nil {
			return err
		}
	}
	return nil
}

func (in *Intake) call(ctx context.Context, f *Fetched) (d Disposition, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v\n%s", v, debug.Stack())
		}
	}()
	return in.h(ctx, f)
}

func uidSet(uids ...uint32) imap.UIDSet {
	var set imap.UIDSet
	for _, u := range uids {
		set.AddNum(imap.UID(u))
	}
	return set
}

func (in *Intake) fetchMeta(ctx context.Context, s *session, uids []uint32) (map[uint32]*meta, error) {
	hdr := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, Peek: true}
	out := make(map[uint32]*meta, len(uids))
	err := s.await(ctx, "fetch headers", func() error {
		cmd := s.c.Fetch(uidSet(uids...), &imap.FetchOptions{
			UID: true, RFC822Size: true, InternalDate: true,
			BodySection: []*imap.FetchItemBodySection{hdr},
		})
		var readErr error
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
				case imapclient.FetchItemDataBodySection:
					if it.Literal != nil {
						b, err := io.ReadAll(io.LimitReader(it.Literal, maxHeaderBytes))
						m.header = b
						readErr = errors.Join(readErr, err)
					}
				}
			}
			if uid != 0 {
				out[uint32(uid)] = &m
			}
		}
		return errors.Join(cmd.Close(), readErr)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// fetchBody reads one whole message, never more than MaxSize+1 bytes of it.
func (in *Intake) fetchBody(ctx context.Context, s *session, uid uint32, size int64) (raw []byte, found bool, err error) {
	sec := &imap.FetchItemBodySection{Peek: true}
	err = s.await(ctx, fmt.Sprintf("fetch uid %d", uid), func() error {
		cmd := s.c.Fetch(uidSet(uid), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{sec}})
		var readErr error
		for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
			for item := msg.Next(); item != nil; item = msg.Next() {
				it, ok := item.(imapclient.FetchItemDataBodySection)
				if !ok || it.Literal == nil || found {
					continue
				}
				var buf bytes.Buffer
				buf.Grow(int(min(max(size, 0), in.cfg.MaxSize) + 1))
				_, err := io.Copy(&buf, io.LimitReader(it.Literal, in.cfg.MaxSize+1))
				raw, found, readErr = buf.Bytes(), true, errors.Join(readErr, err)
			}
		}
		return errors.Join(cmd.Close(), readErr)
	})
	if err != nil {
		return nil, false, err
	}
	return raw, found, nil
}

// dispose applies the handler's decision. A refusal by the server (NO) is
// logged and the message counts as done: the handler has already committed
// it, and one stubborn message must not stop the intake. A broken connection
// is an error: the message is handed over again and the handler dedupes.
func (in *Intake) dispose(ctx context.Context, s *session, uid uint32, d Disposition) error {
	var err error
	switch {
	case d == Leave:
		return nil
	case d == Flag, d == Move && in.cfg.Processed == "":
		err = in.flag(ctx, s, uid)
	case d == Move:
		err = in.move(ctx, s, uid)
	default:
		in.log.Warn("unknown disposition, leaving the message", "uid", uid, "disposition", int(d))
		return nil
	}
	var imapErr *imap.Error
	if errors.As(err, &imapErr) {
		in.count(func(st *Stats) { st.Errors++ })
		in.log.Error("server refused to move or flag a handled message", "uid", uid, "uidvalidity", in.state.uidValidity, "err", err)
		in.state.processed = false // the folder may be gone: look again next time
		return nil
	}
	return err
}

func (in *Intake) flag(ctx context.Context, s *session, uid uint32) error {
	return s.await(ctx, fmt.Sprintf("flag uid %d", uid), func() error {
		return s.c.Store(uidSet(uid), &imap.StoreFlags{
			Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagFlagged},
		}, nil).Close()
	})
}

// move uses UID MOVE where offered, else UID COPY, \Deleted and UID EXPUNGE
// of this one UID (UIDPLUS); without UIDPLUS the copy stays marked \Deleted
// rather than expunging other mail.
func (in *Intake) move(ctx context.Context, s *session, uid uint32) error {
	if err := in.ensureProcessed(ctx, s); err != nil {
		return err
	}
	set := uidSet(uid)
	to := in.cfg.Processed
	return s.await(ctx, fmt.Sprintf("move uid %d", uid), func() error {
		if s.caps.Has(imap.CapMove) {
			_, err := s.c.Move(set, to).Wait()
			return err
		}
		if _, err := s.c.Copy(set, to).Wait(); err != nil {
			return err
		}
		err := s.c.Store(set, &imap.StoreFlags{
			Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted},
		}, nil).Close()
		if err != nil || !s.caps.Has(imap.CapUIDPlus) {
			return err
		}
		return s.c.UIDExpunge(set).Close()
	})
}

// ensureProcessed creates the Processed folder if it does not exist, once.
func (in *Intake) ensureProcessed(ctx context.Context, s *session) error {
	if in.state.processed {
		return nil
	}
	to := in.cfg.Processed
	err := s.await(ctx, "create "+to, func() error {
		boxes, err := s.c.List("", to, nil).Collect()
		if err != nil || len(boxes) > 0 {
			return err
		}
		err = s.c.Create(to, nil).Wait()
		var imapErr *imap.Error
		if errors.As(err, &imapErr) && imapErr.Code == imap.ResponseCodeAlreadyExists {
			return nil
		}
		return err
	})
	if err != nil {
		return err
	}
	in.log.Debug("processed folder ready", "folder", to)
	in.state.processed = true
	return nil
}
