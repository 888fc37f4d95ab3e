// Package reply owns one question: which part of a mail's plain text did the sender write
// themselves? It removes quoted history ("> " lines), the quote headers that Dutch and English
// mail clients put above it (Outlook, Gmail, Apple Mail, Thunderbird, webmail, forwards) and
// signatures (the "-- " delimiter and mobile lines such as "Verstuurd vanaf mijn iPhone").
//
// The package is pure: text in, text out, no I/O and no state. HTML is converted to text by the
// caller. It must never panic on hostile input, and its output is never longer than its input.
//
// Decisions, so that callers know what they get:
//   - Top-posting: everything from the first quote header, forward separator, "-- " delimiter or
//     mobile signature down is dropped.
//   - Bottom-posting and inline replies: "> " lines and the attribution line directly above them
//     ("Op … schreef …:", "On … wrote:") are dropped; the sender's own lines between and after
//     them are kept.
//   - A closing such as "Met vriendelijke groet," with the name and function lines below it is
//     kept: it is the sender's own text and dropping it safely would need guessing. Anything after
//     a "-- " (or bare "--") delimiter line is dropped.
//   - Lines are right-trimmed, CRLF becomes LF, blank runs left behind by removed quotes are
//     collapsed to one, and the result is trimmed.
package reply

import "strings"

// Strip returns the text the sender wrote: quoted history, client quote headers and signature
// removed; trimmed.
func Strip(text string) string { return strip(text, true) }

// strip is Strip; whole false makes it join the lines it keeps even when it keeps them all
// (for the test that holds the shortcut to the long way).
func strip(text string, whole bool) string {
	lines, same := splitLines(text)
	n := len(lines)
	quoted := make([]bool, n)
	blank := make([]bool, n)
	field := make([]byte, n)
	for i, l := range lines {
		quoted[i] = isQuoted(l)
		blank[i] = strings.TrimSpace(l) == ""
		if !quoted[i] && !blank[i] {
			field[i] = fieldOf(l)
		}
	}
	p := page{lines: lines, quoted: quoted, blank: blank, field: field}

	// Attribution lines that start like a client's quote header ("On …", "Op …"), spanning up
	// to three lines when the client wrapped them.
	span := make([]int, n) // span[i] > 0: an attribution of span[i] lines starts at i
	for i := 0; i < n; i++ {
		if quoted[i] || blank[i] {
			continue
		}
		if k := p.attributionAt(i); k > 0 {
			span[i] = k
			i += k - 1
		}
	}
	inSpan := make([]bool, n)
	for i, k := range span {
		for j := i; j < i+k; j++ {
			inSpan[j] = true
		}
	}

	drop := make([]bool, n)
	p.dropHeadersAboveQuotes(inSpan, drop)

	cut := n
	for i := 0; i < n; i++ {
		if quoted[i] || blank[i] || drop[i] {
			continue
		}
		if k := span[i]; k > 0 {
			if next := p.nextNonBlank(i + k); next < n && quoted[next] {
				for j := i; j < i+k; j++ {
					drop[j] = true
				}
				i += k - 1
				continue
			}
			cut = i
			break
		}
		if p.startsTail(i) {
			cut = i
			break
		}
	}
	if !whole || !same || cut < n {
		text = "" // the lines kept, if all of them, are not text as it stands
	}
	return assemble(lines[:cut], quoted, drop, text)
}

// page is the text being stripped, one entry per line.
type page struct {
	lines  []string
	quoted []bool
	blank  []bool
	field  []byte // header field kind of each line, for Outlook-style blocks
}

// nextNonBlank returns the index of the first non-blank line at or after i, or len(lines).
func (p page) nextNonBlank(i int) int {
	for i < len(p.lines) && p.blank[i] {
		i++
	}
	return i
}

// dropHeadersAboveQuotes marks the attribution directly above each block of quoted lines that
// the forward scan did not recognise (for instance a wrapped header without "On"/"Op" in front,
// or "Jan wrote:").
func (p page) dropHeadersAboveQuotes(inSpan, drop []bool) {
	for q := range p.lines {
		if !p.quoted[q] {
			continue
		}
		last := q - 1
		for last >= 0 && p.blank[last] {
			last--
		}
		if last < 0 || p.quoted[last] || inSpan[last] {
			continue
		}
		for k := 0; k < maxHeaderLines; k++ {
			first := last - k
			if first < 0 || p.quoted[first] || p.blank[first] || inSpan[first] {
				break
			}
			if isHeaderAboveQuote(joinLines(p.lines[first:last+1]), k) {
				for j := first; j <= last; j++ {
					drop[j] = true
				}
				break
			}
		}
	}
}

// assemble joins the kept lines. A blank line is skipped when the previous kept line was blank
// and lines were dropped between them, so that removing a quote leaves no gap of two blanks while
// the sender's own blank lines stay as written. Trailing blank and rule lines go. whole, when
// not "", is the lines joined as they are: when every line is kept, the result is whole
// trimmed, with no copy (most mail is not a reply, and keeps all of its lines).
func assemble(lines []string, quoted, drop []bool, whole string) string {
	out := make([]string, 0, len(lines))
	droppedSince := false
	for i, l := range lines {
		if quoted[i] || drop[i] {
			droppedSince = true
			continue
		}
		isBlank := strings.TrimSpace(l) == ""
		if isBlank && droppedSince && len(out) > 0 && strings.TrimSpace(out[len(out)-1]) == "" {
			continue
		}
		droppedSince = false
		out = append(out, l)
	}
	// out is lines when it is as long: a subsequence of them. Blank lines at the end go in
	// the trimming too.
	all := len(out) == len(lines)
	for len(out) > 0 && isRuleOrBlank(out[len(out)-1]) {
		all = all && strings.TrimSpace(out[len(out)-1]) == ""
		out = out[:len(out)-1]
	}
	if whole != "" && all {
		return strings.TrimSpace(whole)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// splitLines normalises line ends (CRLF, lone CR) and right-trims every line; same reports
// that the lines joined by newlines are text as it was (nothing normalised or trimmed).
func splitLines(text string) (lines []string, same bool) {
	same = !strings.Contains(text, "\r")
	if !same {
		text = strings.ReplaceAll(text, "\r\n", "\n")
		text = strings.ReplaceAll(text, "\r", "\n")
	}
	lines = strings.Split(text, "\n")
	for i, l := range lines {
		if t := strings.TrimRight(l, " \t\u00a0"); len(t) < len(l) {
			lines[i], same = t, false
		}
	}
	return lines, same
}

// joinLines joins wrapped header lines with single spaces.
func joinLines(lines []string) string {
	parts := make([]string, len(lines))
	for i, l := range lines {
		parts[i] = strings.TrimSpace(l)
	}
	return strings.Join(parts, " ")
}

// isQuoted reports a line of quoted history ("> text", ">> text", " > text").
func isQuoted(l string) bool {
	return strings.HasPrefix(strings.TrimLeft(l, " \t"), ">")
}

// isRuleOrBlank reports a line that is empty or only a horizontal rule ("-----", "_____").
func isRuleOrBlank(l string) bool {
	return strings.Trim(l, " \t\u00a0-_=*~") == ""
}
