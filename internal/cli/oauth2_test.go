package cli

import (
	"strings"
	"testing"
)

func TestOAuth2Usage(t *testing.T) {
	cfg := writeConfig(t, "")
	tests := []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"oauth2", "--config", cfg}, 2, "give login or status"},
		{[]string{"oauth2", "logout", "--config", cfg}, 2, "give login or status"},
		{[]string{"oauth2", "login", "--device", "--browser", "--config", cfg}, 2, "not both"},
		{[]string{"oauth2", "status", "--browser", "--config", cfg}, 2, "are for login"},
		{[]string{"list", "--browser", "--config", cfg}, 2, "--browser is not a flag of this command"},
		{[]string{"oauth2", "login", "--config", cfg}, 1, "uses no OAuth2"},
		{[]string{"oauth2", "status", "--config", cfg}, 1, "uses no OAuth2"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args[:len(tt.args)-2], " "), func(t *testing.T) {
			r := run(t, tt.args...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("exit %d, stderr %q; want %d and …%s…", r.code, r.stderr, tt.code, tt.stderr)
			}
		})
	}
}
