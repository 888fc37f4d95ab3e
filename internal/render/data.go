package render

// Org is the organisation that sends the mail and signs it.
type Org struct {
	Name    string // "Groeimeesters"
	Address string // the mailbox complainants write to
	Phone   string
	Officer string // the complaints officer who signs the mails
}

// Person is a named mailbox, such as the commissaris.
type Person struct {
	Name  string
	Email string
}

// Field is one answer of the klachtformulier: Key is the field name (complaint.FieldNaam …),
// Label the question in the mail's language, Value the answer (may be several lines).
type Field struct {
	Key   string
	Label string
	Value string
}

// CaseView is a case as the templates see it: every value already formatted by the caller,
// dates written out in the mail's language ("15 januari 2027").
type CaseView struct {
	ID        string // "KL-2026-0007"
	Name      string // complainant
	Email     string
	Phone     string
	Service   string
	Status    string
	Verdict   string
	Received  string
	Due       string // decision term
	Closed    string
	RemedyDue string // hersteltermijn
	Extended  bool
	Fields    []Field  // the klachtformulier answers given, in form order
	Missing   []string // labels of the form fields still missing, in the mail's language
	Cause     string   // Oorzaak:
	Measure   string   // Maatregel:
	Summary   string   // short summary for the commissaris; never internal notes
	// NextDeadline is the next deadline with what it is ("12 januari 2027 (beslistermijn)"),
	// for digests.
	NextDeadline string
	// Unverified: the complainant's address was not authenticated; Excerpt is the first line
	// of the complaint, shortened. For the list in a flood's summary to staff.
	Unverified bool
	Excerpt    string
}

// Data is everything a template may use. Callers fill what the kind needs; the rest stays empty.
type Data struct {
	Org         Org
	Commissaris Person
	Case        CaseView
	StaffText   string // the staff member's own text to pass on (reply without quotes)
	Term        string // a new decision term or remediation term, formatted
	HandleWeeks int    // handle_within in whole weeks; 0 when it is not a whole number of weeks
	// ConfirmHours is confirm_within in hours, KeepYears retention in years.
	ConfirmHours int
	KeepYears    int
	Notice       string     // for melding and herinnering: one of the Notice constants
	Detail       string     // free text for staff notices: a reason, a bounced address
	Errors       []string   // commando-fout: what was wrong, in the mail's language
	Changes      []string   // commando-ok: what changed and what was sent to whom
	Cases        []CaseView // overzicht: open cases
	Overdue      []CaseView // overzicht: cases past their decision term
	Period       string     // rapport: "2026H2", as --period takes it
	PeriodName   string     // rapport: the period in words, "tweede helft 2026, 1 juli t/m 31 december"
	Report       string     // rapport: the analysis as preformatted text
	ChartPNGCID  string     // rapport: Content-ID of an attached chart, "" when none
	Body         string     // melding: the incoming text to pass to staff
	HowToReply   string     // extra hint for staff on the tags they may use
	Language     string     // "nl" or "en"; Render sets it to the language rendered
	// Unauthenticated is set on mail to a complainant whose address was not authenticated (DKIM
	// or our own Authentication-Results): such a mail repeats none of their words. The caller
	// leaves their name and the values of their answers out of Case (the labels stay, to say
	// what was received); the templates say why instead of showing what was received.
	Unauthenticated bool
	// Why says, for the forged-command notice, what kind of reason refused the command:
	// "unverified" (or empty: nothing vouches for the sender), "header" (a header field
	// doubled, or a malformed header), "uncovered" (a valid signature of the sender's domain
	// that does not cover the subject and sender). Detail holds the reason itself.
	Why string
}

// Notices: the values of Data.Notice understood by the melding and herinnering templates.
const (
	NoticeReplyComplainant = "reply-complainant"
	NoticeReplyCommissaris = "reply-commissaris"
	NoticeReplyUnverified  = "reply-unverified"
	NoticeBounce           = "bounce"
	NoticeForgedCommand    = "forged-command"
	NoticeTooLarge         = "too-large"
	NoticeConfirmAlarm     = "confirm-alarm"
	NoticeRemindBeforeDue  = "remind-before-due"
	NoticeRemindDue        = "remind-due"
	NoticeAutoExtended     = "auto-extended"
	NoticeRemedyDue        = "remedy-due"
	NoticeEffectiveness    = "effectiveness"
	NoticeRetentionOpen    = "retention-open"
	NoticeSendFailed       = "send-failed"
	NoticeQuarantined      = "quarantined"
	// NoticeReplyUnauthenticated: a reply claims the complainant's or the commissaris' address
	// but is not authenticated; Detail names who it claims to be and why it failed.
	NoticeReplyUnauthenticated = "reply-unauthenticated"
	// NoticeFlood: more new complaints than complaints.max_new_per_hour; their confirmations
	// wait their turn. Detail says how many per hour and which case waits first.
	NoticeFlood = "flood"
	// NoticeFloodSummary: the flood is over; Cases lists the complaints registered during it,
	// whose own notices were not sent, and Detail names the mailbox folder of their mails.
	NoticeFloodSummary = "flood-summary"
)

