package form

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/ledongthuc/pdf"

	"github.com/groeimeesters/klachtd/internal/mailtest/bombs"
)

func TestExtendsTrouble(t *testing.T) {
	objStm := func(n, ext int) string {
		return fmt.Sprintf("%d 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Extends %d 0 R /Length 5 >>\nstream\n9 0 1\nendstream\nendobj\n", n, ext)
	}
	chain := func(n int) string {
		var b strings.Builder
		for i := 1; i < n; i++ {
			b.WriteString(objStm(i, i+1))
		}
		return b.String()
	}
	tests := []struct {
		name, file string
		want       bool
	}{
		{"no object streams", "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", false},
		{"extends another", objStm(2, 3) + "3 0 obj\n<< /Type /ObjStm >>\nendobj\n", false},
		{"extends itself", objStm(2, 2), true},
		{"a cycle of two", objStm(2, 3) + objStm(3, 2), true},
		{"escaped name, comment before the reference", "5 0 obj\n<< /Ext#65nds %x\n 5 0 R >>\nendobj\n", true},
		{"a chain at the limit", chain(maxExtendsChain), false},
		{"a chain too long", chain(maxExtendsChain + 2), true},
		{"redefined by an update into a cycle", objStm(2, 3) + objStm(3, 4) + objStm(3, 2), true},
	}
	for _, tt := range tests {
		if got := extendsTrouble([]byte(tt.file)); got != tt.want {
			t.Errorf("%s: extendsTrouble = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestBigInteger(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"2 beginbfchar <0041> <0041> <0042> <0042> endbfchar", false},
		{"10000 beginbfrange", false},
		{"10001 beginbfrange", true},
		{"1000000000000000000000000 begincodespacerange", true},
		{"<10000000000000> (1000000000 \\) 99999999) % 99999999\n/F99999999 1 begincmap", false},
		{"/x 99999999 def x beginbfchar", true},
	}
	for _, tt := range tests {
		if got := bigInteger([]byte(tt.text), maxCMapCount); got != tt.want {
			t.Errorf("bigInteger(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestPrevTrouble(t *testing.T) {
	// section writes a cross-reference table at the end of b whose trailer names prev (-1: none).
	section := func(b *strings.Builder, prev int) int {
		off := b.Len()
		b.WriteString("xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1")
		if prev >= 0 {
			fmt.Fprintf(b, " /Prev %d", prev)
		}
		fmt.Fprintf(b, " >>\nstartxref\n%d\n%%%%EOF\n", off)
		return off
	}
	var update, self, two strings.Builder
	update.WriteString("%PDF-1.4\n1 0 obj\n<< /Type /Outlines /Prev 1 0 R >>\nendobj\n")
	section(&update, section(&update, -1))
	self.WriteString("%PDF-1.4\n")
	section(&self, self.Len())
	two.WriteString("%PDF-1.4\n")
	// The first section names the second (written after it: 120 bytes on), which names the first.
	first := two.Len()
	fmt.Fprintf(&two, "xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1 /Prev %010d >>\nstartxref\n%d\n%%%%EOF\n", first+90, first)
	for two.Len() < first+90 {
		two.WriteByte('\n')
	}
	section(&two, first)
	var long strings.Builder
	long.WriteString("%PDF-1.4\n")
	prev := -1
	for range maxXrefSections + 1 {
		prev = section(&long, prev)
	}
	tests := []struct {
		name, file string
		want       bool
	}{
		{"one incremental update, an outline item's /Prev", update.String(), false},
		{"a chain of sections too long", long.String(), true},
		{"its own /Prev", self.String(), true},
		{"two sections naming each other", two.String(), true},
	}
	for _, tt := range tests {
		if got := prevTrouble([]byte(tt.file)); got != tt.want {
			t.Errorf("%s: prevTrouble = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestCMapSize: a ToUnicode CMap is handed to the library only when it is small enough
// inflated and announces no block larger than maxCMapCount; its size (when it is) is what it
// inflates to.
func TestCMapSize(t *testing.T) {
	small := "2 beginbfchar <0041> <0041> <0042> <0042> endbfchar"
	for _, tt := range []struct {
		name, cmap string
		size       int64
		ok         bool
	}{
		{"ordinary", small, int64(len(small)), true},
		{"a block announcing too many entries", "99999999 beginbfchar <0041> <0041> endbfchar", 0, false},
		{"larger than maxPDFCMap", strings.Repeat(" ", maxPDFCMap+1), 0, false},
		{"exactly maxPDFCMap", small + strings.Repeat(" ", maxPDFCMap-len(small)), maxPDFCMap, true},
	} {
		doc := bombs.PDF([]string{"<< /Type /Catalog /Pages 2 0 R /CMap 3 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>",
			fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(tt.cmap), tt.cmap)})
		r, err := pdf.NewReader(bytes.NewReader(doc), int64(len(doc)))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if size, ok := cmapSize(r.Trailer().Key("Root").Key("CMap")); ok != tt.ok || ok && size != tt.size {
			t.Errorf("%s: cmapSize = %d, %v; want %d, %v", tt.name, size, ok, tt.size, tt.ok)
		}
		if size, ok := cmapSize(r.Trailer().Key("Root").Key("None")); size != 0 || !ok {
			t.Errorf("no CMap: cmapSize = %d, %v; want 0, true", size, ok)
		}
	}
}
