package daemon

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/groeimeesters/klachtd/internal/store"
)

// TestReportStatsCarriesEveryField: every field of the store's case statistics reaches the
// report's plain row under the same name with the same value, so that a field the store adds
// and the report is not given fails here; a read error passes through.
func TestReportStatsCarriesEveryField(t *testing.T) {
	var in store.CaseStat
	v := reflect.ValueOf(&in).Elem()
	base := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString(fmt.Sprintf("value-%d", i))
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Struct: // time.Time
			f.Set(reflect.ValueOf(base.Add(time.Duration(i) * time.Hour)))
		default:
			t.Fatalf("store.CaseStat.%s is a %s: teach this test its values", v.Type().Field(i).Name, f.Kind())
		}
	}
	got, err := ReportStats(func(start, end time.Time) ([]store.CaseStat, error) { return []store.CaseStat{in}, nil })(base, base)
	if err != nil || len(got) != 1 {
		t.Fatalf("ReportStats = %v, %v; want one row", got, err)
	}
	out := reflect.ValueOf(got[0])
	for i := range v.NumField() {
		name := v.Type().Field(i).Name
		o := out.FieldByName(name)
		if !o.IsValid() {
			t.Errorf("report.Stat has no %s", name)
			continue
		}
		want := v.Field(i)
		if o.Kind() == reflect.String {
			if o.String() != want.String() {
				t.Errorf("%s = %q, want %q", name, o.String(), want.String())
			}
			continue
		}
		if !reflect.DeepEqual(o.Interface(), want.Interface()) {
			t.Errorf("%s = %v, want %v", name, o.Interface(), want.Interface())
		}
	}

	failed := errors.New("database locked")
	if _, err := ReportStats(func(start, end time.Time) ([]store.CaseStat, error) { return nil, failed })(base, base); !errors.Is(err, failed) {
		t.Errorf("ReportStats with a failing read: %v, want %v", err, failed)
	}
}
