package daemon

import (
	"strings"
	"testing"
)

func TestFormDocument(t *testing.T) {
	tests := []struct {
		name, filename, contentType string
		size                        int
		head                        string
		want                        bool
	}{
		{name: "pdf by name", filename: "klachtformulier.pdf", contentType: "application/octet-stream", size: 40 << 10, want: true},
		{name: "docx by type", filename: "formulier", contentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", size: 30 << 10, want: true},
		{name: "pdf by magic", filename: "scan.bin", contentType: "application/octet-stream", size: 1000, head: "%PDF-1.7\n", want: true},
		{name: "pdf at the limit", filename: "form.PDF", contentType: "application/pdf", size: maxFormDocument, want: true},
		{name: "pdf over the limit", filename: "form.pdf", contentType: "application/pdf", size: maxFormDocument + 1},
		{name: "25 MB pdf", filename: "opname.pdf", contentType: "application/pdf", size: 25 << 20, head: "%PDF-1.4"},
		{name: "video", filename: "opname.mp4", contentType: "video/mp4", size: 1000},
		{name: "old .doc", filename: "klacht.doc", contentType: "application/msword", size: 1000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := formDocument(tt.filename, tt.contentType, tt.size, []byte(tt.head)); got != tt.want {
				t.Errorf("formDocument(%q, %q, %d, %q) = %v, want %v", tt.filename, tt.contentType, tt.size,
					strings.TrimSpace(tt.head), got, tt.want)
			}
		})
	}
}
