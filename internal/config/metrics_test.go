package config

import (
	"strings"
	"testing"
)

// TestMetricsListen: [metrics] listen is off by default, a loopback address is accepted, an
// address other machines can reach only with allow_remote, and what is not an IP address and
// port never.
func TestMetricsListen(t *testing.T) {
	for _, c := range []struct {
		edits []string
		want  string // "" = valid; else a part of the problem with metrics.listen
	}{
		{nil, ""},
		{[]string{`metrics.listen = ""`}, ""},
		{[]string{`metrics.listen = "127.0.0.1:9464"`}, ""},
		{[]string{`metrics.listen = "127.0.0.2:9464"`}, ""},
		{[]string{`metrics.listen = "[::1]:9464"`}, ""},
		{[]string{`metrics.listen = "localhost:9464"`}, ""},
		{[]string{`metrics.listen = "LocalHost:9464"`}, ""},
		{[]string{`metrics.listen = "0.0.0.0:9464"`}, "can be reached from other machines"},
		{[]string{`metrics.listen = ":9464"`}, "can be reached from other machines"},
		{[]string{`metrics.listen = "[::]:9464"`}, "can be reached from other machines"},
		{[]string{`metrics.listen = "192.168.1.5:9464"`}, "metrics.allow_remote = true"},
		{[]string{`metrics.listen = "10.8.0.1:9464"`, `metrics.allow_remote = true`}, ""},
		{[]string{`metrics.listen = ":9464"`, `metrics.allow_remote = true`}, ""},
		{[]string{`metrics.listen = "[fe80::1%eth0]:9464"`, `metrics.allow_remote = true`}, ""},
		{[]string{`metrics.listen = "monitor.example.nl:9464"`, `metrics.allow_remote = true`}, "not a host name"},
		{[]string{`metrics.listen = "127.0.0.1"`}, "is not an address and port"},
		{[]string{`metrics.listen = "9464"`}, "is not an address and port"},
		{[]string{`metrics.listen = "127.0.0.1:0"`}, "needs a port number"},
		{[]string{`metrics.listen = "127.0.0.1:70000"`}, "needs a port number"},
		{[]string{`metrics.listen = "127.0.0.1:http"`}, "needs a port number"},
		{[]string{`metrics.listen = 9464`}, "must be a quoted string"},
	} {
		name := strings.Join(c.edits, "; ")
		probs := problems(t, build(t, c.edits...))
		var got []string
		for _, p := range probs {
			got = append(got, p.String())
		}
		switch {
		case c.want == "" && len(probs) > 0:
			t.Errorf("%s: problems %q, want none", name, got)
		case c.want != "" && (len(probs) != 1 || probs[0].Key != "metrics.listen" || !strings.Contains(probs[0].Reason, c.want)):
			t.Errorf("%s: problems %q, want one with metrics.listen saying %q", name, got, c.want)
		}
	}
}

func TestMetricsKeysAreKnown(t *testing.T) {
	c, err := Parse(build(t, `metrics.listen = "127.0.0.1:9464"`, `metrics.allow_remote = false`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Metrics.Listen != "127.0.0.1:9464" || c.Metrics.AllowRemote {
		t.Errorf("metrics = %+v", c.Metrics)
	}
	probs := problems(t, build(t, `metrics.listn = "127.0.0.1:9464"`))
	if len(probs) != 1 || probs[0].Key != "metrics.listn" || !strings.Contains(probs[0].Reason, "metrics.listen") {
		t.Errorf("a misspelt key: %v, want it refused with metrics.listen suggested", probs)
	}
	if d := Default(); d.Metrics.Listen != "" {
		t.Errorf("metrics on by default (%q); want off", d.Metrics.Listen)
	}
}
