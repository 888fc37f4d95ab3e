package oauth

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestLoginDeviceTellsTheOrganisationsTime: the device sign-in says until when the code works
// in the organisation's zone (Config.Location), with its date, not in the machine's zone.
func TestLoginDeviceTellsTheOrganisationsTime(t *testing.T) {
	srv := newServer(t)
	srv.Approve("info@example.nl")
	m := newManager(t, srv, GrantRefreshToken, storePath(t), nil)
	zone := time.FixedZone("UTC+5:30", 5*3600+1800) // no machine runs in it by accident
	m.cfg.Location = zone
	var out strings.Builder
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	before := time.Now().Truncate(time.Minute)
	if err := m.LoginDevice(ctx, &out); err != nil {
		t.Fatalf("LoginDevice: %v\n%s", err, out.String())
	}
	after := time.Now()
	until := regexp.MustCompile(`Waiting until (\d{4}-\d\d-\d\d \d\d:\d\d) …`).FindStringSubmatch(out.String())
	if until == nil {
		t.Fatalf("the sign-in does not say until when it waits, as a date and time:\n%s", out.String())
	}
	got, err := time.ParseInLocation("2006-01-02 15:04", until[1], zone)
	if err != nil {
		t.Fatal(err)
	}
	// The test server's codes last 60 s.
	if got.Before(before) || got.After(after.Add(2*time.Minute)) {
		t.Errorf("waits until %s (%v), want about a minute after %v in %s", until[1], got, before, zone)
	}
}
