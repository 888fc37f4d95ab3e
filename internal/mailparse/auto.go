package mailparse

import (
	"regexp"
	"strings"
)

// outOfOfficePrefixes start the subjects of out-of-office replies (Dutch and English),
// compared lower-cased. Only prefixes: "Klacht: docent was afwezig" is not automatic.
var outOfOfficePrefixes = []string{
	"afwezig", "automatisch antwoord", "automatisch beantwoorden", "out of office", "out-of-office",
	"automatic reply", "auto reply", "autoreply", "auto-reply", "auto response", "autoresponse",
	"abwesenheitsnotiz", "niet aanwezig",
}

// autoReason says why a mail declares itself automatic, or "".
func autoReason(m *Message, h header, c *collector) string {
	if v := strings.ToLower(firstToken(h.get("Auto-Submitted"))); v != "" && v != "no" {
		return "auto-submitted: " + v
	}
	switch v := strings.ToLower(firstToken(h.get("Precedence"))); v {
	case "bulk", "list", "junk", "auto_reply":
		return "precedence: " + v
	}
	switch {
	case h.has("List-Id"):
		return "list-id"
	case h.has("List-Unsubscribe"):
		return "list-unsubscribe"
	case h.has("X-Autoreply") && !strings.EqualFold(firstToken(h.get("X-Autoreply")), "no"):
		return "x-autoreply"
	case h.has("X-Autorespond"):
		return "x-autorespond"
	case c.reportType != "":
		return "report: " + c.reportType
	case isDaemon(m.From.Email):
		return "from " + strings.ToLower(localPart(m.From.Email))
	}
	subj := strings.ToLower(strings.TrimLeft(m.Subject, " [("))
	for _, p := range outOfOfficePrefixes {
		if strings.HasPrefix(subj, p) {
			return "out-of-office subject"
		}
	}
	if m.HasReturnPath && m.ReturnPath == "" {
		return "null return path"
	}
	return ""
}

func firstToken(v string) string {
	v = cleanLine(v)
	if i := strings.IndexAny(v, " ;("); i >= 0 {
		v = v[:i]
	}
	return v
}

func localPart(email string) string {
	l, _, _ := strings.Cut(email, "@")
	return l
}

// isDaemon reports whether an address is a mail system's (MAILER-DAEMON, postmaster).
func isDaemon(email string) bool {
	l := strings.ToLower(localPart(email))
	return l == "mailer-daemon" || l == "postmaster" || l == "mail-daemon"
}

var (
	bounceSubjectRe = regexp.MustCompile(`(?i)(undeliver|undelivered|delivery (status|failure|has failed)|returned mail|mail delivery failed|failure notice|onbestelbaar|niet bezorgd|kan niet worden bezorgd|non remis|unzustellbar)`)
	delaySubjectRe  = regexp.MustCompile(`(?i)(delay|vertraagd|warning|waarschuwing)`)
	quotedIDRe      = regexp.MustCompile(`(?im)^[>\s]*message-id:\s*<?([^\s<>]+@[^\s<>]+)>?`)
	statusRe        = regexp.MustCompile(`\b([245]\.\d{1,3}\.\d{1,3})\b`)
	failedRcptRe    = regexp.MustCompile(`(?m)^\s*<([^\s<>@]+@[^\s<>]+)>:?`)
)

// detectBounce reads a delivery status report, or a classic bounce from a mail daemon.
func detectBounce(m *Message, c *collector) *Bounce {
	if c.reportType == "delivery-status" || c.dsn != "" {
		b := parseDSN(c.dsn)
		switch {
		case c.reportMessage != nil && c.reportMessage.MessageID != "":
			b.OriginalMessageID = c.reportMessage.MessageID
		case c.reportHeaders != "":
			h, _, _ := splitHeader([]byte(c.reportHeaders))
			b.OriginalMessageID = messageID(h.get("Message-Id"))
		}
		if b.OriginalMessageID == "" {
			b.OriginalMessageID = quotedMessageID(m.Text)
		}
		return b
	}
	if !isDaemon(m.From.Email) && !(m.HasReturnPath && m.ReturnPath == "" && bounceSubjectRe.MatchString(m.Subject)) {
		return nil
	}
	if !strings.EqualFold(localPart(m.From.Email), "mailer-daemon") && !bounceSubjectRe.MatchString(m.Subject) {
		return nil
	}
	b := &Bounce{Permanent: !delaySubjectRe.MatchString(m.Subject)}
	if len(m.Forwarded) > 0 {
		b.OriginalMessageID = m.Forwarded[0].MessageID
	}
	if b.OriginalMessageID == "" {
		b.OriginalMessageID = quotedMessageID(m.Text)
	}
	if s := statusRe.FindStringSubmatch(m.Text); s != nil {
		b.Status = s[1]
		b.Permanent = strings.HasPrefix(s[1], "5")
	}
	for _, r := range failedRcptRe.FindAllStringSubmatch(m.Text, 20) {
		b.Recipients = appendUnique(b.Recipients, strings.ToLower(r[1]))
	}
	for _, v := range m.Header["X-Failed-Recipients"] {
		for _, a := range strings.Split(v, ",") {
			if a = cleanToken(a); a != "" {
				b.Recipients = appendUnique(b.Recipients, strings.ToLower(a))
			}
		}
	}
	return b
}

// quotedMessageID finds a Message-ID header line quoted in a bounce's text.
func quotedMessageID(text string) string {
	if s := quotedIDRe.FindStringSubmatch(text); s != nil {
		return cleanToken(s[1])
	}
	return ""
}

// parseDSN reads a message/delivery-status body (RFC 3464): per-recipient blocks with
// Final-Recipient, Action, Status and Diagnostic-Code.
func parseDSN(text string) *Bounce {
	b := &Bounce{}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var firstStatus, firstDiag string
	for _, block := range strings.Split(text, "\n\n") {
		h, _, _ := splitHeader([]byte(block + "\n\n"))
		rcpt := h.get("Final-Recipient")
		if rcpt == "" {
			rcpt = h.get("Original-Recipient")
		}
		if rcpt == "" {
			continue
		}
		if _, addr, ok := strings.Cut(rcpt, ";"); ok {
			rcpt = addr
		}
		rcpt = strings.ToLower(strings.Trim(cleanToken(rcpt), "<>"))
		action := strings.ToLower(cleanToken(h.get("Action")))
		status := firstToken(h.get("Status"))
		diag := cleanLine(h.get("Diagnostic-Code"))
		if _, d, ok := strings.Cut(diag, ";"); ok {
			diag = strings.TrimSpace(d)
		}
		if firstStatus == "" {
			firstStatus, firstDiag = status, diag
		}
		if action == "failed" || strings.HasPrefix(status, "5") {
			b.Recipients = appendUnique(b.Recipients, rcpt)
			if !b.Permanent {
				b.Status, b.Diagnostic, b.Permanent = status, diag, true
			}
		}
	}
	if b.Status == "" {
		b.Status, b.Diagnostic = firstStatus, firstDiag
	}
	b.Diagnostic = truncateUTF8(b.Diagnostic, 1000)
	return b
}

func appendUnique(list []string, s string) []string {
	if s == "" {
		return list
	}
	for _, have := range list {
		if have == s {
			return list
		}
	}
	return append(list, s)
}
