package config

import (
	"crypto/x509"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/agnivade/levenshtein"
)

// resolveFiles reads what the configuration only names: the secrets (from a file or an
// environment variable, so that none is ever written in the config itself) and the CA
// bundles. Only the secrets the chosen auth method uses are read.
func (c *Config) resolveFiles() []Problem {
	var probs []Problem
	add := func(key, reason string) { probs = append(probs, Problem{key, reason}) }

	im := &c.IMAP
	if im.Auth == AuthPlain {
		im.Password = secret("imap.password", im.PasswordFile, im.PasswordEnv, add)
	}
	checkCAFile("imap.ca_file", im.CAFile, add)

	sm := &c.SMTP
	if sm.Username != "" && sm.Auth == AuthPlain {
		sm.Password = secret("smtp.password", sm.PasswordFile, sm.PasswordEnv, add)
	}
	checkCAFile("smtp.ca_file", sm.CAFile, add)
	c.resolveOAuth2Files(add)
	return probs
}

// secret reads the secret named by key+"_file" or key+"_env". Trailing line ends are
// trimmed: editors and `echo` add them. Which of the two must be set is Validate's concern.
func secret(key, file, env string, add func(key, reason string)) string {
	var value string
	if file != "" {
		data, err := readLimited(file, 64<<10)
		switch {
		case err != nil:
			add(key+"_file", fmt.Sprintf("cannot read the secret: %v", err))
		case strings.TrimRight(string(data), "\r\n") == "":
			add(key+"_file", fmt.Sprintf("%s is empty", file))
		default:
			value = strings.TrimRight(string(data), "\r\n")
		}
	}
	if env != "" {
		v, ok := os.LookupEnv(env)
		v = strings.TrimRight(v, "\r\n")
		switch {
		case !ok:
			add(key+"_env", fmt.Sprintf("environment variable %s is not set", env))
		case v == "":
			add(key+"_env", fmt.Sprintf("environment variable %s is empty", env))
		case value == "":
			value = v
		}
	}
	return value
}

// checkCAFile checks that a configured PEM bundle of CA certificates can be read and holds a
// certificate; the intake and the outbox load it (beside the system roots) when they dial.
func checkCAFile(key, file string, add func(key, reason string)) {
	if file == "" {
		return
	}
	data, err := readLimited(file, 4<<20)
	if err != nil {
		add(key, fmt.Sprintf("cannot read the CA bundle: %v", err))
		return
	}
	if !x509.NewCertPool().AppendCertsFromPEM(data) {
		add(key, fmt.Sprintf("%s holds no PEM certificate", file))
	}
}

// readLimited reads a file of at most max bytes, so that a wrong path (/dev/zero, a disk
// image) fails instead of filling memory.
func readLimited(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, max)
	}
	return data, nil
}

// knownKeys lists the sections and their keys, in file order, from Config's toml tags.
func knownKeys() (sections []string, keys map[string][]string) {
	keys = make(map[string][]string)
	ct := reflect.TypeFor[Config]()
	for i := range ct.NumField() {
		section := ct.Field(i).Tag.Get("toml")
		sections = append(sections, section)
		st := ct.Field(i).Type
		for j := range st.NumField() {
			if k := st.Field(j).Tag.Get("toml"); k != "" && k != "-" {
				keys[section] = append(keys[section], k)
			}
		}
	}
	return sections, keys
}

// unknownKeys reports every key of the file that klachtd does not know, once at its
// shortest unknown prefix, with the likely intended key where one is close.
func unknownKeys(found []toml.Key) []Problem {
	sections, keys := knownKeys()
	var probs []Problem
	reported := make(map[string]bool)
	for _, k := range found {
		var name, hint string
		switch {
		case !contains(sections, k[0]):
			name, hint = k[0], suggest(k[0], sections, "")
		case len(k) >= 2 && !contains(keys[k[0]], k[1]):
			name, hint = k[0]+"."+k[1], suggest(k[1], keys[k[0]], k[0]+".")
		default:
			continue
		}
		if !reported[name] {
			reported[name] = true
			probs = append(probs, Problem{name, "unknown key" + hint})
		}
	}
	return probs
}

// suggest names the secret keys when a secret was written inline, or the closest known key.
func suggest(name string, known []string, prefix string) string {
	switch strings.ToLower(name) {
	case "password", "pass", "passwd", "secret":
		return "; secrets go in password_file or password_env, never in the config file"
	case "token", "token_file", "token_env":
		return "; klachtd gets its OAuth2 tokens itself: set auth = \"xoauth2\" and fill in [oauth2]"
	case "client_secret":
		return "; secrets go in client_secret_file or client_secret_env, never in the config file"
	}
	best, bestDist := "", 3 // at most two edits, and no more than half the name
	for _, k := range known {
		d := levenshtein.ComputeDistance(strings.ToLower(name), k)
		if d < bestDist && 2*d <= len(name) {
			best, bestDist = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %s%s?", prefix, best)
}
