// Package docreader reads attached documents (PDF, .docx) in a short-lived child process of
// the klachtd binary, so that a hostile document costs the daemon neither memory nor time and
// leaves nothing running: the child (`klachtd read-document`, a hidden command, see Serve)
// reads one document from standard input and writes its text as JSON on standard output. It
// limits its own address space, heap and CPU time first thing; the parent (Reader) enforces
// the wall time, watches the child's resident memory, caps what it reads from it, kills its
// process group when it is over a limit, and always reaps it. At most MaxConcurrent children
// run at once, and one mail's documents share one time budget.
//
// It knows nothing of mail or cases: a document goes in, its text or the reason it was
// skipped comes out. The reading itself is internal/form's.
package docreader

import (
	"errors"
	"fmt"
	"time"
)

// Command is the hidden command of the klachtd binary that serves as the child.
const Command = "read-document"

// protocol is the version of what the child writes; a child of another version is not read.
const protocol = 1

// Default limits of one child. A klachtformulier is read in milliseconds, in a few MiB; these
// leave two orders of magnitude of room and still keep a hostile document from costing more
// than a few seconds of one core and a few hundred MiB for the moment it runs.
const (
	DefaultWall         = 10 * time.Second // wall time per document
	DefaultCPU          = 4 * time.Second  // the child's RLIMIT_CPU (soft; hard one second later)
	DefaultMemory       = 256 << 20        // the child's Go heap: its soft limit, and its own watch stops it above
	DefaultRSS          = 384 << 20        // the parent kills a child whose resident set is larger
	DefaultAddressSpace = 1 << 30          // the child's RLIMIT_AS, beyond what the Go runtime has mapped at its start
	DefaultOutput       = 8 << 20          // bytes of JSON read from the child (the text is at most MaxText, escaped)

	// MailBudget is the wall time all documents of one mail may take together: no mail may
	// stall the mailbox for more than 30 seconds.
	MailBudget = 20 * time.Second
	// MaxConcurrent is how many children run at once.
	MaxConcurrent = 2
	// MaxInput is the largest document a child reads (form's own cap).
	MaxInput = 20 << 20
	// MaxText is the most text a child returns (form's cap on one source); see textCap.
	MaxText = 1 << 20
)

// textCap is the most text a child returns for a document of n bytes: MaxText, and no more
// than 16 times the document and 64 KiB (a .docx holds a few times its size in text; more is a
// compression bomb's), so that what the daemon holds for a mail stays a small multiple of it.
func textCap(n int) int { return min(MaxText, 16*n+64<<10) }

// outputCap is the most a child may write for a document of n bytes: its text escaped as JSON
// (at most six bytes a byte), and the rest of the reply.
func outputCap(n int) int64 { return int64(6*textCap(n) + 4<<10) }

// Limits bound one child. A zero field takes its default.
type Limits struct {
	Wall         time.Duration
	CPU          time.Duration
	Memory       int64
	RSS          int64
	AddressSpace int64
	Output       int64
}

func (l Limits) withDefaults() Limits {
	if l.Wall <= 0 {
		l.Wall = DefaultWall
	}
	if l.CPU <= 0 {
		l.CPU = DefaultCPU
	}
	if l.Memory <= 0 {
		l.Memory = DefaultMemory
	}
	if l.RSS <= 0 {
		l.RSS = DefaultRSS
	}
	if l.AddressSpace <= 0 {
		l.AddressSpace = DefaultAddressSpace
	}
	if l.Output <= 0 {
		l.Output = DefaultOutput
	}
	return l
}

// Reason says why a document was skipped.
type Reason string

// Reasons a document is skipped.
const (
	ReasonMemory  Reason = "memory"         // over the memory limit
	ReasonCPU     Reason = "cpu"            // over the CPU time limit
	ReasonTime    Reason = "time"           // over the wall-time limit, or the mail's budget was spent
	ReasonOutput  Reason = "output"         // wrote more than the output limit
	ReasonSize    Reason = "too-large"      // larger than the reader reads
	ReasonComplex Reason = "too-complex"    // needs more work to read than the reader's budgets allow
	ReasonCrash   Reason = "crash"          // the child died (a runtime fault, out of address space)
	ReasonStart   Reason = "not-started"    // the child could not be started
	ReasonReply   Reason = "bad-reply"      // the child's answer could not be understood
	ReasonNoChild Reason = "not-configured" // no executable to run the child with
	ReasonTooMany Reason = "too-many"       // past the number of documents of one mail that are read
)

// SkipError is the error for a document that was not read because it went over a limit or
// its reader failed: the mail is registered without it, and staff are told.
type SkipError struct {
	Reason Reason
}

func (e *SkipError) Error() string { return fmt.Sprintf("document skipped: %s", e.Reason) }

// ErrUnreadable is the error for a document that was read but holds no text, or is not a
// valid document of its kind.
var ErrUnreadable = errors.New("document unreadable")

// skip is a *SkipError as an error.
func skip(r Reason) error { return &SkipError{Reason: r} }

// reply is what the child writes on standard output.
type reply struct {
	Version int    `json:"v"`
	Status  string `json:"status"` // statusOK or a status below
	Text    string `json:"text,omitempty"`
}

// Statuses of a reply.
const (
	statusOK         = "ok"
	statusUnreadable = "unreadable"
	statusTooLarge   = "too-large"
	statusTooComplex = "too-complex"
)

// Exit codes of the child besides 0 (a reply was written) and 2 (the Go runtime's own, for a
// fatal error or an unrecovered panic).
const (
	exitUsage  = 64
	exitMemory = 65 // its own watch found the heap over the limit
	exitCPU    = 66 // SIGXCPU: the soft CPU limit was reached
)
