package config

import (
	"fmt"
	"net/mail"
	"reflect"
	"strings"
	"time"

	"github.com/groeimeesters/klachtd/internal/tlsclient"
)

func (c *Config) checkStaff(k *checker) {
	s := c.Staff
	if len(s.Addresses) == 0 {
		k.add("staff.addresses", "is required: at least one address that may send tag commands")
	}
	k.emails("staff.addresses", s.Addresses)
	k.emails("staff.notify", s.Notify)
	k.oneOf("staff.authentication", s.Authentication, AuthenticationDKIM, AuthenticationAuthserv, AuthenticationNone)
	if s.Authentication == AuthenticationNone && c.IMAP.Host != "" && !tlsclient.Loopback(c.IMAP.Host) {
		k.add("staff.authentication", "\"none\" trusts the From: header, which anyone can forge; it is for tests and the demo on a loopback mailbox only: use \"dkim\" or \"authserv\"")
	}
	if s.AuthservHops < 0 || s.AuthservHops > 5 {
		k.add("staff.authserv_hops", "must be between 0 and 5: the Received: lines your own mail server and delivery add above its Authentication-Results header")
	}
	if s.Authentication == AuthenticationAuthserv && strings.TrimSpace(s.AuthservID) == "" {
		k.add("staff.authserv_id", "is required with authentication = \"authserv\": the id your own mail server writes in Authentication-Results")
	}
	for _, d := range s.DKIMDomains {
		if d == "" || strings.ContainsAny(d, "@ \t/") || !strings.Contains(d, ".") && d != "localhost" {
			k.add("staff.dkim_domains", "%q is not a domain name such as example.nl", d)
		}
	}

	m := c.Commissaris
	switch {
	case m.Name != "" && m.Email == "":
		k.add("commissaris.email", "is required with commissaris.name: escalation mails go there")
	case m.Name == "" && m.Email != "":
		k.add("commissaris.name", "is required with commissaris.email: the mails name the commissaris")
	case m.Email != "":
		k.email("commissaris.email", m.Email)
	}
}

func (c *Config) checkDeadlines(k *checker) {
	d := c.Deadlines
	k.positive("deadlines.confirm_within", d.ConfirmWithin)
	k.positive("deadlines.confirm_alarm", d.ConfirmAlarm)
	k.positive("deadlines.handle_within", d.HandleWithin)
	k.positive("deadlines.remind_before", d.RemindBefore)
	k.positive("deadlines.auto_extend_by", d.AutoExtendBy)
	k.positive("deadlines.auto_extend_before", d.AutoExtendBefore)
	k.positive("deadlines.effectiveness", d.Effectiveness)
	if d.ConfirmAlarm >= d.ConfirmWithin && d.ConfirmAlarm > 0 {
		k.add("deadlines.confirm_alarm", "must be shorter than deadlines.confirm_within: the alarm must come before the promise is broken")
	}
	if d.RemindBefore >= d.HandleWithin && d.RemindBefore > 0 {
		k.add("deadlines.remind_before", "must be shorter than deadlines.handle_within: otherwise the reminder falls before the complaint was received")
	}
	if d.AutoExtendBefore >= d.HandleWithin && d.AutoExtendBefore > 0 {
		k.add("deadlines.auto_extend_before", "must be shorter than deadlines.handle_within: otherwise the extension notice falls before the complaint was received")
	}
	if d.AutoExtend && d.AutoExtendBy <= d.AutoExtendBefore {
		k.add("deadlines.auto_extend_by", "must be longer than deadlines.auto_extend_before: otherwise each automatic extension is due again before it is sent")
	}
	if d.AutoReplyLimit < 0 {
		k.add("deadlines.auto_reply_limit", "must be 0 or more")
	}
	k.positive("retention.keep", c.Retention.Keep)
	if c.Retention.Keep > 0 && c.Retention.Keep <= d.HandleWithin {
		k.add("retention.keep", "must be longer than deadlines.handle_within: cases would be purged while still open")
	}
}

func (c *Config) checkRest(k *checker) {
	k.emails("complaints.form_senders", c.Complaints.FormSenders)
	if c.Complaints.MaxNewPerHour < 1 {
		k.add("complaints.max_new_per_hour", "must be 1 or more: every complaint is owed a confirmation; beyond this many an hour they wait their turn")
	}
	if len(c.Complaints.Keywords) == 0 {
		k.add("complaints.keywords", "needs at least one word, such as \"klacht\"")
	}
	for _, w := range c.Complaints.Keywords {
		if strings.TrimSpace(w) == "" {
			k.add("complaints.keywords", "holds an empty word, which would match every mail")
		}
	}
	for _, s := range c.Complaints.Services {
		if strings.TrimSpace(s) == "" {
			k.add("complaints.services", "holds an empty name")
		}
	}
	k.emails("report.recipients", c.Report.Recipients)
	if g := c.Report.Digest; g.Enabled && (g.Weekday < time.Sunday || g.Weekday > time.Saturday ||
		g.Hour < 0 || g.Hour > 23 || g.Minute < 0 || g.Minute > 59) {
		k.add("report.digest", "is not a day and a time such as \"mon 08:00\"")
	}
	k.required("storage.path", c.Storage.Path)
	k.oneOf("log.level", c.Log.Level, "debug", "info", "warn", "error")
	k.oneOf("log.format", c.Log.Format, "text", "json")
}

// emailProblem says why s is not a bare addr-spec (info@example.nl), or "".
func emailProblem(s string) string {
	if strings.ContainsAny(s, "\r\n") {
		return fmt.Sprintf("%q must be on one line", s)
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return fmt.Sprintf("%q is not a valid email address (%s)", s, strings.TrimPrefix(err.Error(), "mail: "))
	}
	if a.Name != "" || a.Address != s {
		return fmt.Sprintf("%q must be a bare address such as info@example.nl, without a name, <> or spaces", s)
	}
	return ""
}

// checkOneLine refuses line breaks and other control characters in every string of the file:
// they end up in mail headers and log lines.
func checkOneLine(c *Config, k *checker) {
	rv := reflect.ValueOf(c).Elem()
	for i := range rv.NumField() {
		section := rv.Type().Field(i).Tag.Get("toml")
		sv := rv.Field(i)
		for j := range sv.NumField() {
			key := sv.Type().Field(j).Tag.Get("toml")
			if key == "" || key == "-" {
				continue
			}
			var values []string
			switch f := sv.Field(j).Interface().(type) {
			case string:
				values = []string{f}
			case []string:
				values = f
			}
			for _, v := range values {
				if strings.ContainsFunc(v, isControl) {
					k.add(section+"."+key, "%q must be on one line, without control characters", v)
				}
			}
		}
	}
}

func quoteAll(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }
