package daemon

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
)

// A markerFile is a small file beside the database that names, across a death of the process,
// the one thing in flight: the message being handled (poison.go), the mail the server accepted
// whose record is not yet written (accepted.go). It is written with a plain pwrite and no
// fsync: the page cache survives the death of the process, not a power cut. Its content is a
// line of magic, a state byte ('1' names a thing, '0' none, so clearing is one byte), and then
// the thing's numbers and one string, the string length-prefixed so that a torn or stale tail
// is never read as a name: "1 <n> … <len> <s>\n".
type markerFile struct {
	f      *os.File
	magic  string
	what   string // "the in-flight marker", for errors and the log
	buf    []byte
	warned bool
}

// markerRecord is what a marker file names: its numbers and its string.
type markerRecord struct {
	nums []int64
	s    string
}

// openMarkerFile opens (creating, 0600) the marker file at path and returns what it names, if
// anything. what names the file in errors ("the in-flight marker").
func openMarkerFile(path, magic string, nums int, what string) (*markerFile, *markerRecord, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("open %s: %w", what, err)
	}
	b, err := io.ReadAll(io.LimitReader(f, 4096))
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("read %s: %w", what, err)
	}
	return &markerFile{f: f, magic: magic, what: what}, parseMarkerFile(b, magic, nums), nil
}

// set names a thing: its numbers (as many as the file holds) and its string.
func (m *markerFile) set(s string, nums ...int64) error {
	b := append(m.buf[:0], m.magic...)
	b = append(b, '1')
	for _, n := range nums {
		b = append(b, ' ')
		b = strconv.AppendInt(b, n, 10)
	}
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(len(s)), 10)
	b = append(b, ' ')
	b = append(b, s...)
	b = append(b, '\n')
	m.buf = b
	_, err := m.f.WriteAt(b, 0)
	return err
}

// clear says that nothing is named, in one byte.
func (m *markerFile) clear() error {
	_, err := m.f.WriteAt([]byte{'0'}, int64(len(m.magic)))
	return err
}

func (m *markerFile) close() error { return m.f.Close() }

// warnOnce logs, the first time only, that a write failed and what that costs: a write that
// fails is otherwise ignored, for a marker only helps after a death.
func (m *markerFile) warnOnce(log *slog.Logger, err error, cost string) {
	if !m.warned {
		m.warned = true
		log.Warn("cannot write "+m.what+"; "+cost, "err", err)
	}
}

// parseMarkerFile reads a marker file's content: nil when it names nothing (or is not one).
func parseMarkerFile(b []byte, magic string, nums int) *markerRecord {
	rest, ok := bytes.CutPrefix(b, []byte(magic))
	if !ok || len(rest) < 2 || rest[0] != '1' || rest[1] != ' ' {
		return nil
	}
	f := bytes.SplitN(rest[2:], []byte(" "), nums+2)
	if len(f) != nums+2 {
		return nil
	}
	r := &markerRecord{nums: make([]int64, nums)}
	for i := range nums {
		v, err := strconv.ParseInt(string(f[i]), 10, 64)
		if err != nil {
			return nil
		}
		r.nums[i] = v
	}
	n, err := strconv.Atoi(string(f[nums]))
	tail := f[nums+1]
	if err != nil || n < 0 || n >= len(tail) || tail[n] != '\n' {
		return nil
	}
	r.s = string(tail[:n])
	return r
}
