package daemon

import (
	"github.com/groeimeesters/klachtd/internal/intake"
	"github.com/groeimeesters/klachtd/internal/triage"
)

// outcome is what handling one message came to, inside its transaction: what the intake is
// to do with it once committed (leave it, move it, flag it), and, for its incoming record,
// the metrics and the logs, the kind of mail it was recorded as and the case it concerns.
// Every step of process returns one; on an error the transaction is rolled back and the
// outcome is not used.
type outcome struct {
	disp   intake.Disposition
	kind   string // the kind recorded: a complaint.MailKind, a triage.Kind, or one below
	caseID string // "" when the message concerns no case
}

// left is the outcome of a message that stays in the mailbox as it was.
func left(kind string) outcome { return outcome{disp: intake.Leave, kind: kind} }

// moved is the outcome of a message filed away (moved to the processed folder, or flagged)
// once committed, recorded as kind on case caseID.
func moved(caseID, kind string) outcome {
	return outcome{disp: intake.Move, kind: kind, caseID: caseID}
}

// The kinds recorded for a message (incoming.kind, and the kind label of
// klachtd_mail_handled_total) beside the complaint.MailKind of the mail kept and the
// triage.Kind of mail left alone.
const (
	kindTooLarge         = "too-large"          // ordinary mail too large to read: staff told
	kindStaffNew         = "staff-new"          // a staff [nieuw] registered
	kindDuplicateCommand = "duplicate-command"  // a [nieuw] of a mail registered before
	kindDuplicate        = "duplicate"          // handled before: its earlier disposition again
	kindOther            = string(triage.Other) // a triage kind the daemon does not know: recorded as other mail
)
