package bombs

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"hash/adler32"
	"io"
	"testing"
)

func TestFlateRun(t *testing.T) {
	for _, mib := range []int{1, 2, 5} {
		z := flateRun('a', mib)
		r, err := zlib.NewReader(bytes.NewReader(z))
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(io.Discard, r)
		if err != nil {
			t.Errorf("%d MiB: inflate: %v", mib, err)
		}
		if n != int64(mib)<<20 {
			t.Errorf("%d MiB: inflates to %d bytes", mib, n)
		}
	}
	if got, want := len(FlatePDF(600)), 640<<10; got > want {
		t.Errorf("FlatePDF(600) is %d bytes, want at most %d", got, want)
	}
}

func TestAdlerRun(t *testing.T) {
	for _, n := range []int{0, 1, 2, 5552, 5553, 65521, 65522, 1 << 20, 3<<20 + 7} {
		want := adler32.Checksum(bytes.Repeat([]byte{'a'}, n))
		if got := adlerRun('a', uint64(n)); got != want {
			t.Errorf("adlerRun(a, %d) = %08x, want %08x", n, got, want)
		}
	}
}

func TestPartsDocx(t *testing.T) {
	d := PartsDocx(3, 1<<20)
	zr, err := zip.NewReader(bytes.NewReader(d), int64(len(d)))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != 4 {
		t.Fatalf("%d parts, want 4", len(zr.File))
	}
	for _, f := range zr.File[1:] {
		if f.UncompressedSize64 != 1<<20 {
			t.Errorf("%s: %d bytes, want %d", f.Name, f.UncompressedSize64, 1<<20)
		}
	}
}
