package complaint

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/groeimeesters/klachtd/internal/dur"
	"github.com/groeimeesters/klachtd/internal/wording"
)

// TagKind is the canonical name of a staff tag (README; `klachtd help tags`).
type TagKind string

// The staff tags.
const (
	TagInBehandeling  TagKind = "in-behandeling"
	TagInfoNodig      TagKind = "info-nodig"
	TagVerlenging     TagKind = "verlenging"
	TagGegrond        TagKind = "gegrond"
	TagOngegrond      TagKind = "ongegrond"
	TagHersteltermijn TagKind = "hersteltermijn"
	TagEscalatie      TagKind = "escalatie"
	TagBindendAdvies  TagKind = "bindend-advies"
	TagAfgehandeld    TagKind = "afgehandeld"
	TagHeropend       TagKind = "heropend"
	TagIntern         TagKind = "intern"
	TagNieuw          TagKind = "nieuw"
	// TagAdresOK lifts the hold on a complainant's address after a bounce: staff have
	// checked it (or corrected it) and klachtd may mail it again.
	TagAdresOK TagKind = "adres-ok"
)

// TagKinds lists every tag in the order Apply carries them out.
var TagKinds = []TagKind{TagNieuw, TagAdresOK, TagHeropend, TagInBehandeling, TagInfoNodig, TagVerlenging,
	TagGegrond, TagOngegrond, TagHersteltermijn, TagEscalatie, TagBindendAdvies, TagAfgehandeld,
	TagIntern}

// tagAliases maps every accepted spelling (lower case, words separated by one space) to
// its tag. Hyphenated spellings are accepted with a space too, see normaliseTag.
var tagAliases = map[string]TagKind{
	"in behandeling": TagInBehandeling, "in progress": TagInBehandeling,
	"info nodig": TagInfoNodig, "info needed": TagInfoNodig, "informatie nodig": TagInfoNodig,
	"verlenging": TagVerlenging, "extension": TagVerlenging,
	"gegrond": TagGegrond, "terecht": TagGegrond, "justified": TagGegrond,
	"ongegrond": TagOngegrond, "onterecht": TagOngegrond, "unjustified": TagOngegrond,
	"hersteltermijn": TagHersteltermijn, "remediation": TagHersteltermijn,
	"escalatie": TagEscalatie, "escalate": TagEscalatie, "escalation": TagEscalatie,
	"bindend advies": TagBindendAdvies, "binding advice": TagBindendAdvies,
	"afgehandeld": TagAfgehandeld, "gesloten": TagAfgehandeld, "closed": TagAfgehandeld,
	"heropend": TagHeropend, "heropen": TagHeropend, "reopen": TagHeropend, "reopened": TagHeropend,
	"intern": TagIntern, "notitie": TagIntern, "note": TagIntern, "internal": TagIntern,
	"nieuw": TagNieuw, "new": TagNieuw,
	"adres ok": TagAdresOK, "address ok": TagAdresOK,
}

// gatewayMarkers are bracketed words that mail gateways and filters put in subjects; they
// are neither tags nor errors.
var gatewayMarkers = map[string]bool{
	"extern": true, "external": true, "ext": true, "externe mail": true, "external email": true,
	"external sender": true, "spam": true, "suspected spam": true, "possible spam": true,
	"caution": true, "warning": true, "phishing": true, "secure": true, "encrypt": true,
	"beveiligd": true, "waarschuwing": true, "let op": true,
}

// Tag is one staff tag found in a subject. Verlenging and hersteltermijn carry either a
// Duration or a Date (09:00 local, see ParseDate); the other tags carry neither.
type Tag struct {
	Kind     TagKind
	Raw      string // as written, brackets included: "[Verlenging 3w]"
	Duration time.Duration
	Date     time.Time
}

// TagError is a tag that cannot be read, with the reason for the commando-fout mail to staff
// as a phrase (in internal/wording) and the values it names, written in either language by
// Reason.
type TagError struct {
	Tag    string // as written, brackets included
	Phrase wording.Phrase
	Args   []any
}

// Reason is why, in lang ("en", or else Dutch).
func (e *TagError) Reason(lang string) string { return e.Phrase.In(lang, e.Args...) }

func (e *TagError) Error() string { return fmt.Sprintf("tag %s: %s", e.Tag, e.Reason("en")) }

// ParseTags finds the staff tags in a subject, in order of appearance. The case reference
// and gateway markers such as [EXTERN] are skipped; bracketed text with spaces that starts
// with no known tag ("[Groeimeesters nieuwsbrief]") is ignored; a single bracketed word that
// is no tag ("[gegrnd]") is an error, as is a missing or unreadable argument. Durations are
// written as in the configuration ("3w", "10d") or in words ("3 weken", "10 days"); dates
// as ParseDate reads them, optionally after "tot" or "until".
func ParseTags(subject string, now time.Time, loc *time.Location) (tags []Tag, errs []error) {
	rest := subject
	for {
		open := strings.IndexByte(rest, '[')
		if open < 0 {
			return tags, errs
		}
		end := strings.IndexAny(rest[open+1:], "[]")
		if end < 0 {
			return tags, errs
		}
		if rest[open+1+end] == '[' { // "[ [gegrond]": restart at the inner bracket
			rest = rest[open+1+end:]
			continue
		}
		raw := rest[open : open+end+2]
		rest = rest[open+end+2:]
		tag, err, ok := parseTag(raw, now, loc)
		switch {
		case err != nil:
			errs = append(errs, err)
		case ok:
			tags = append(tags, tag)
		}
	}
}

