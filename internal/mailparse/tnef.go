package mailparse

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
)

// A small reader for Outlook's TNEF (winmail.dat, MS-OXTNEF): the attachment records
// (attAttachRendData starts one, attAttachTitle names it, attAttachData holds it, and the
// attAttachment MAPI properties may give the long file name and MIME type) and the plain
// body (attBody). Everything else is skipped. Every read is bounds-checked.

const (
	tnefSignature = 0x223E9F78

	tnefLevelMessage    = 1
	tnefLevelAttachment = 2

	// Attribute ids: the low 16 bits name the attribute, the high 16 bits give its type.
	attBody           = 0x0002800C
	attAttachData     = 0x0006800F
	attAttachTitle    = 0x00018010
	attAttachRendData = 0x00069002
	attAttachment     = 0x00069005
	attOemCodepage    = 0x00069007

	// MAPI property ids and types used in attAttachment.
	prAttachLongFilename = 0x3707
	prAttachMimeTag      = 0x370E
	ptString8            = 0x001E
	ptUnicode            = 0x001F
	ptBinary             = 0x0102
	ptObject             = 0x000D
	mvFlag               = 0x1000

	maxTNEFAttachments = 200
	maxMAPIProps       = 10000

	// A file name is cut to 200 bytes later (sanitizeFilename); decoding more of a name than
	// this only costs memory. An 18 MB UTF-16 name once made a mail allocate 600 MB.
	maxTNEFName    = 1024 // bytes of an 8-bit name, or UTF-16 code units of a Unicode one
	maxTNEFMimeTag = 256
)

var errTNEFSignature = errors.New("not a TNEF stream")

type tnefAttachment struct {
	name     string
	mimeTag  string
	data     []byte
	longName bool
}

type tnefData struct {
	body        string
	attachments []*tnefAttachment
}

// parseTNEF reads a TNEF stream. A stream cut short yields what was read before the cut;
// an error only when not even the signature is there.
func parseTNEF(b []byte) (*tnefData, error) {
	if len(b) < 6 || binary.LittleEndian.Uint32(b) != tnefSignature {
		return nil, errTNEFSignature
	}
	out := &tnefData{}
	codepage := "windows-1252"
	var cur *tnefAttachment
	pos := 6 // signature and legacy key
	for pos+9 <= len(b) {
		level := b[pos]
		id := binary.LittleEndian.Uint32(b[pos+1:])
		n := int(binary.LittleEndian.Uint32(b[pos+5:]))
		pos += 9
		if n < 0 || n > len(b)-pos {
			break
		}
		data := b[pos : pos+n]
		pos += n + 2 // data and checksum
		switch {
		case level == tnefLevelMessage && id == attBody:
			out.body = decodeCharset(codepage, trimNUL(data))
		case level == tnefLevelMessage && id == attOemCodepage && len(data) >= 4:
			codepage = codepageName(binary.LittleEndian.Uint32(data))
		case level == tnefLevelAttachment && id == attAttachRendData:
			if len(out.attachments) >= maxTNEFAttachments {
				return out, nil
			}
			cur = &tnefAttachment{}
			out.attachments = append(out.attachments, cur)
		case level == tnefLevelAttachment && cur != nil && id == attAttachTitle:
			if !cur.longName {
				cur.name = decodeCharset(codepage, trimNUL(data[:min(len(data), maxTNEFName)]))
			}
		case level == tnefLevelAttachment && cur != nil && id == attAttachData:
			cur.data = data
		case level == tnefLevelAttachment && cur != nil && id == attAttachment:
			readAttachProps(data, cur)
		}
	}
	// Attachments without data (an embedded message, OLE objects) are not useful here.
	kept := out.attachments[:0]
	for _, a := range out.attachments {
		if a.data != nil {
			if a.name == "" {
				a.name = "attachment"
			}
			kept = append(kept, a)
		}
	}
	out.attachments = kept
	return out, nil
}

func trimNUL(b []byte) []byte {
	for len(b) > 0 && b[len(b)-1] == 0 {
		b = b[:len(b)-1]
	}
	return b
}

func codepageName(cp uint32) string {
	switch cp {
	case 65001:
		return "utf-8"
	case 1250, 1251, 1252, 1253, 1254, 1255, 1256, 1257, 1258:
		return fmt.Sprintf("windows-%d", cp)
	}
	return "windows-1252"
}

