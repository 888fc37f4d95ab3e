package form

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"strconv"

	"github.com/ledongthuc/pdf"
)

// The PDF library reads a file the way its author trusted it to be: it follows /Extends,
// /Prev and object references without bounds and re-reads an object stream for every object
// in it. The bounds below are this package's own, applied around the library: what it may
// read from the file, what a content stream or CMap may inflate to, how long an /Extends
// chain may be. A real klachtformulier stays far below each of them (a 36-page manual reads
// its file about 13 times over in under 2,000 reads).
const (
	maxPDFReads       = 100_000     // ReadAt calls on the file
	maxPDFReadBytes   = 64 << 20    // bytes read from the file, plus 32 times its size
	maxPDFContent     = 2 << 20     // one page's content, inflated
	maxPDFContentAll  = 16 << 20    // all pages' content, inflated
	maxPDFCMap        = 1 << 20     // a font's ToUnicode CMap, inflated
	maxCMapCount      = 10_000      // entries one CMap block may announce
	maxExtendsChain   = 16          // object streams one /Extends chain may link
	maxXrefSections   = 256         // cross-reference sections one /Prev chain may link
	maxPDFDecodeUnits = 100_000_000 // bytes of text decoded, times the cost of their font
)

// ErrTooComplex is returned for documents that need more work to read than the limits allow
// (a hostile PDF: a cyclic page tree, a read amplification, a decompression bomb).
var ErrTooComplex = errors.New("document too complex")

// errBudget is the panic that ends the library's work when a budget is spent. It is a
// runtime.Error so that the library's own recover (for malformed operands) passes it on.
type errBudget struct{}

func (errBudget) Error() string { return "pdf: read budget spent" }
func (errBudget) RuntimeError() {}

// budgetReader is the file as the library sees it: every read is counted, and the read that
// overspends panics with errBudget.
type budgetReader struct {
	r            *bytes.Reader
	calls, bytes int
}

func newBudgetReader(data []byte) *budgetReader {
	return &budgetReader{r: bytes.NewReader(data), calls: maxPDFReads, bytes: maxPDFReadBytes + 32*len(data)}
}

func (b *budgetReader) ReadAt(p []byte, off int64) (int, error) {
	b.calls--
	b.bytes -= len(p)
	if b.calls < 0 || b.bytes < 0 {
		panic(errBudget{})
	}
	return b.r.ReadAt(p, off)
}

// streamSize inflates a stream (or an array of streams) without keeping it, up to limit+1
// bytes, and returns its size. A stream the library cannot decode counts as empty: reading it
// fails the same way later, where that failure is handled.
func streamSize(v pdf.Value, limit int64) (n int64) {
	if v.Kind() == pdf.Array {
		for i := 0; i < v.Len() && i < maxPDFPages && n <= limit; i++ {
			n += streamSize(v.Index(i), limit-n)
		}
		return n
	}
	if v.Kind() != pdf.Stream {
		return 0
	}
	return inflate(io.Discard, v, limit+1)
}

// inflate writes at most limit bytes of stream v to w and returns how many. A stream the
// library cannot decode counts as 0 (w keeps what was inflated before it failed); a spent
// budget goes on up.
func inflate(w io.Writer, v pdf.Value, limit int64) (n int64) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(errBudget); ok {
				panic(r)
			}
		}
	}()
	rc := v.Reader()
	defer rc.Close()
	n, _ = io.Copy(w, io.LimitReader(rc, limit))
	return n
}

// cmapSize is the inflated size of a ToUnicode CMap (at most maxPDFCMap), and whether it may
// be handed to the library: small enough when inflated, and announcing no more entries than
// maxCMapCount (the library loops as many times as a block says it holds, and appends as it
// goes). The CMap is inflated once for both.
func cmapSize(v pdf.Value) (int64, bool) {
	if v.Kind() != pdf.Stream {
		return min(streamSize(v, maxPDFCMap), maxPDFCMap), true
	}
	var buf bytes.Buffer
	n := inflate(&buf, v, maxPDFCMap+1)
	if n > maxPDFCMap {
		return 0, false
	}
	return n, !bigInteger(buf.Bytes()[:min(buf.Len(), maxPDFCMap)], maxCMapCount)
}

// bigInteger reports whether PostScript text holds an integer above limit outside strings,
// hex strings and comments.
func bigInteger(b []byte, limit int64) bool {
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == '%':
			for i < len(b) && b[i] != '\n' && b[i] != '\r' {
				i++
			}
		case c == '(':
			depth := 0
			for ; i < len(b); i++ {
				if b[i] == '\\' {
					i++
				} else if b[i] == '(' {
					depth++
				} else if b[i] == ')' {
					if depth--; depth == 0 {
						break
					}
				}
			}
		case c == '<' && i+1 < len(b) && b[i+1] != '<':
			for i < len(b) && b[i] != '>' {
				i++
			}
		case c >= '0' && c <= '9' && (i == 0 || isPSDelim(b[i-1])):
			j := i
			for j < len(b) && b[j] >= '0' && b[j] <= '9' {
				j++
			}
			if j-i > 18 {
				return true
			}
			if n, _ := strconv.ParseInt(string(b[i:j]), 10, 64); n > limit {
				return true
			}
			i = j - 1
		}
	}
	return false
}

