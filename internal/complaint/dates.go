package complaint

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The names of the months as written to complainants and staff.
var (
	monthsNL = [12]string{"januari", "februari", "maart", "april", "mei", "juni", "juli",
		"augustus", "september", "oktober", "november", "december"}
	monthsEN = [12]string{"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"}
)

// monthByName maps every accepted spelling of a month, lower case and without a trailing
// dot, to its number: Dutch and English, full and abbreviated.
func monthByName(name string) (time.Month, bool) {
	name = strings.TrimSuffix(strings.ToLower(name), ".")
	for i := range 12 {
		if name == monthsNL[i] || name == strings.ToLower(monthsEN[i]) {
			return time.Month(i + 1), true
		}
	}
	abbrev := map[string]time.Month{
		"jan": 1, "feb": 2, "febr": 2, "mrt": 3, "mar": 3, "maa": 3, "apr": 4, "jun": 6,
		"jul": 7, "aug": 8, "sep": 9, "sept": 9, "okt": 10, "oct": 10, "nov": 11, "dec": 12,
	}
	m, ok := abbrev[name]
	return m, ok
}

// weekdayNames are accepted, and ignored, before a date: "maandag 15 februari 2027".
var weekdayNames = map[string]time.Weekday{
	"zondag": 0, "maandag": 1, "dinsdag": 2, "woensdag": 3, "donderdag": 4, "vrijdag": 5,
	"zaterdag": 6, "sunday": 0, "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4,
	"friday": 5, "saturday": 6, "zo": 0, "ma": 1, "di": 2, "wo": 3, "do": 4, "vr": 5, "za": 6,
	"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6,
}

// FormatDate writes the calendar date of t in loc as a letter does: "15 januari 2027", or
// "15 January 2027" when lang is "en". Any other language gets Dutch.
func FormatDate(t time.Time, lang string, loc *time.Location) string {
	t = t.In(orUTC(loc))
	month := monthsNL[t.Month()-1]
	if lang == "en" {
		month = monthsEN[t.Month()-1]
	}
	return fmt.Sprintf("%d %s %d", t.Day(), month, t.Year())
}

// FormatDateTime writes a date and a 24-hour time in loc: "15 januari 2027 om 14:05", or
// "15 January 2027 at 14:05" when lang is "en".
func FormatDateTime(t time.Time, lang string, loc *time.Location) string {
	word := "om"
	if lang == "en" {
		word = "at"
	}
	t = t.In(orUTC(loc))
	return fmt.Sprintf("%s %s %02d:%02d", FormatDate(t, lang, loc), word, t.Hour(), t.Minute())
}

// FormatStamp writes a moment in loc for tables and listings, where dates line up and sort:
// "2027-01-15 14:05". Mails use FormatDate and FormatDateTime.
func FormatStamp(t time.Time, loc *time.Location) string {
	return t.In(orUTC(loc)).Format("2006-01-02 15:04")
}

// FormatClock writes the time of day of t in loc to the second, for a running printout
// where events follow each other within seconds (the demo): "14:05:09". Anything read
// later, or beside a date, uses FormatStamp, FormatDate or FormatDateTime.
func FormatClock(t time.Time, loc *time.Location) string {
	return t.In(orUTC(loc)).Format(time.TimeOnly)
}

// DateHour is the local hour of day that ParseDate gives a date: a term written as a date
// falls due at 09:00 on that day, the start of a working day, so that reminders and
// automatic notices arrive when staff and complainants read their mail.
const DateHour = 9

// ParseDate reads a calendar date as staff write it: "2027-01-15", "15-01-2027",
// "15/01/2027", "15.01.2027", "15 januari 2027", "15 jan 2027", "15 January 2027",
// "January 15, 2027", optionally after a weekday ("maandag 15 februari 2027"). Without a
// year ("15 januari") it is the first such date from today on, as seen in loc at now.
// The result is 09:00 (DateHour) on that day in loc.
func ParseDate(s string, now time.Time, loc *time.Location) (time.Time, error) {
	loc = orUTC(loc)
	y, m, d, err := parseYMD(s, now.In(loc))
	if err != nil {
		return time.Time{}, err
	}
	t := time.Date(y, m, d, DateHour, 0, 0, 0, loc)
	if t.Year() != y || t.Month() != m || t.Day() != d {
		return time.Time{}, fmt.Errorf("date %q: %s %d has no day %d", s, monthsEN[m-1], y, d)
	}
	return t, nil
}

func parseYMD(s string, now time.Time) (int, time.Month, int, error) {
	fields := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return r == ' ' || r == '\t' || r == ','
	})
	if len(fields) > 1 {
		if _, ok := weekdayNames[strings.TrimSuffix(fields[0], ".")]; ok {
			fields = fields[1:]
		}
	}
	bad := fmt.Errorf("date %q: expected a date such as 2027-01-15, 15-01-2027 or 15 januari 2027", s)
	switch len(fields) {
	case 1:
		return parseNumericDate(fields[0], bad)
	case 2, 3:
		day, month := fields[0], fields[1]
		if _, err := strconv.Atoi(strings.TrimSuffix(day, ".")); err != nil {
			day, month = month, day // "January 15, 2027"
		}
		m, ok := monthByName(month)
		if !ok {
			return 0, 0, 0, bad
		}
		d, err := smallInt(strings.TrimSuffix(day, "."), 1, 31)
		if err != nil {
			return 0, 0, 0, bad
		}
		if len(fields) == 2 {
			y := now.Year()
			if time.Date(y, m, d, 23, 59, 59, 0, now.Location()).Before(now) {
				y++
			}
			return y, m, d, nil
		}
		y, err := smallInt(fields[2], 1000, 9999)
		if err != nil || len(fields[2]) != 4 {
			return 0, 0, 0, bad
		}
		return y, m, d, nil
	}
	return 0, 0, 0, bad
}

// parseNumericDate reads 2027-01-15 (or 2027/01/15) and 15-01-2027 (or with / or .).
func parseNumericDate(s string, bad error) (int, time.Month, int, error) {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '/' || r == '.' })
	if len(parts) != 3 {
		return 0, 0, 0, bad
	}
	yi, di := 2, 0
	if len(parts[0]) == 4 {
		yi, di = 0, 2
	}
	if len(parts[yi]) != 4 || len(parts[di]) > 2 || len(parts[1]) > 2 {
		return 0, 0, 0, bad
	}
	y, err1 := smallInt(parts[yi], 1000, 9999)
	m, err2 := smallInt(parts[1], 1, 12)
	d, err3 := smallInt(parts[di], 1, 31)
	if err1 != nil || err2 != nil || err3 != nil {
		return 0, 0, 0, bad
	}
	return y, time.Month(m), d, nil
}

// smallInt parses a decimal number of ASCII digits within [lo, hi].
func smallInt(s string, lo, hi int) (int, error) {
	if s == "" || len(s) > 4 {
		return 0, fmt.Errorf("number %q out of range", s)
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("number %q: not a number", s)
		}
	}
	n, _ := strconv.Atoi(s)
	if n < lo || n > hi {
		return 0, fmt.Errorf("number %q out of range", s)
	}
	return n, nil
}

func orUTC(loc *time.Location) *time.Location {
	if loc == nil {
		return time.UTC
	}
	return loc
}