// readAttachProps reads the MAPI property list of attAttachment for the long file name and
// MIME tag; it stops quietly at anything it cannot read.
func readAttachProps(b []byte, a *tnefAttachment) {
	r := &tnefReader{b: b}
	count, ok := r.u32()
	if !ok || count > maxMAPIProps {
		return
	}
	for i := uint32(0); i < count; i++ {
		ptype, ok1 := r.u16()
		pid, ok2 := r.u16()
		if !ok1 || !ok2 {
			return
		}
		if pid >= 0x8000 && !r.skipName() {
			return
		}
		vals, ok := r.values(ptype)
		if !ok {
			return
		}
		if len(vals) == 0 {
			continue
		}
		switch pid {
		case prAttachLongFilename:
			if s := mapiString(ptype, vals[0], maxTNEFName); s != "" {
				a.name, a.longName = s, true
			}
		case prAttachMimeTag:
			a.mimeTag = strings.ToLower(mapiString(ptype, vals[0], maxTNEFMimeTag))
		}
	}
}

// mapiString decodes a string property, at most max characters of it (UTF-16 code units for
// a Unicode string, bytes for an 8-bit one): the cut is made before anything is allocated.
func mapiString(ptype uint16, v []byte, max int) string {
	if ptype&^mvFlag == ptUnicode {
		v = v[:min(len(v), 2*max)]
		u := make([]uint16, len(v)/2)
		for i := range u {
			u[i] = binary.LittleEndian.Uint16(v[2*i:])
		}
		for len(u) > 0 && u[len(u)-1] == 0 {
			u = u[:len(u)-1]
		}
		return cleanLine(string(utf16.Decode(u)))
	}
	return cleanLine(decodeCharset("windows-1252", trimNUL(v[:min(len(v), max)])))
}

// tnefReader reads little-endian values with bounds checks.
type tnefReader struct {
	b   []byte
	pos int
}

func (r *tnefReader) take(n int) ([]byte, bool) {
	if n < 0 || n > len(r.b)-r.pos {
		return nil, false
	}
	v := r.b[r.pos : r.pos+n]
	r.pos += n
	return v, true
}

func (r *tnefReader) u16() (uint16, bool) {
	v, ok := r.take(2)
	if !ok {
		return 0, false
	}
	return binary.LittleEndian.Uint16(v), true
}

func (r *tnefReader) u32() (uint32, bool) {
	v, ok := r.take(4)
	if !ok {
		return 0, false
	}
	return binary.LittleEndian.Uint32(v), true
}

// skipName skips a named property's GUID and its numeric id or UTF-16 name.
func (r *tnefReader) skipName() bool {
	if _, ok := r.take(16); !ok {
		return false
	}
	kind, ok := r.u32()
	if !ok {
		return false
	}
	if kind == 0 {
		_, ok = r.u32()
		return ok
	}
	n, ok := r.u32()
	if !ok || n > uint32(len(r.b)) {
		return false
	}
	_, ok = r.take(pad4(int(n)))
	return ok
}

func pad4(n int) int { return (n + 3) &^ 3 }

// values reads the values of one property of type ptype and returns the first.
func (r *tnefReader) values(ptype uint16) ([][]byte, bool) {
	base := ptype &^ mvFlag
	multi := ptype&mvFlag != 0
	variable := base == ptString8 || base == ptUnicode || base == ptBinary || base == ptObject
	count := uint32(1)
	if multi || variable {
		c, ok := r.u32()
		if !ok || c > uint32(len(r.b)) {
			return nil, false
		}
		count = c
	}
	var out [][]byte
	for i := uint32(0); i < count; i++ {
		if variable {
			n, ok := r.u32()
			if !ok || n > uint32(len(r.b)) {
				return nil, false
			}
			v, ok := r.take(int(n))
			if !ok {
				return nil, false
			}
			if _, ok := r.take(pad4(int(n)) - int(n)); !ok {
				return nil, false
			}
			if out == nil {
				out = [][]byte{v}
			}
			continue
		}
		size := fixedSize(base)
		if size < 0 {
			return nil, false
		}
		if size == 0 {
			return nil, true
		}
		v, ok := r.take(size)
		if !ok {
			return nil, false
		}
		if out == nil {
			out = [][]byte{v}
		}
	}
	return out, true
}

// fixedSize is the padded size of a fixed-length MAPI type, or -1 when unknown.
func fixedSize(t uint16) int {
	switch t {
	case 0x0001: // PtypNull
		return 0
	case 0x0002, 0x0003, 0x0004, 0x000A, 0x000B: // int16, int32, float, error, boolean
		return 4
	case 0x0005, 0x0006, 0x0007, 0x0014, 0x0040: // double, currency, apptime, int64, systime
		return 8
	case 0x0048: // GUID
		return 16
	}
	return -1
}
