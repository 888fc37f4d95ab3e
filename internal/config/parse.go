package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/groeimeesters/klachtd/internal/dur"
)

// Load reads the file at path, resolves its secrets and validates it. A bad file gives an
// *Error (wrapped with the path) that lists every problem. A *_file key with a relative path
// is found beside the file or among systemd's credentials (see resolvePaths).
func Load(path string) (*Config, error) { return load(path, true) }

// LoadForReading is Load for commands that only read the database (list, show, report,
// export, purge): the file is decoded and validated, but the secrets and CA files it names are
// not read, so such a command works without the IMAP or SMTP password (outside systemd, where
// /run/credentials does not exist, or as a user who may not read them).
func LoadForReading(path string) (*Config, error) { return load(path, false) }

func load(path string, withFiles bool) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	base, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	c, err := parse(data, base, withFiles)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return c, nil
}

// Parse decodes a TOML document over the defaults, reads the secrets and CA files it names
// and validates the result. Every problem found is reported at once in an *Error.
func Parse(data []byte) (*Config, error) { return parse(data, "", true) }

// parse is Parse with relative file names taken from base; withFiles false leaves the secrets
// and CA files unread (LoadForReading).
func parse(data []byte, base string, withFiles bool) (*Config, error) {
	c := Default()
	probs, defined := decode(data, c)
	if len(probs) == 1 && strings.HasPrefix(probs[0].Key, "line ") {
		return nil, &Error{Problems: probs} // a syntax error: nothing else can be known
	}
	c.derive()
	c.scaleDefaults(defined)
	c.applyOAuth2Defaults(defined)
	c.resolvePaths(base)
	if withFiles {
		probs = append(probs, c.resolveFiles()...)
	}
	var verr *Error
	if err := c.Validate(); errors.As(err, &verr) {
		probs = merge(probs, verr.Problems)
	}
	if len(probs) > 0 {
		return nil, &Error{Problems: probs}
	}
	return c, nil
}

// merge adds the validation problems whose key has no problem yet: a value that could not be
// decoded has kept its default, and a complaint about that default would only confuse.
func merge(probs, more []Problem) []Problem {
	seen := make(map[string]bool, len(probs))
	for _, p := range probs {
		seen[p.Key] = true
	}
	for _, p := range more {
		if !seen[p.Key] {
			probs = append(probs, p)
		}
	}
	return probs
}

// decode writes every key present in data into c, key by key, so that one value of the
// wrong type does not hide the problems of the others.
func decode(data []byte, c *Config) ([]Problem, map[string]bool) {
	var top map[string]toml.Primitive
	md, err := toml.Decode(string(data), &top)
	if err != nil {
		return []Problem{syntaxProblem(err)}, nil
	}
	defined := map[string]bool{}
	for _, k := range md.Keys() {
		defined[k.String()] = true
	}
	probs := unknownKeys(md.Keys())
	rv := reflect.ValueOf(c).Elem()
	for i := range rv.NumField() {
		section := rv.Type().Field(i).Tag.Get("toml")
		prim, ok := top[section]
		if !ok {
			continue
		}
		var keys map[string]toml.Primitive
		if md.Type(section) != "Hash" || md.PrimitiveDecode(prim, &keys) != nil {
			probs = append(probs, Problem{section, fmt.Sprintf("must be a table, written [%s] on a line of its own", section) + gotType(md.Type(section))})
			continue
		}
		sv := rv.Field(i)
		for j := range sv.NumField() {
			f := sv.Type().Field(j)
			key := f.Tag.Get("toml")
			p, ok := keys[key]
			if !ok || key == "-" {
				continue
			}
			if reason := decodeValue(&md, p, sv.Field(j), f.Tag.Get("kind"), md.Type(section, key)); reason != "" {
				probs = append(probs, Problem{section + "." + key, reason})
			}
		}
	}
	return probs, defined
}

func syntaxProblem(err error) Problem {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return Problem{fmt.Sprintf("line %d", pe.Position.Line), "TOML syntax: " + pe.Message}
	}
	return Problem{"line 1", "TOML syntax: " + err.Error()}
}

