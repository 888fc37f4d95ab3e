package form

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Limits for attachments: a filled-in form is far smaller.
const (
	maxDocument    = 20 << 20 // compressed .docx or .pdf
	maxDocumentXML = 10 << 20 // uncompressed word/document.xml
	maxZipEntries  = 10000
)

// ErrTooLarge is returned for documents beyond the size limits.
var ErrTooLarge = errors.New("document too large")

// DocxText returns the text of a .docx document, one paragraph per line and one table cell per
// line, including what was typed in content controls and legacy form fields. Placeholder text
// of empty content controls is left out; a ticked legacy checkbox reads "[x] ", an empty one
// "[ ] ", and a drop-down its chosen entry.
func DocxText(data []byte) (string, error) {
	if len(data) > maxDocument {
		return "", fmt.Errorf("read docx: %w", ErrTooLarge)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", fmt.Errorf("read docx: %w", err)
	}
	if len(zr.File) > maxZipEntries {
		return "", fmt.Errorf("read docx: %d entries: %w", len(zr.File), ErrTooLarge)
	}
	for _, f := range zr.File {
		if f.Name != "word/document.xml" {
			continue
		}
		if f.UncompressedSize64 > maxDocumentXML {
			return "", fmt.Errorf("read docx document.xml: %w", ErrTooLarge)
		}
		rc, err := f.Open()
		if err != nil {
			return "", fmt.Errorf("open docx document.xml: %w", err)
		}
		defer rc.Close()
		// Streamed, not read whole: the declared size may lie, and the text is cut at maxText.
		return wordText(&capReader{r: rc, left: maxDocumentXML})
	}
	return "", errors.New("read docx: no word/document.xml")
}

// docxState tracks where in WordprocessingML the decoder is.
type docxState struct {
	out      strings.Builder
	inText   bool // inside w:t
	run      int  // depth of w:r
	skip     int  // depth inside content to leave out (placeholders, fallbacks, deleted text)
	sdtDepth int  // open w:sdt elements
	plcDepth int  // the w:sdt depth whose placeholder is showing, 0 for none
	inSdtPr  int
	box      *boxState
	dd       *dropDown
}

type boxState struct{ def, checked, hasChecked bool }

type dropDown struct {
	entries []string
	result  int
}

// capReader fails with ErrTooLarge once more than left bytes are read.
type capReader struct {
	r    io.Reader
	left int
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.left < 0 {
		return 0, ErrTooLarge
	}
	n, err := c.r.Read(p[:min(len(p), c.left+1)])
	if c.left -= n; c.left < 0 {
		return n, ErrTooLarge
	}
	return n, err
}

// wordText walks the XML of word/document.xml; the text ends at maxText.
func wordText(r io.Reader) (string, error) {
	d := xml.NewDecoder(r)
	d.Strict = false
	var s docxState
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			if s.out.Len() > 0 && !errors.Is(err, ErrTooLarge) {
				break // keep what could be read
			}
			return "", fmt.Errorf("parse docx xml: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			s.start(t)
		case xml.EndElement:
			s.end(t)
		case xml.CharData:
			if s.inText && s.skip == 0 && !s.placeholder() {
				s.out.Write(t[:min(len(t), max(0, maxText-s.out.Len()))])
			}
		}
		if s.out.Len() >= maxText {
			break
		}
	}
	return tidyLines(s.out.String()), nil
}

func (s *docxState) placeholder() bool {
	return s.plcDepth > 0
}

func attr(t xml.StartElement, local string) (string, bool) {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// on reads a WordprocessingML boolean property: present without val, or val 1/true/on.
func on(t xml.StartElement) bool {
	v, ok := attr(t, "val")
	return !ok || v == "1" || v == "true" || v == "on"
}

func (s *docxState) start(t xml.StartElement) {
	if s.skip > 0 {
		s.skip++
		return
	}
	switch t.Name.Local {
	case "Fallback", "delText", "instrText":
		s.skip = 1
	case "sdt":
		s.sdtDepth++
	case "sdtPr":
		s.inSdtPr++
	case "showingPlcHdr":
		if s.inSdtPr > 0 && s.plcDepth == 0 && on(t) {
			s.plcDepth = s.sdtDepth
		}
	case "t":
		s.inText = s.run > 0
	case "r":
		s.run++
	case "tab":
		if s.run > 0 && !s.placeholder() {
			s.out.WriteByte('\t')
		}
	case "br", "cr":
		if s.run > 0 && !s.placeholder() {
			s.out.WriteByte('\n')
		}
	case "sym":
		if s.run > 0 {
			c, _ := attr(t, "char")
			s.out.WriteString(symbolBox(c))
		}
	case "checkBox":
		if s.inSdtPr == 0 {
			s.box = &boxState{}
		}
	case "default":
		if s.box != nil {
			v, _ := attr(t, "val")
			s.box.def = v == "1" || v == "true"
		}
	case "checked":
		if s.box != nil {
			s.box.checked, s.box.hasChecked = on(t), true
		}
	case "ddList":
		s.dd = &dropDown{}
	case "listEntry":
		if s.dd != nil && len(s.dd.entries) < 1000 {
			v, _ := attr(t, "val")
			s.dd.entries = append(s.dd.entries, v)
		}
	case "result":
		if s.dd != nil {
			v, _ := attr(t, "val")
			s.dd.result, _ = strconv.Atoi(v)
		}
	}
}

func (s *docxState) end(t xml.EndElement) {
	if s.skip > 0 {
		s.skip--
		return
	}
	switch t.Name.Local {
	case "t":
		s.inText = false
	case "r":
		if s.run > 0 {
			s.run--
		}
	case "p", "tc":
		s.out.WriteByte('\n')
	case "sdt":
		if s.sdtDepth > 0 {
			if s.sdtDepth == s.plcDepth {
				s.plcDepth = 0
			}
			s.sdtDepth--
		}
	case "sdtPr":
		if s.inSdtPr > 0 {
			s.inSdtPr--
		}
	case "checkBox":
		if s.box != nil {
			ticked := s.box.def
			if s.box.hasChecked {
				ticked = s.box.checked
			}
			if ticked {
				s.out.WriteString("[x] ")
			} else {
				s.out.WriteString("[ ] ")
			}
			s.box = nil
		}
	case "ddList":
		if s.dd != nil {
			if s.dd.result >= 0 && s.dd.result < len(s.dd.entries) {
				s.out.WriteString(s.dd.entries[s.dd.result])
			}
			s.dd = nil
		}
	}
}

// symbolBox renders a Wingdings checkbox symbol.
func symbolBox(c string) string {
	switch strings.ToUpper(c) {
	case "F0FE", "F0FD", "F078", "F0FB", "F0FC", "00FE", "00FD":
		return "[x] "
	case "F06F", "F0A8", "F071", "F072", "006F", "00A8":
		return "[ ] "
	}
	return ""
}

// tidyLines trims trailing spaces and drops runs of more than one blank line.
func tidyLines(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := 0
	for _, l := range lines {
		l = strings.TrimRight(l, " \t\u00a0")
		if l == "" {
			blank++
			if blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}
