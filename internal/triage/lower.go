package triage

import (
	"encoding/binary"
	"slices"
	"strings"
	"sync"
)

// appendLower appends strings.ToLower(s) to dst, three times as fast for ASCII text, which
// the body of nearly every mail is: it lowers eight bytes at a time. Other text goes to
// strings.ToLower, so what it appends is the same for every s (FuzzLowerText). Triage lowers
// every incoming body once to find its keywords, into a buffer it uses again (lowerBuffers):
// for ordinary mail the lowering was a fifth of the handler's time, and its copy of the body
// a fifth of what the handler allocated.
func appendLower(dst []byte, s string) []byte {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	var seen uint64 // the bytes or-ed together: a high bit set is a byte of a non-ASCII rune
	i := 0
	for ; i+8 <= len(s); i += 8 {
		seen |= word(s, i)
	}
	for j := i; j < len(s); j++ {
		seen |= uint64(s[j])
	}
	if seen&highs != 0 {
		return append(dst, strings.ToLower(s)...)
	}
	dst = slices.Grow(dst, len(s))
	for i = 0; i+8 <= len(s); i += 8 {
		// Every byte is below 0x80, so no sum carries into the next byte: a byte's high bit is
		// set in the first sum when it is 'A' or above, in the second when it is above 'Z'.
		x := word(s, i)
		upper := (x + (0x80-'A')*ones) &^ (x + (0x80-'Z'-1)*ones) & highs
		dst = binary.LittleEndian.AppendUint64(dst, x|upper>>2) // 0x80>>2 is 'a'-'A'
	}
	for ; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// lowerBuffers holds the buffers complaintReason lowers text into; one that grew past
// maxLowerBuffer (a long complaint) is left to the collector rather than kept.
var lowerBuffers = sync.Pool{New: func() any { return new([]byte) }}

const maxLowerBuffer = 256 << 10

// word is the eight bytes of s from i, the first in the lowest byte.
func word(s string, i int) uint64 {
	return uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
		uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
}
