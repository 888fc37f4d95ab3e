package form

import (
	"regexp"
	"strings"
)

// This file keeps a mail's own text: quoted history (reply headers, "> " lines, Outlook
// header blocks) and the signature are dropped, while a forwarded message (staff forwarding
// a complaint, a complainant forwarding the form) is kept without its header block.

var (
	replyHeaderRe = regexp.MustCompile(`(?i)^(op|on|am|le|el|il)\s.{4,300}\b(schreef|wrote|schrieb|a écrit|escribió|ha scritto)\b.{0,200}:$`)
	origMsgRe     = regexp.MustCompile(`(?i)^-{2,}\s*(original message|oorspronkelijk bericht|oorspronkelijk e-mailbericht|origineel bericht|ursprüngliche nachricht)\s*-{2,}$`)
	forwardRe     = regexp.MustCompile(`(?i)^(-{2,}\s*(forwarded message|doorgestuurd bericht|doorgestuurde e-mail|forwarded e-?mail)\s*-{2,}|begin (forwarded message|doorgestuurd bericht):?)$`)
	headerLineRe  = regexp.MustCompile(`(?i)^\**(from|van|date|datum|sent|verzonden|verstuurd|subject|onderwerp|to|aan|cc|bcc|reply-to|beantwoorden-aan)\**\s*:`)
	fwdSubjectRe  = regexp.MustCompile(`(?i)^\**(subject|onderwerp)\**\s*:\s*\**\s*(fw|fwd|doorst|wg|tr)\s*:`)
	ruleRe        = regexp.MustCompile(`^\s*[-_=*~]{3,}\s*$`)
	closingRe     = regexp.MustCompile(`(?i)^(met )?(een )?(vriendelijke|hartelijke|beste|warme) groet(en)?\b|^(kind|best|warm|kindest) regards\b|^(yours )?sincerely\b|^(groet|groeten|mvg|regards|cheers|thanks|bedankt|hoogachtend|bvd|alvast bedankt)[,.!]*$|^(verzonden|verstuurd) (vanaf|met|via) (mijn|de)\b|^sent from my\b|^get outlook for\b|^outlook voor (ios|android)`)
)

// mainLines returns the lines that are the mail's own text. With includeQuoted, reply quotes
// are kept too (unquoted): used only when the mail has no text of its own.
func mainLines(text string, includeQuoted bool) []string {
	lines := splitText(text)
	var out []string
	forward := includeQuoted // inside a forwarded message: "> " lines are content
	skipping := false        // after a signature: skip until a forwarded message starts
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, ">") {
			if !forward {
				continue
			}
			line = unquote(line)
			t = strings.TrimSpace(line)
		}
		if forwardRe.MatchString(t) {
			forward, skipping = true, false
			i = skipHeaderBlock(lines, i+1) - 1
			continue
		}
		if n, isFwd := outlookBlock(lines, i); n > 0 {
			if !isFwd && !includeQuoted {
				break
			}
			forward, skipping = true, false
			i += n - 1
			continue
		}
		if replyHeader(lines, i) || origMsgRe.MatchString(t) {
			if !includeQuoted {
				break
			}
			forward = true
			continue
		}
		if t == "--" || isClosing(t) {
			skipping = true
			continue
		}
		if skipping || ruleRe.MatchString(t) {
			continue
		}
		out = append(out, line)
	}
	return out
}

func unquote(line string) string {
	t := strings.TrimLeft(line, " \t")
	for strings.HasPrefix(t, ">") {
		t = strings.TrimPrefix(t, ">")
		t = strings.TrimPrefix(t, " ")
	}
	return t
}

func isClosing(t string) bool {
	return len(t) < 60 && closingRe.MatchString(strings.TrimLeft(t, "*_ "))
}

// replyHeader recognises "Op … schreef …:" / "On … wrote:", also broken over up to 3 lines.
func replyHeader(lines []string, i int) bool {
	first := strings.TrimSpace(unquoteIfQuoted(lines[i]))
	if len(first) < 3 || len(first) > 300 {
		return false
	}
	l := strings.ToLower(first)
	if !strings.HasPrefix(l, "op ") && !strings.HasPrefix(l, "on ") && !strings.HasPrefix(l, "am ") &&
		!strings.HasPrefix(l, "le ") && !strings.HasPrefix(l, "el ") && !strings.HasPrefix(l, "il ") {
		return false
	}
	joined := first
	for k := 0; k < 3 && i+k < len(lines); k++ {
		if k > 0 {
			joined += " " + strings.TrimSpace(unquoteIfQuoted(lines[i+k]))
		}
		if replyHeaderRe.MatchString(joined) {
			return true
		}
	}
	return false
}

func unquoteIfQuoted(l string) string {
	if strings.HasPrefix(strings.TrimSpace(l), ">") {
		return unquote(l)
	}
	return l
}

// outlookBlock recognises an Outlook-style header block ("Van:", "Verzonden:", "Aan:",
// "Onderwerp:") starting at line i. It returns the number of lines it spans (0 when there is
// none) and whether its subject marks a forward.
func outlookBlock(lines []string, i int) (int, bool) {
	first := strings.TrimLeft(strings.TrimSpace(lines[i]), "*")
	l := strings.ToLower(first[:min(len(first), len("from**:")+1)]) // the prefixes below, not the whole line
	if !strings.HasPrefix(l, "van:") && !strings.HasPrefix(l, "from:") &&
		!strings.HasPrefix(l, "van**:") && !strings.HasPrefix(l, "from**:") {
		return 0, false
	}
	headers, fwd, dated, addressed := 1, false, false, false
	j := i + 1
	for ; j < len(lines) && j < i+10; j++ {
		t := strings.TrimSpace(lines[j])
		if !headerLineRe.MatchString(t) {
			break
		}
		headers++
		h := strings.ToLower(strings.TrimLeft(t, "*"))
		switch {
		case strings.HasPrefix(h, "sent") || strings.HasPrefix(h, "verzonden") ||
			strings.HasPrefix(h, "date") || strings.HasPrefix(h, "datum") || strings.HasPrefix(h, "verstuurd"):
			dated = true
		case strings.HasPrefix(h, "to") || strings.HasPrefix(h, "aan") ||
			strings.HasPrefix(h, "subject") || strings.HasPrefix(h, "onderwerp"):
			addressed = true
		}
		if fwdSubjectRe.MatchString(t) {
			fwd = true
		}
	}
	if headers < 3 || !dated || !addressed {
		return 0, false
	}
	return j - i, fwd
}

// skipHeaderBlock returns the index of the first line after the header lines of a forwarded
// message that start at or after i (blank lines before them are skipped too).
func skipHeaderBlock(lines []string, i int) int {
	for i < len(lines) && strings.TrimSpace(unquoteIfQuoted(lines[i])) == "" {
		i++
	}
	for i < len(lines) && headerLineRe.MatchString(strings.TrimSpace(unquoteIfQuoted(lines[i]))) {
		i++
	}
	return i
}
