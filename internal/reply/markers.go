package reply

import (
	"regexp"
	"slices"
	"strings"
)

// maxHeaderLines is how many lines a wrapped attribution may take ("On Tue, … Jan de Vries" /
// "<jan@x.nl>" / "wrote:").
const maxHeaderLines = 3

// maxHeaderLen bounds a (joined) attribution; longer text is the sender's prose.
const maxHeaderLen = 300

// The patterns below are read-only after compilation.
var (
	// attributionStart: how client attributions begin, by language (en, nl, de, fr, es, it,
	// pt, da/no/sv).
	attributionStart = regexp.MustCompile(`(?i)^(on|op|am|le|el|il|em|den|på)\s`)

	// attributionVerb: the verb of an attribution: "wrote", "schreef", "het volgende
	// geschreven", "schrieb", "a écrit", "escribió", "ha scritto", "escreveu", "skrev".
	attributionVerb = regexp.MustCompile(`(?i)(\bwrote\b|\bschreef\b|\bgeschreven\b|\bschrieb\b|a écrit|\bescribió|\bha scritto\b|\bescreveu\b|\bskrev\b)`)

	// nameWrote: "Jan de Vries wrote:" right above a quote, the dateless Thunderbird form.
	nameWrote = regexp.MustCompile(`(?i)^.{1,120}\s(wrote|schreef|schrieb|a écrit|escribió|ha scritto|escreveu|skrev)\s*:$`)

	// dateOrTime: "10:12", "03-12-2026", "02.04.2012", "2026".
	dateOrTime = regexp.MustCompile(`\d{1,2}:\d{2}|\d{1,4}[-./]\d{1,2}[-./]\d{2,4}|\b(19|20)\d{2}\b`)

	// separator: "-----Original Message-----", "-----Oorspronkelijk bericht-----",
	// "---------- Forwarded message ---------", "-------- Doorgestuurd bericht --------".
	separator = regexp.MustCompile(`(?i)^[-=_*\s]*[-=_*]{2,}\s*(original message|oorspronkelijk bericht|oorspronkelijke bericht|origineel bericht|forwarded message|doorgestuurd bericht|doorgestuurde bericht|ursprüngliche nachricht|weitergeleitete nachricht|message d'origine|message transféré|mensaje original|messaggio originale)\s*[-=_*]{2,}[-=_*\s]*$`)

	// beginForward: Apple Mail's "Begin forwarded message:" and its Dutch form.
	beginForward = regexp.MustCompile(`(?i)^(begin forwarded message|begin doorgestuurd bericht|doorgestuurd bericht|forwarded message|oorspronkelijk bericht|original message)\s*:$`)

	// underscoreRule: Outlook's "________________________________" above its header block, and
	// mailing-list footers.
	underscoreRule = regexp.MustCompile(`^_{10,}$`)

	// headerField: one line of an Outlook-style header block, also bold ("*From:*").
	headerField = regexp.MustCompile(`(?i)^\*?(from|van|von|sent|verzonden|date|datum|gesendet|to|aan|an|cc|bcc|subject|onderwerp|betreff)\*?\s*:`)

	// mobileSig: the start of a mobile client's signature line.
	mobileSig = regexp.MustCompile(`(?i)^(sent from|sent with|sent via|verzonden vanaf|verzonden vanuit|verzonden met|verzonden via|verstuurd vanaf|verstuurd vanuit|verstuurd met|verstuurd via|gesendet von|gesendet mit|envoyé de|get outlook for|download outlook for|outlook voor|haal outlook voor|download outlook voor|ontvang outlook voor)(\s+(.*))?$`)

	// angleURL: "<https://aka.ms/…>" after "Get Outlook for Android".
	angleURL = regexp.MustCompile(`<[a-z]+://[^>]*>`)
)

// mobileWords are words that make a "Sent from …" line a client's signature.
var mobileWords = []string{
	"iphone", "ipad", "android", "outlook", "mail", "blackberry", "samsung", "galaxy",
	"huawei", "xiaomi", "oneplus", "pixel", "nokia", "motorola", "mobiel", "mobile",
	"smartphone", "tablet", "telefoon", "phone", "yahoo", "proton", "windows", "gmail", "ios",
	"sparrow", "spark", "bluemail", "aquamail",
}

// attributionAt returns the number of lines (1 to maxHeaderLines) of a client attribution that
// starts at line i, or 0. It wants the opening word ("On", "Op", …), a digit (date or time), a
// verb ("wrote", "schreef", "geschreven", …) and a final colon. A line that ends a sentence
// ('.', '!', '?') does not continue into the next one.
func (p page) attributionAt(i int) int {
	first := strings.TrimSpace(p.lines[i])
	if !attributionStart.MatchString(first) {
		return 0
	}
	for k := 0; k < maxHeaderLines && i+k < len(p.lines); k++ {
		j := i + k
		if p.quoted[j] || p.blank[j] {
			return 0
		}
		if k > 0 && endsSentence(p.lines[j-1]) {
			return 0
		}
		joined := joinLines(p.lines[i : j+1])
		if len(joined) > maxHeaderLen {
			return 0
		}
		if strings.HasSuffix(joined, ":") && attributionVerb.MatchString(joined) && hasDigit(joined) {
			return k + 1
		}
	}
	return 0
}

// isHeaderAboveQuote reports whether s (k+1 joined lines right above a block of quoted lines) is
// a quote header: a colon at the end, and a date with an address or a verb, or a dateless
// "Name wrote:" on one line.
func isHeaderAboveQuote(s string, k int) bool {
	if len(s) > maxHeaderLen || !strings.HasSuffix(s, ":") {
		return false
	}
	if dateOrTime.MatchString(s) && (strings.Contains(s, "@") || attributionVerb.MatchString(s)) {
		return true
	}
	return k == 0 && nameWrote.MatchString(s)
}

// startsTail reports whether line i starts the part of a mail that is no longer the sender's
// own text: a signature delimiter, a forward or original-message separator, an underscore rule,
// a mobile signature, or an Outlook header block.
func (p page) startsTail(i int) bool {
	l := strings.TrimSpace(p.lines[i])
	switch {
	case l == "--" || l == "-- ":
		return true
	case separator.MatchString(l), beginForward.MatchString(l), underscoreRule.MatchString(l):
		return true
	case isMobileSignature(l):
		return true
	}
	return p.headerBlockAt(i)
}

// headerBlockAt reports an Outlook-style header block starting at line i: consecutive lines
// naming at least a sender (From/Van), a date (Sent/Verzonden/Date/Datum) and a recipient or
// subject (To/Aan/Subject/Onderwerp/Cc).
func (p page) headerBlockAt(i int) bool {
	if p.field[i] == noField {
		return false
	}
	var from, date, to bool
	for j := i; j < len(p.lines) && j < i+12 && !p.blank[j] && !p.quoted[j]; j++ {
		switch p.field[j] { // noField: a wrapped To: or Subject: line
		case fromField:
			from = true
		case dateField:
			date = true
		case toField:
			to = true
		}
	}
	return from && date && to
}

// Kinds of header field lines, for headerBlockAt.
const (
	noField byte = iota
	fromField
	dateField
	toField
)

// fieldOf classifies a line as a header field of an Outlook-style block.
func fieldOf(l string) byte {
	l = strings.TrimSpace(l)
	if len(l) > 1000 || !strings.Contains(l, ":") {
		return noField
	}
	m := headerField.FindStringSubmatch(l)
	if m == nil {
		return noField
	}
	switch strings.ToLower(m[1]) {
	case "from", "van", "von":
		return fromField
	case "sent", "verzonden", "date", "datum", "gesendet":
		return dateField
	}
	return toField
}

// isMobileSignature reports a short line such as "Verstuurd vanaf mijn iPhone", "Sent from my
// Galaxy" or "Get Outlook for Android<https://aka.ms/…>", but not prose that happens to start
// with "Sent from" ("Sent from my desk, is much easier …").
func isMobileSignature(l string) bool {
	if strings.IndexByte(l, '<') >= 0 { // angleURL's matches begin with '<': no regexp for the rest
		l = angleURL.ReplaceAllString(l, "")
	}
	l = strings.TrimSpace(l)
	if len(l) > 70 || strings.ContainsAny(l, ",;:!?") {
		return false
	}
	m := mobileSig.FindStringSubmatch(l)
	if m == nil {
		return false
	}
	lead := strings.ToLower(m[1])
	if strings.Contains(lead, "outlook") {
		return true
	}
	words := strings.Fields(strings.ToLower(strings.TrimSuffix(m[3], ".")))
	if len(words) == 0 || len(words) > 5 {
		return false
	}
	switch words[0] {
	case "my", "mijn", "mein", "meinem", "mon":
		return true
	}
	for _, w := range words {
		for _, part := range strings.FieldsFunc(w, func(r rune) bool { return r == '-' || r == '/' }) {
			if slices.Contains(mobileWords, part) {
				return true
			}
		}
	}
	return false
}

// endsSentence reports a line ending in '.', '!' or '?': prose, not a wrapped header.
func endsSentence(l string) bool {
	l = strings.TrimSpace(l)
	return strings.HasSuffix(l, ".") || strings.HasSuffix(l, "!") || strings.HasSuffix(l, "?")
}

func hasDigit(s string) bool {
	return strings.ContainsAny(s, "0123456789")
}
