package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
)

// resolvePaths makes the files a configuration names by a relative path (its *_file keys:
// secrets, keys, CA bundles) absolute, so that one configuration works when typed at a shell
// and under systemd:
//
//   - a bare name ("imap") is first looked up in $CREDENTIALS_DIRECTORY, where systemd puts
//     the unit's LoadCredential= files, readable by the service alone;
//   - otherwise a relative path is taken from the configuration's own folder (base), where
//     `klachtd init` writes the secrets: /etc/klachtd/imap beside /etc/klachtd/config.toml.
//
// base "" (a configuration parsed from bytes) leaves relative paths to the working directory.
func (c *Config) resolvePaths(base string) {
	creds := os.Getenv("CREDENTIALS_DIRECTORY")
	rv := reflect.ValueOf(c).Elem()
	for i := range rv.NumField() {
		sv := rv.Field(i)
		if sv.Kind() != reflect.Struct {
			continue
		}
		for j := range sv.NumField() {
			f := sv.Field(j)
			if tag := sv.Type().Field(j).Tag.Get("toml"); f.Kind() != reflect.String || !strings.HasSuffix(tag, "_file") {
				continue
			}
			if p := resolvePath(f.String(), base, creds); p != f.String() {
				f.SetString(p)
			}
		}
	}
}

// resolvePath is where a *_file value p points (see resolvePaths): unchanged when empty or
// absolute, in creds when p is a bare name found there, else under base when base is set.
func resolvePath(p, base, creds string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	if creds != "" && !strings.ContainsRune(p, filepath.Separator) {
		if _, err := os.Stat(filepath.Join(creds, p)); err == nil {
			return filepath.Join(creds, p)
		}
	}
	if base == "" {
		return p
	}
	return filepath.Join(base, p)
}
