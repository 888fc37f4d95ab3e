package cli

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/emersion/go-message/mail"
)

// complaintEML is a complaint as a mail client sends it: text and HTML, and an attachment.
const complaintEML = "From: Jan de Vries <jan@example.nl>\r\nTo: info@intervisie-begeleiding.nl\r\n" +
	"Subject: Klacht over de training\r\nDate: Tue, 01 Dec 2026 10:00:00 +0100\r\nMessage-ID: <export-1@example.nl>\r\n" +
	"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n" +
	"--b1\r\nContent-Type: multipart/alternative; boundary=\"b2\"\r\n\r\n" +
	"--b2\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nIk heb een klacht: de training begon een uur te laat.\r\n" +
	"--b2\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Ik heb een <b>klacht</b>: de training begon een uur te laat.</p>\r\n" +
	"--b2--\r\n" +
	"--b1\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=\"foto.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n" +
	"--b1--\r\n"

// TestExportHoldsEverything: export --out writes every mail as the whole .eml (the complaint
// byte for byte, with its HTML part and attachment; each outgoing mail as it was sent, with
// its text and HTML parts), the case as JSON, and an index that names every file; all 0600
// in a folder of 0700.
func TestExportHoldsEverything(t *testing.T) {
	cfg := writeConfig(t, "")
	eml := filepath.Join(t.TempDir(), "klacht.eml")
	if err := os.WriteFile(eml, []byte(complaintEML), 0o600); err != nil {
		t.Fatal(err)
	}
	id := newCase(t, cfg, "--eml", eml)
	show := decodeJSON[fullCaseJSON](t, mustRun(t, 0, "show", id, "--json", "--config", cfg).stdout)
	dir := filepath.Join(t.TempDir(), "inzage")
	mustRun(t, 0, "export", id, "--out", dir, "--config", cfg)

	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("export folder: %v, mode %v, want 0700", err, fi.Mode().Perm())
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	index, err := os.ReadFile(filepath.Join(dir, "index.txt"))
	if err != nil {
		t.Fatalf("no index: %v", err)
	}
	var emls []string
	for _, e := range entries {
		fi, _ := e.Info()
		if fi.Mode().Perm() != 0o600 || !fi.Mode().IsRegular() {
			t.Errorf("%s: mode %v, want a file of 0600", e.Name(), fi.Mode())
		}
		if e.Name() != "index.txt" && !strings.Contains(string(index), e.Name()) {
			t.Errorf("index.txt does not name %s:\n%s", e.Name(), index)
		}
		if strings.HasSuffix(e.Name(), ".eml") {
			emls = append(emls, e.Name())
		}
	}
	if len(emls) != len(show.Messages) || len(emls) < 3 {
		t.Fatalf("export holds %d mails %v, the case %d", len(emls), emls, len(show.Messages))
	}
	for _, want := range []string{"alles wat over klacht " + id + " is bewaard", "Klachtformulier", "Bestanden en correspondentie",
		"ontvangstbevestiging, in de wachtrij", "Een .eml-bestand is een e-mail"} {
		if !strings.Contains(string(index), want) {
			t.Errorf("index.txt lacks %q:\n%s", want, index)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, id+".json")); err != nil {
		t.Errorf("no %s.json: %v", id, err)
	}
	for i, name := range emls {
		raw, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		m := show.Messages[i]
		if m.Direction == "in" {
			if !bytes.Equal(raw, []byte(complaintEML)) {
				t.Errorf("%s is not the complaint as received:\n%s", name, raw)
			}
			continue
		}
		r, err := mail.CreateReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := r.Header.Get("Message-Id"); got != "<"+m.MessageID+">" {
			t.Errorf("%s: Message-ID %q, want <%s>", name, got, m.MessageID)
		}
		if subj, _ := r.Header.Subject(); subj != m.Subject {
			t.Errorf("%s: subject %q, want %q", name, subj, m.Subject)
		}
		types := map[string]string{}
		for {
			p, err := r.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			ct, _, _ := p.Header.(*mail.InlineHeader).ContentType()
			body, _ := io.ReadAll(p.Body)
			types[ct] = string(body)
		}
		if !strings.Contains(types["text/plain"], id) || !strings.Contains(types["text/html"], "<html") {
			t.Errorf("%s: want a text part naming %s and an HTML part, got %v", name, id, types)
		}
	}
}

// TestExportRefusesPlantedLinks: a folder holding a symbolic link (planted to overwrite what it
// points at), a folder that is itself a symbolic link, and a folder that is not empty are
// refused, and nothing is written anywhere.
func TestExportRefusesPlantedLinks(t *testing.T) {
	cfg := writeConfig(t, "")
	id := newCase(t, cfg, "--name", "Jan", "--email", "jan@example.nl", "--text", "klacht")
	base := t.TempDir()
	target := filepath.Join(base, "target")
	if err := os.WriteFile(target, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	planted := filepath.Join(base, "planted")
	os.Mkdir(planted, 0o700)
	for _, name := range []string{"index.txt", id + ".json", "001-out-bevestiging.eml", "002-out-melding-nieuw.eml"} {
		if err := os.Symlink(target, filepath.Join(planted, name)); err != nil {
			t.Fatal(err)
		}
	}
	realDir := filepath.Join(base, "real")
	os.Mkdir(realDir, 0o700)
	linkDir := filepath.Join(base, "link")
	if err := os.Symlink(realDir, linkDir); err != nil {
		t.Fatal(err)
	}
	full := filepath.Join(base, "full")
	os.Mkdir(full, 0o700)
	os.WriteFile(filepath.Join(full, "notities.txt"), []byte("van iemand anders"), 0o600)

	for _, tt := range []struct{ dir, want string }{
		{planted, "is not empty"}, {linkDir, "is a symbolic link"}, {full, "is not empty"}, {target, "is not a folder"},
	} {
		r := mustRun(t, 1, "export", id, "--out", tt.dir, "--config", cfg)
		if !strings.Contains(r.stderr, tt.want) {
			t.Errorf("export --out %s: stderr %q, want %q", tt.dir, r.stderr, tt.want)
		}
	}
	if b, _ := os.ReadFile(target); string(b) != "keep me" {
		t.Errorf("the link's target was overwritten: %q", b)
	}
	for dir, want := range map[string]int{planted: 4, realDir: 0, full: 1} {
		if entries, _ := os.ReadDir(dir); len(entries) != want {
			t.Errorf("%s holds %d entries after the refused export, want %d", dir, len(entries), want)
		}
	}
	// The same export into an empty folder works.
	empty := filepath.Join(base, "empty")
	os.Mkdir(empty, 0o700)
	mustRun(t, 0, "export", id, "--out", empty, "--config", cfg)
}

// TestWriteExportModesWhateverTheUmask: the export's folder is 0700 and its files 0600 by
// what writeExport asks for, not only because Main sets umask 077 (under which no other mode
// would show).
func TestWriteExportModesWhateverTheUmask(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := filepath.Join(t.TempDir(), "export")
	if err := writeExport(dir, []exportFile{{name: "index.txt", data: []byte("index\n")}, {name: "KL-2026-0001.json", data: []byte("{}\n")}}); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{dir: 0o700, filepath.Join(dir, "index.txt"): 0o600, filepath.Join(dir, "KL-2026-0001.json"): 0o600} {
		fi, err := os.Lstat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", path, fi.Mode().Perm(), want)
		}
	}
}
