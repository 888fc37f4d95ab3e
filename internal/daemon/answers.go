package daemon

import (
	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/store"
)

// The confirmation lists the form fields a complaint still lacks, numbered, and asks the
// complainant to answer them; many answer "1. …", "2. …" without repeating the questions.
// Which question each number stands for is recorded with the mail (store.RecordAsked, when it
// is queued and when a waiting confirmation is rendered again), and read back for the reply
// that answers it (askedOf), so that a field filled since, or a list that changed, never
// shifts an answer onto the wrong question.

// recordAsked records the questions a mail to the complainant asks by number: those of a
// confirmation (the missing fields, in form order). Other mails record nothing: the staff's
// own questions in an [info-nodig] mail may be numbered too.
func (d *Daemon) recordAsked(tx *store.Tx, c *complaint.Case, template, messageID string) error {
	if c == nil || template != tmplConfirmation {
		return nil
	}
	return tx.RecordAsked(messageID, c.ID, c.Missing())
}

// askedOf returns the questions, in their numbered order, that a complainant's reply answers:
// those of the mail it names (In-Reply-To, then References from the nearest), or of the
// case's latest confirmation when it names no mail of the case; nil when they are not known.
func (d *Daemon) askedOf(tx *store.Tx, c *complaint.Case, in *incoming) ([]string, error) {
	m := in.msg
	ids := append([]string{}, m.InReplyTo...)
	for i := len(m.References) - 1; i >= 0; i-- {
		ids = append(ids, m.References[i])
	}
	asked, known, err := tx.AskedFor(c.ID, ids)
	if err != nil || !known {
		return nil, err
	}
	return asked, nil
}
