package daemon

import (
	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/wording"
)

// The daemon's own sentences (timeline entries, notes and lines in staff mails, reasons for a
// quarantined message, the words a case is shown with in the templates) are wording.Phrases,
// in internal/wording with the domain's; the mails themselves are templates. say and
// fieldLabel are the daemon's ways to them.

// say is the phrase in the organisation's language (staff read it), its verbs filled with args.
func (d *Daemon) say(p wording.Phrase, args ...any) string {
	return p.In(d.cfg.Organisation.Language, args...)
}

// labels are the klachtformulier's fields as the templates show them, keyed by the field
// constants of complaint (the texts are wording's: complaint cannot be imported there).
var labels = map[string]wording.Phrase{
	complaint.FieldNaam:                wording.LabelNaam,
	complaint.FieldDatum:               wording.LabelDatum,
	complaint.FieldOmschrijving:        wording.LabelOmschrijving,
	complaint.FieldGevolgen:            wording.LabelGevolgen,
	complaint.FieldGewensteAfhandeling: wording.LabelGewensteAfhandeling,
	complaint.FieldAanvullend:          wording.LabelAanvullend,
	complaint.FieldDienst:              wording.LabelDienst,
}

// fieldLabel is a field's label in lang ("en", or else Dutch); "" for a field without one.
func fieldLabel(f, lang string) string {
	p, ok := labels[f]
	if !ok {
		return ""
	}
	return p.In(lang)
}