// Notices lists every notice the built-in templates know, in a stable order.
func Notices() []string {
	return []string{
		NoticeReplyComplainant, NoticeReplyCommissaris, NoticeReplyUnverified, NoticeBounce,
		NoticeForgedCommand, NoticeTooLarge, NoticeConfirmAlarm, NoticeRemindBeforeDue,
		NoticeRemindDue, NoticeAutoExtended, NoticeRemedyDue, NoticeEffectiveness,
		NoticeRetentionOpen, NoticeSendFailed, NoticeQuarantined, NoticeReplyUnauthenticated, NoticeFlood,
		NoticeFloodSummary,
	}
}

// SampleData is a complete, realistic Data with every field set, used by Check and tests.
func SampleData() Data {
	c := CaseView{
		ID:        "KL-2026-0007",
		Name:      "Jan de Vries",
		Email:     "jan.devries@example.nl",
		Phone:     "06 12345678",
		Service:   "intervisie-begeleiding",
		Status:    "in-behandeling",
		Verdict:   "gegrond",
		Received:  "15 december 2026",
		Due:       "12 januari 2027",
		Closed:    "20 januari 2027",
		RemedyDue: "31 januari 2027",
		Fields: []Field{
			{Key: "naam", Label: "Naam van indiener", Value: "Jan de Vries"},
			{Key: "datum", Label: "Datum van de klacht", Value: "14 december 2026"},
			{Key: "omschrijving", Label: "Omschrijving van de klacht",
				Value: "De intervisiebijeenkomst van 10 december is zonder bericht vervallen.\nIk heb hiervoor een vrije dag opgenomen."},
			{Key: "gevolgen", Label: "Gevolgen voor u", Value: "Een verloren vrije dag."},
		},
		Missing:      []string{"Gewenste afhandeling", "Dienst"},
		Cause:        "De afmelding is niet naar alle deelnemers verstuurd.",
		Measure:      "Afmeldingen gaan voortaan via de deelnemerslijst.",
		Summary:      "De heer De Vries klaagt dat een intervisiebijeenkomst zonder bericht is vervallen.",
		NextDeadline: "12 januari 2027 (beslistermijn)",
	}
	other := CaseView{ID: "KL-2026-0005", Email: "klant5@example.nl", Service: "online cursus", Status: "info-nodig",
		Received: "20 november 2026", Due: "18 december 2026", NextDeadline: "18 december 2026 (beslistermijn)",
		Unverified: true, Excerpt: "De online cursus was drie dagen niet bereikbaar …"}
	return Data{
		Org: Org{Name: "Groeimeesters", Address: "info@intervisie-begeleiding.nl",
			Phone: "06 58949869", Officer: "Milou Meijer"},
		Commissaris:  Person{Name: "Kathleen Naber", Email: "info@ivak.nl"},
		Case:         c,
		StaffText:    "Wij hebben met de begeleider gesproken.\nU ontvangt een vervangende bijeenkomst.",
		Term:         "9 februari 2027",
		HandleWeeks:  4,
		ConfirmHours: 48,
		KeepYears:    2,
		Notice:       NoticeRemindBeforeDue,
		Detail:       "jan.devries@example.nl: mailbox unavailable",
		Errors:       []string{"Onbekende tag [gegrnd]."},
		Changes: []string{"Status: in-behandeling → beoordeeld (gegrond).",
			"Uitkomst verstuurd aan jan.devries@example.nl."},
		Cases:       []CaseView{c, other},
		Overdue:     []CaseView{other},
		Period:      "2026H2",
		PeriodName:  "tweede helft 2026, 1 juli t/m 31 december",
		Report:      "dienst                   aantal  gegrond  ongegrond\nintervisie-begeleiding        3        1          2\n",
		ChartPNGCID: "chart-2026H2@klachtd",
		Body:        "Hierbij de gevraagde gegevens.\nIk zou graag een vervangende bijeenkomst krijgen.",
		HowToReply:  "",
		Language:    "nl",
	}
}