// decodeValue decodes one value, of TOML type got, into v and returns why it could not, or "".
func decodeValue(md *toml.MetaData, p toml.Primitive, v reflect.Value, kind, got string) string {
	var s string
	not := gotType(got)
	durationType, timeType, digestType := reflect.TypeFor[time.Duration](), reflect.TypeFor[time.Time](), reflect.TypeFor[Digest]()
	switch {
	case v.Type() == durationType:
		if md.PrimitiveDecode(p, &s) != nil {
			return `must be a quoted duration, as in "30s", "48h", "3d" or "4w"` + not
		}
		d, err := dur.Parse(s)
		if err != nil {
			return err.Error()
		}
		v.SetInt(int64(d))
	case kind == "size":
		if md.PrimitiveDecode(p, &s) != nil {
			return `must be a quoted size, as in "25MB"` + not
		}
		n, err := dur.ParseSize(s)
		if err != nil {
			return err.Error()
		}
		v.SetInt(n)
	case v.Type() == timeType:
		if md.PrimitiveDecode(p, &s) != nil {
			return `must be a quoted date, as in "2026-11-01", or ""` + not
		}
		t, err := parseDate(s)
		if err != nil {
			return err.Error()
		}
		v.Set(reflect.ValueOf(t))
	case v.Type() == digestType:
		if md.PrimitiveDecode(p, &s) != nil {
			return `must be a quoted day and time, as in "mon 08:00"` + not
		}
		d, err := parseDigest(s)
		if err != nil {
			return err.Error()
		}
		v.Set(reflect.ValueOf(d))
	default:
		if md.PrimitiveDecode(p, v.Addr().Interface()) != nil {
			return expected(v.Kind()) + not
		}
	}
	return ""
}

func expected(k reflect.Kind) string {
	switch k {
	case reflect.Bool:
		return "must be true or false"
	case reflect.Int:
		return "must be a whole number"
	case reflect.Slice:
		return `must be a list of quoted strings, as in ["a", "b"]`
	default:
		return "must be a quoted string"
	}
}

func gotType(t string) string {
	names := map[string]string{
		"Integer": "a number", "Float": "a number", "Datetime": "a date", "String": "a string",
		"Bool": "a boolean", "Array": "a list", "Hash": "a table", "ArrayHash": "a list of tables",
	}
	if n, ok := names[t]; ok {
		return ", not " + n
	}
	return ""
}

// parseDate reads backfill's "2026-11-01" as midnight UTC; derive moves it to the
// organisation's zone once that is known.
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date written as 2026-11-01", s)
	}
	return t, nil
}

// scaleDefaults shortens the defaults of the lesser terms when the file shortens the main term
// without naming them: with only handle_within = "1m" (a test of a whole case in minutes) a
// 7-day reminder or a 1-day extension lead would make no sense and be refused. Terms named
// in the file are left as written (and validated).
func (c *Config) scaleDefaults(defined map[string]bool) {
	d := &c.Deadlines
	if !defined["deadlines.remind_before"] {
		d.RemindBefore = min(d.RemindBefore, d.HandleWithin/4)
	}
	if !defined["deadlines.auto_extend_before"] {
		d.AutoExtendBefore = min(d.AutoExtendBefore, d.HandleWithin/28)
	}
	if !defined["deadlines.confirm_alarm"] {
		d.ConfirmAlarm = min(d.ConfirmAlarm, d.ConfirmWithin/2)
	}
}

// derive fills what follows from other keys: the time zone, backfill's midnight in it, and
// the lists that default to other lists.
func (c *Config) derive() {
	if loc, err := time.LoadLocation(c.Organisation.Timezone); err == nil {
		c.Organisation.Location = loc
	}
	if b := c.IMAP.Backfill; !b.IsZero() {
		c.IMAP.Backfill = time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, c.Organisation.Location)
	}
	if b := c.OAuth2.SecretExpires; !b.IsZero() {
		c.OAuth2.SecretExpires = time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, c.Organisation.Location)
	}
	if len(c.Staff.Notify) == 0 {
		c.Staff.Notify = append([]string(nil), c.Staff.Addresses...)
	}
	if len(c.Report.Recipients) == 0 {
		c.Report.Recipients = append([]string(nil), c.Staff.Notify...)
	}
	domains := c.Staff.DKIMDomains
	if len(domains) == 0 {
		for _, a := range c.Staff.Addresses {
			if i := strings.LastIndexByte(a, '@'); i >= 0 {
				domains = append(domains, a[i+1:])
			}
		}
	}
	c.Staff.DKIMDomains = nil
	for _, d := range domains {
		d = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(d), "."))
		if !contains(c.Staff.DKIMDomains, d) {
			c.Staff.DKIMDomains = append(c.Staff.DKIMDomains, d)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