// parseTag reads one bracketed text; ok is false when it is not meant as a tag.
func parseTag(raw string, now time.Time, loc *time.Location) (Tag, error, bool) {
	inner := strings.TrimSpace(raw[1 : len(raw)-1])
	norm := strings.Join(strings.Fields(strings.ToLower(inner)), " ")
	if norm == "" || isRef(inner) || gatewayMarkers[norm] {
		return Tag{}, nil, false
	}
	// "[verlenging: 3w]" means "[verlenging 3w]"; dates never hold a colon.
	kind, arg, found := matchAlias(strings.Join(strings.Fields(strings.ReplaceAll(norm, ":", " ")), " "))
	if !found {
		first, _, spaced := strings.Cut(norm, " ")
		switch {
		case !spaced && looksLikeTag(norm):
			return Tag{}, unknownTag(raw, norm), false
		case spaced && looksLikeTag(first) && nearTag(first):
			return Tag{}, unknownTag(raw, first), false // "[verlening 3w]": a typo, not prose
		}
		return Tag{}, nil, false
	}
	tag := Tag{Kind: kind, Raw: raw}
	switch kind {
	case TagVerlenging, TagHersteltermijn:
		if arg == "" {
			return Tag{}, &TagError{Tag: raw, Phrase: wording.TermMissing, Args: []any{kind, kind}}, false
		}
		d, t, err := parseTerm(arg, now, loc)
		if err != nil {
			return Tag{}, &TagError{Tag: raw, Phrase: wording.TermUnreadable, Args: []any{arg}}, false
		}
		tag.Duration, tag.Date = d, t
	default:
		if arg != "" {
			return Tag{}, &TagError{Tag: raw, Phrase: wording.TagTakesNothing, Args: []any{kind, kind}}, false
		}
	}
	return tag, nil, true
}

// matchAlias finds the longest alias that norm starts with, as a whole word; hyphens and
// spaces between the words of an alias are interchangeable ("in-behandeling").
func matchAlias(norm string) (TagKind, string, bool) {
	words := strings.Fields(strings.ReplaceAll(norm, "-", " "))
	for n := min(len(words), 2); n >= 1; n-- {
		if kind, ok := tagAliases[strings.Join(words[:n], " ")]; ok {
			// Re-find the argument in norm itself so that a date such as 2027-02-15 keeps its hyphens.
			arg := norm
			for range n {
				arg = strings.TrimLeft(arg, " -")
				i := strings.IndexAny(arg, " -")
				if i < 0 {
					i = len(arg)
				}
				arg = arg[i:]
			}
			return kind, strings.TrimSpace(strings.TrimPrefix(arg, "-")), true
		}
	}
	return "", "", false
}

// looksLikeTag reports whether a bracketed single word is meant as a tag: letters and
// hyphens, starting with a letter, not too long.
func looksLikeTag(s string) bool {
	if len(s) > 30 {
		return false
	}
	for i, r := range s {
		if !unicode.IsLetter(r) && (r != '-' || i == 0) {
			return false
		}
	}
	return true
}

// nearTag reports whether a word is a likely misspelling of a tag or alias.
func nearTag(word string) bool {
	if len(word) < 5 {
		return false
	}
	for alias := range tagAliases {
		if editDistance(word, strings.ReplaceAll(alias, " ", "-")) <= 2 {
			return true
		}
	}
	return false
}

func unknownTag(raw, norm string) *TagError {
	e := &TagError{Tag: raw, Phrase: wording.UnknownTag}
	best, bestDist := "", 3
	for _, k := range TagKinds {
		if d := editDistance(norm, string(k)); d < bestDist {
			best, bestDist = string(k), d
		}
	}
	if best != "" {
		e.Phrase, e.Args = wording.UnknownTagMeant, []any{best}
	}
	return e
}

// parseTerm reads a tag argument as a positive duration or as a date.
func parseTerm(arg string, now time.Time, loc *time.Location) (time.Duration, time.Time, error) {
	for _, p := range []string{"tot en met ", "t/m ", "tot ", "until ", "by "} {
		arg = strings.TrimPrefix(arg, p)
	}
	if d, err := parseWordsDuration(arg); err == nil {
		if d <= 0 {
			return 0, time.Time{}, fmt.Errorf("term %q: must be longer than zero", arg)
		}
		return d, time.Time{}, nil
	}
	t, err := ParseDate(arg, now, loc)
	return 0, t, err
}

// parseWordsDuration reads "3w" and "1w3d" (package dur) and "3 weken", "10 dagen",
// "2 weeks", "1 day".
func parseWordsDuration(s string) (time.Duration, error) {
	f := strings.Fields(s)
	if len(f) != 2 {
		return dur.Parse(s)
	}
	unit := map[string]time.Duration{
		"dag": 24 * time.Hour, "dagen": 24 * time.Hour, "day": 24 * time.Hour, "days": 24 * time.Hour,
		"week": 7 * 24 * time.Hour, "weken": 7 * 24 * time.Hour, "weeks": 7 * 24 * time.Hour,
	}[f[1]]
	n, err := strconv.Atoi(f[0])
	if unit == 0 || err != nil || n < 0 || n > 1000 {
		return 0, fmt.Errorf("duration %q: expected for example 3 weken or 10 dagen", s)
	}
	return time.Duration(n) * unit, nil
}

// editDistance is the Levenshtein distance, for suggesting the tag a typo meant.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}
