package complaint

import (
	"testing"
	"time"
)

func TestFormatDateAllMonths(t *testing.T) {
	nl := []string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
		"september", "oktober", "november", "december"}
	en := []string{"January", "February", "March", "April", "May", "June", "July", "August",
		"September", "October", "November", "December"}
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, ams)
	for i := range 12 {
		d := time.Date(2027, time.Month(i+1), 5, 9, 0, 0, 0, ams)
		wantNL, wantEN := "5 "+nl[i]+" 2027", "5 "+en[i]+" 2027"
		if got := FormatDate(d, "nl", ams); got != wantNL {
			t.Errorf("FormatDate nl = %q, want %q", got, wantNL)
		}
		if got := FormatDate(d, "en", ams); got != wantEN {
			t.Errorf("FormatDate en = %q, want %q", got, wantEN)
		}
		for _, s := range []string{wantNL, wantEN, "5 " + nl[i][:3] + " 2027", "5 " + en[i][:3] + ". 2027"} {
			got, err := ParseDate(s, now, ams)
			if err != nil || !got.Equal(d) {
				t.Errorf("ParseDate(%q) = %v, %v; want %v", s, got, err, d)
			}
		}
	}
}

func TestFormatDateTime(t *testing.T) {
	// 13:05 UTC in January is 14:05 in Amsterdam; 23:30 UTC on 31 March is 1 April 01:30 (CEST).
	tests := []struct {
		t        time.Time
		lang     string
		loc      *time.Location
		want     string
		wantDate string
	}{
		{time.Date(2027, 1, 15, 13, 5, 0, 0, time.UTC), "nl", ams, "15 januari 2027 om 14:05", "15 januari 2027"},
		{time.Date(2027, 1, 15, 13, 5, 0, 0, time.UTC), "en", ams, "15 January 2027 at 14:05", "15 January 2027"},
		{time.Date(2027, 3, 31, 23, 30, 0, 0, time.UTC), "nl", ams, "1 april 2027 om 01:30", "1 april 2027"},
		{time.Date(2027, 3, 31, 23, 30, 0, 0, time.UTC), "", nil, "31 maart 2027 om 23:30", "31 maart 2027"},
	}
	for _, tt := range tests {
		if got := FormatDateTime(tt.t, tt.lang, tt.loc); got != tt.want {
			t.Errorf("FormatDateTime(%v, %q) = %q, want %q", tt.t, tt.lang, got, tt.want)
		}
		if got := FormatDate(tt.t, tt.lang, tt.loc); got != tt.wantDate {
			t.Errorf("FormatDate(%v, %q) = %q, want %q", tt.t, tt.lang, got, tt.wantDate)
		}
	}
}

func TestParseDate(t *testing.T) {
	now := time.Date(2027, 3, 10, 12, 0, 0, 0, ams)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 9, 0, 0, 0, ams) }
	tests := []struct {
		in   string
		want time.Time // zero: an error
	}{
		{"2027-01-15", day(2027, 1, 15)},
		{"2027/1/5", day(2027, 1, 5)},
		{"15-01-2027", day(2027, 1, 15)},
		{"15/01/2027", day(2027, 1, 15)},
		{"5.1.2027", day(2027, 1, 5)},
		{"15 januari 2027", day(2027, 1, 15)},
		{"15 JAN 2027", day(2027, 1, 15)},
		{"15 mrt 2027", day(2027, 3, 15)},
		{"1 okt. 2027", day(2027, 10, 1)},
		{"1 sept 2027", day(2027, 9, 1)},
		{"January 15, 2027", day(2027, 1, 15)},
		{"maandag 15 februari 2027", day(2027, 2, 15)},
		{"Monday, 15 February 2027", day(2027, 2, 15)},
		{"  29 februari 2028 ", day(2028, 2, 29)},
		{"15 maart", day(2027, 3, 15)},    // later this year
		{"10 maart", day(2027, 3, 10)},    // today
		{"1 februari", day(2028, 2, 1)},   // already past: next year
		{"29 februari 2027", time.Time{}}, // no such day
		{"31-04-2027", time.Time{}},
		{"2027-13-01", time.Time{}},
		{"15-01-27", time.Time{}},
		{"15 januari 27", time.Time{}},
		{"15 foo 2027", time.Time{}},
		{"morgen", time.Time{}},
		{"", time.Time{}},
		{"0-0-0", time.Time{}},
		{"99999-01-01", time.Time{}},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in, now, ams)
		if tt.want.IsZero() {
			if err == nil {
				t.Errorf("ParseDate(%q) = %v, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || !got.Equal(tt.want) || got.Location() != ams {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}
