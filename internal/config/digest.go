package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Digest is the weekly moment of the staff digest, in the organisation's time zone.
type Digest struct {
	Enabled bool // false when report.digest is "" or "off"
	Weekday time.Weekday
	Hour    int
	Minute  int
}

// String writes the digest as it is written in the file: "mon 08:00", or "off".
func (d Digest) String() string {
	if !d.Enabled {
		return "off"
	}
	return fmt.Sprintf("%s %02d:%02d", strings.ToLower(d.Weekday.String()[:3]), d.Hour, d.Minute)
}

// weekday reads a Dutch or English name or abbreviation of a day of the week.
func weekday(name string) (time.Weekday, bool) {
	switch strings.TrimSuffix(name, ".") {
	case "zo", "zon", "zondag", "sun", "sunday":
		return time.Sunday, true
	case "ma", "maa", "maan", "maandag", "mon", "monday":
		return time.Monday, true
	case "di", "din", "dins", "dinsdag", "tue", "tues", "tuesday":
		return time.Tuesday, true
	case "wo", "woe", "woens", "woensdag", "wed", "wednesday":
		return time.Wednesday, true
	case "do", "don", "donderdag", "thu", "thur", "thurs", "thursday":
		return time.Thursday, true
	case "vr", "vrij", "vrijdag", "fri", "friday":
		return time.Friday, true
	case "za", "zat", "zaterdag", "sat", "saturday":
		return time.Saturday, true
	}
	return 0, false
}

// parseDigest reads "mon 08:00", "maandag 8:00" or "Monday 08:30"; "" and "off" disable
// the digest.
func parseDigest(s string) (Digest, error) {
	in := strings.ToLower(strings.TrimSpace(s))
	if in == "" || in == "off" || in == "uit" {
		return Digest{}, nil
	}
	fields := strings.Fields(in)
	if len(fields) != 2 {
		return Digest{}, fmt.Errorf("%q: expected a day and a time, as in \"mon 08:00\" or \"ma 08:00\"", s)
	}
	day, ok := weekday(fields[0])
	if !ok {
		return Digest{}, fmt.Errorf("%q: unknown day %q (use mon … sun, or ma … zo)", s, fields[0])
	}
	hh, mm, ok := strings.Cut(fields[1], ":")
	hour, errH := strconv.Atoi(hh)
	minute, errM := strconv.Atoi(mm)
	if !ok || errH != nil || errM != nil || len(mm) != 2 || len(hh) > 2 ||
		hour < 0 || hour > 23 || minute < 0 || minute > 59 {
		return Digest{}, fmt.Errorf("%q: time %q must be HH:MM on a 24-hour clock, as in 08:00", s, fields[1])
	}
	return Digest{Enabled: true, Weekday: day, Hour: hour, Minute: minute}, nil
}