// isPSDelim tells whether c ends a PostScript token: white space or a delimiter.
func isPSDelim(c byte) bool {
	switch c {
	case 0, '\t', '\n', '\f', '\r', ' ', '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

// objHeader finds "N G obj"; extendsKey finds an /Extends key (a name may spell letters as
// #xx) with the object it names.
var (
	objHeader  = regexp.MustCompile(`(?:^|[^0-9])([0-9]{1,10})[\x00\t\n\f\r ]+[0-9]{1,5}[\x00\t\n\f\r ]+obj\b`)
	extendsKey = regexp.MustCompile(`/(?:E|#45)(?:x|#78)(?:t|#74)(?:e|#65)(?:n|#6[eE])(?:d|#64)(?:s|#73)(?:[\x00\t\n\f\r ]|%[^\r\n]*[\r\n])*([0-9]{1,10})[\x00\t\n\f\r ]+[0-9]{1,5}[\x00\t\n\f\r ]+R`)
)

// extendsTrouble reports whether the object streams of a file link in a cycle (a stream that
// extends itself, directly or through others) or in a chain longer than maxExtendsChain: the
// library searches such a chain for every object it does not find, a cycle forever. Object
// streams are never themselves compressed, so their dictionaries are in the file as written.
// Every definition of an object number counts (an incremental update may redefine one).
func extendsTrouble(data []byte) bool {
	keys := extendsKey.FindAllSubmatchIndex(data, -1)
	if len(keys) == 0 {
		return false
	}
	heads := objHeader.FindAllSubmatchIndex(data, -1)
	next := map[int64][]int64{}
	h := 0
	for _, k := range keys {
		for h+1 < len(heads) && heads[h+1][0] < k[0] {
			h++
		}
		if len(heads) == 0 || heads[h][0] > k[0] {
			continue // an /Extends before any object: not in an object stream's dictionary
		}
		owner, _ := strconv.ParseInt(string(data[heads[h][2]:heads[h][3]]), 10, 64)
		target, _ := strconv.ParseInt(string(data[k[2]:k[3]]), 10, 64)
		next[owner] = append(next[owner], target)
	}
	// The longest chain from each stream; a cycle counts as endless. The walk stops as soon as
	// a chain is too long, so its depth is bounded too.
	const grey = -1
	depth := map[int64]int{}
	var visit func(n int64, level int) int
	visit = func(n int64, level int) int {
		switch d, ok := depth[n]; {
		case ok && d == grey, level > maxExtendsChain:
			return maxExtendsChain + 1
		case ok:
			return d
		}
		depth[n] = grey
		d := 1
		for _, m := range next[n] {
			if d = max(d, 1+visit(m, level+1)); d > maxExtendsChain {
				break
			}
		}
		depth[n] = d
		return d
	}
	for n := range next {
		if visit(n, 1) > maxExtendsChain {
			return true
		}
	}
	return false
}

var (
	startxrefAt = regexp.MustCompile(`startxref[\x00\t\n\f\r ]+([0-9]{1,10})`)
	prevKey     = regexp.MustCompile(`/(?:P|#50)(?:r|#72)(?:e|#65)(?:v|#76)[\x00\t\n\f\r ]*([0-9]{1,10})([\x00\t\n\f\r ]+[0-9]{1,5}[\x00\t\n\f\r ]+R)?`)
)

// prevTrouble reports whether the chain of cross-reference sections, from the last startxref
// through each section's /Prev, comes back to a section it passed (the library reads such a
// chain forever) or links more than maxXrefSections. A section's /Prev is the first one after
// its offset, before its dictionary ends (the next "stream" or "startxref"); a /Prev that is
// a reference (an outline item's) is not one.
func prevTrouble(data []byte) bool {
	prevs := prevKey.FindAllSubmatchIndex(data, -1)
	starts := startxrefAt.FindAllSubmatchIndex(data, -1)
	if len(prevs) == 0 || len(starts) == 0 {
		return false
	}
	last := starts[len(starts)-1]
	off, _ := strconv.Atoi(string(data[last[2]:last[3]]))
	seen := map[int]bool{}
	for range maxXrefSections {
		if off < 0 || off >= len(data) {
			return false
		}
		if seen[off] {
			return true
		}
		seen[off] = true
		end := len(data)
		for _, kw := range []string{"stream", "startxref"} {
			if i := bytes.Index(data[off:], []byte(kw)); i >= 0 {
				end = min(end, off+i)
			}
		}
		next := -1
		for _, p := range prevs {
			if p[0] >= off && p[0] < end && p[4] < 0 {
				next, _ = strconv.Atoi(string(data[p[2]:p[3]]))
				break
			}
		}
		if next < 0 {
			return false
		}
		off = next
	}
	return true
}
