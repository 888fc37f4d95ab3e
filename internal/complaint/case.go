// Package complaint is the domain of klachtd, pure and without I/O: a case and its states,
// the klachtformulier fields, staff tags and the transitions they cause, case references,
// and every deadline as a function of an explicit now.
package complaint

import (
	"strings"
	"time"
)

// Status is where a case stands in the procedure.
type Status string

// The statuses, as `list --json` prints them (README, "Running it").
const (
	StatusNieuw         Status = "nieuw"
	StatusBevestigd     Status = "bevestigd"
	StatusInfoNodig     Status = "info-nodig"
	StatusInBehandeling Status = "in-behandeling"
	StatusBeoordeeld    Status = "beoordeeld"
	StatusEscalatie     Status = "escalatie"
	StatusAfgehandeld   Status = "afgehandeld"
)

// Verdict is the outcome of the assessment.
type Verdict string

// Verdicts; the empty verdict means none yet.
const (
	VerdictNone      Verdict = ""
	VerdictGegrond   Verdict = "gegrond"
	VerdictOngegrond Verdict = "ongegrond"
)

// Field names of the klachtformulier, as used in JSON output and templates.
const (
	FieldNaam                = "naam"
	FieldDatum               = "datum"
	FieldOmschrijving        = "omschrijving"
	FieldGevolgen            = "gevolgen"
	FieldGewensteAfhandeling = "gewenste_afhandeling"
	FieldAanvullend          = "aanvullend"
	FieldDienst              = "dienst"
)

// FormFields lists the klachtformulier fields in the order of the form.
var FormFields = []string{FieldNaam, FieldDatum, FieldOmschrijving, FieldGevolgen,
	FieldGewensteAfhandeling, FieldAanvullend, FieldDienst}

// Fields holds the klachtformulier answers by field name; a missing answer is absent or "".
type Fields map[string]string

// Case is one complaint. Times are UTC; zero means not (yet) set.
type Case struct {
	ID          string // "KL-2026-0007"
	Status      Status
	Verdict     Verdict
	Extended    bool
	Language    string // "nl" or "en"
	ReceivedAt  time.Time
	ConfirmedAt time.Time
	DueAt       time.Time
	ClosedAt    time.Time
	RemedyDueAt time.Time // hersteltermijn
	Name        string
	Email       string
	Phone       string
	Service     string // canonical name from [complaints] services, or ""
	Fields      Fields
	Cause       string    // Oorzaak:
	Measure     string    // Maatregel:
	MeasureAt   time.Time // when Measure was last recorded or changed; starts the effectiveness review
	EscalatedAt time.Time // when the case went to the commissaris
	Advice      string    // the commissaris' binding advice, as recorded by staff with [bindend-advies]
	AdviceAt    time.Time
	Unverified  bool // registered from a mail whose sender could not be verified
	BounceHold  bool // the complainant's address bounced: no mail until staff clear it
}

// Missing lists the required klachtformulier fields the case still lacks, in form order
// (aanvullend is optional).
func (c Case) Missing() []string {
	var out []string
	for _, f := range FormFields {
		if f != FieldAanvullend && strings.TrimSpace(c.Fields[f]) == "" {
			out = append(out, f)
		}
	}
	return out
}

// NextDeadline is the first coming deadline of an open case and what it is: "due" (the
// decision term, while there is no verdict) or "remedy" (the remediation term); zero when none.
func (c Case) NextDeadline() (time.Time, string) {
	switch {
	case !c.Status.IsOpen():
		return time.Time{}, ""
	case c.Verdict == "":
		return c.DueAt, "due"
	case !c.RemedyDueAt.IsZero():
		return c.RemedyDueAt, "remedy"
	}
	return time.Time{}, ""
}
