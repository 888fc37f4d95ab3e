package form

import (
	"bytes"
	"fmt"
	"path"
	"strings"
)

// Document kinds Extract reads.
const (
	KindDocx = "docx"
	KindPDF  = "pdf"
)

// DocumentKind tells whether an attachment is a document Extract reads, by its name, its
// content type or (for a PDF) the start of its data: KindDocx, KindPDF or "".
func DocumentKind(filename, contentType string, head []byte) string {
	ext := strings.ToLower(path.Ext(filename))
	ct := strings.ToLower(contentType)
	switch {
	case ext == ".docx" || strings.Contains(ct, "wordprocessingml"):
		return KindDocx
	case ext == ".pdf" || strings.Contains(ct, "application/pdf") || bytes.HasPrefix(head, []byte("%PDF-")):
		return KindPDF
	}
	return ""
}

// ReadDocument returns the text of a document of the given kind (see DocxText and PDFText).
// It runs the document readers in the calling process: klachtd calls it only in the short-lived
// process that reads one document (internal/docreader), never in the daemon.
func ReadDocument(kind string, data []byte) (string, error) {
	switch kind {
	case KindDocx:
		return DocxText(data)
	case KindPDF:
		return PDFText(data)
	}
	return "", fmt.Errorf("read document: unknown kind %q", kind)
}
