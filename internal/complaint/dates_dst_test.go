package complaint

import (
	"testing"
	"time"
)

// TestParseDateOnDSTDays: a date means 09:00 Amsterdam time on that day, also on the days the
// clocks change (28 March 2027, 02:00 → 03:00; 31 October 2027, 03:00 → 02:00), where
// midnight plus nine hours is 10:00 or 08:00.
func TestParseDateOnDSTDays(t *testing.T) {
	now := time.Date(2027, 1, 10, 12, 0, 0, 0, ams)
	tests := []struct {
		in   string
		want time.Time // in UTC
	}{
		{"2027-03-28", time.Date(2027, 3, 28, 7, 0, 0, 0, time.UTC)},
		{"28 maart 2027", time.Date(2027, 3, 28, 7, 0, 0, 0, time.UTC)},
		{"zondag 28-03-2027", time.Date(2027, 3, 28, 7, 0, 0, 0, time.UTC)},
		{"31 oktober 2027", time.Date(2027, 10, 31, 8, 0, 0, 0, time.UTC)},
		{"October 31, 2027", time.Date(2027, 10, 31, 8, 0, 0, 0, time.UTC)},
		{"31 oktober", time.Date(2027, 10, 31, 8, 0, 0, 0, time.UTC)},
		{"2027-03-27", time.Date(2027, 3, 27, 8, 0, 0, 0, time.UTC)}, // the day before: still winter time
		{"2027-11-01", time.Date(2027, 11, 1, 8, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in, now, ams)
		if err != nil {
			t.Errorf("ParseDate(%q): %v", tt.in, err)
			continue
		}
		if !got.Equal(tt.want) || got.In(ams).Hour() != DateHour || got.In(ams).Minute() != 0 {
			t.Errorf("ParseDate(%q) = %s (%s in Amsterdam), want %s: 09:00 in Amsterdam", tt.in, got.UTC(), got.In(ams).Format("15:04"), tt.want)
		}
	}
	// The same through the tags staff write.
	for subject, want := range map[string]time.Time{
		"[verlenging 2027-03-28]":               time.Date(2027, 3, 28, 7, 0, 0, 0, time.UTC),
		"[hersteltermijn 31 oktober 2027]":      time.Date(2027, 10, 31, 8, 0, 0, 0, time.UTC),
		"[verlenging tot 31-10-2027]":           time.Date(2027, 10, 31, 8, 0, 0, 0, time.UTC),
		"[verlenging t/m zondag 28 maart 2027]": time.Date(2027, 3, 28, 7, 0, 0, 0, time.UTC),
	} {
		tags, errs := ParseTags(subject, now, ams)
		if len(errs) > 0 || len(tags) != 1 || !tags[0].Date.Equal(want) {
			t.Errorf("ParseTags(%q) = %+v, %v; want one tag dated %s", subject, tags, errs, want)
		}
	}
}

// TestParseTagsUntilWords: the words before a date that staff write — "tot", "tot en met",
// "t/m", "until", "by" — all parse, to the same date.
func TestParseTagsUntilWords(t *testing.T) {
	now := time.Date(2027, 1, 10, 12, 0, 0, 0, ams)
	feb15 := time.Date(2027, 2, 15, 9, 0, 0, 0, ams)
	for _, subject := range []string{
		"[verlenging tot en met 15 februari 2027]",
		"[verlenging t/m 15 februari 2027]",
		"[verlenging T/M 15-02-2027]",
		"[verlenging tot 15 februari 2027]",
		"[verlenging Tot En Met 2027-02-15]",
		"[verlenging until February 15, 2027]",
		"[verlenging by 15 February 2027]",
		"[hersteltermijn t/m 15 februari 2027]",
		"[hersteltermijn tot en met 15 feb 2027]",
	} {
		tags, errs := ParseTags(subject, now, ams)
		if len(errs) > 0 || len(tags) != 1 || !tags[0].Date.Equal(feb15) || tags[0].Duration != 0 {
			t.Errorf("ParseTags(%q) = %+v, %v; want one tag dated 15 February 2027 09:00", subject, tags, errs)
		}
	}
}
