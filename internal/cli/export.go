package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/groeimeesters/klachtd/internal/complaint"
	"github.com/groeimeesters/klachtd/internal/config"
	kd "github.com/groeimeesters/klachtd/internal/daemon"
	"github.com/groeimeesters/klachtd/internal/outbox"
	"github.com/groeimeesters/klachtd/internal/render"
	"github.com/groeimeesters/klachtd/internal/store"
	"github.com/groeimeesters/klachtd/internal/wording"
)

// exportFile is one file of an export: its name, its bytes, and what it is for the index.
type exportFile struct {
	name string
	data []byte
	msg  *store.Message // the mail it holds; nil for the index and the JSON
}

// cmdExport writes everything held on a case, for a subject-access request: every mail as
// the whole .eml that was received or sent (headers, text and HTML, attachments), the case
// with its timeline as JSON, and an index a person can read. Without --out it prints one JSON
// document instead.
func cmdExport(ctx context.Context, e *env) error {
	c, st, v, err := e.loadCase(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	files, err := exportFiles(ctx, st, v, c)
	if err != nil {
		return err
	}
	if e.out == "" {
		return writeJSON(e.stdout, exportJSON(v, files))
	}
	if err := writeExport(e.out, files); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, lang(c.Organisation.Language).say(wording.Exported, v.ID, e.out, len(files)-2, files[1].name, files[0].name))
	return nil
}

// exportFiles makes the files of an export: the index first, then the case as JSON, then the
// mails in order.
func exportFiles(ctx context.Context, st *store.Store, v fullCaseJSON, c *config.Config) ([]exportFile, error) {
	msgs, err := st.Messages(ctx, v.ID, true)
	if err != nil {
		return nil, err
	}
	var mails []exportFile
	for i := range msgs {
		m := &msgs[i]
		ext, data := ".eml", m.Raw
		if m.Direction == "out" {
			row, err := st.OutMail(ctx, m.ID)
			if err != nil {
				return nil, fmt.Errorf("export mail %d of %s: %w", m.ID, v.ID, err)
			}
			if data, err = outbox.Compose(kd.OutboxRow(row, c.Organisation.Location)); err != nil {
				return nil, fmt.Errorf("export mail %d of %s: %w", m.ID, v.ID, err)
			}
		} else if data == nil {
			// Registered by a staff member (klachtd new, a phone call): there is no mail, only
			// the text they wrote down.
			ext, data = ".txt", []byte(m.Text)
		}
		name := fmt.Sprintf("%03d-%s-%s%s", i+1, m.Direction, safeName(m.Kind), ext)
		mails = append(mails, exportFile{name: name, data: data, msg: m})
	}
	var js bytes.Buffer
	if err := writeJSON(&js, v); err != nil {
		return nil, err
	}
	files := []exportFile{{name: "index.txt"}, {name: v.ID + ".json", data: js.Bytes()}}
	files = append(files, mails...)
	files[0].data = exportIndex(v, files, c)
	return files, nil
}

// exportIndex is index.txt: what the export holds, in the organisation's language.
func exportIndex(v fullCaseJSON, files []exportFile, c *config.Config) []byte {
	l, loc := lang(c.Organisation.Language), c.Organisation.Location
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n%s\n\n", l.say(wording.ExportTitle, c.Organisation.Name, v.ID),
		l.say(wording.ExportMade, complaint.FormatDateTime(time.Now(), string(l), loc)))
	_ = printCase(&b, v, l, loc, false)
	fmt.Fprintf(&b, "\n%s\n", l.say(wording.ExportFiles))
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "  %s\t%s\n", files[1].name, l.say(wording.ExportJSON))
	for _, f := range files[2:] {
		m := f.msg
		arrow, who, what := "←", m.From, l.incoming(m.Kind)
		if m.Direction == "out" {
			arrow, who = "→", strings.Join(append(append([]string{}, m.To...), m.Cc...), ", ")
			what = render.Describe(m.Template, string(l)) + ", " + l.mailStatus(m.Status)
		}
		fmt.Fprintf(w, "  %s\t%s\t%s %s\t%s\t%s\n", f.name, complaint.FormatStamp(m.At, loc), arrow, cell(who), cell(firstLine(m.Subject)), what)
	}
	w.Flush()
	b.WriteString("\n" + l.say(wording.ExportEML) + "\n")
	return b.Bytes()
}

// exportJSON is the export as one JSON document: the case and every mail with its raw bytes.
func exportJSON(v fullCaseJSON, files []exportFile) any {
	type withText struct {
		fullCaseJSON
		Correspondence []map[string]any `json:"correspondence"`
	}
	out := withText{fullCaseJSON: v, Correspondence: []map[string]any{}}
	for _, f := range files[2:] {
		m := f.msg
		out.Correspondence = append(out.Correspondence, map[string]any{"at": m.At, "direction": m.Direction,
			"from": m.From, "to": nonNil(m.To), "cc": nonNil(m.Cc), "subject": m.Subject, "kind": m.Kind,
			"text": m.Text, "raw": string(f.data)})
	}
	return out
}

// writeExport writes the files into dir, which it creates, or which must be an empty folder
// (not a symbolic link): nothing of an export overwrites or follows anything that was there.
// Every file is new (O_EXCL, never through a symbolic link) and readable by the user alone.
// When a file cannot be written, what was written is removed again.
func writeExport(dir string, files []exportFile) (err error) {
	created, err := exportDir(dir)
	if err != nil {
		return err
	}
	vetted, err := os.Lstat(dir)
	if err != nil {
		return failf("export into %s: %v", dir, err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return failf("open %s: %v", dir, err)
	}
	defer root.Close()
	// The folder opened must be the one looked at, not a symbolic link put in its place since.
	if opened, err := root.Stat("."); err != nil || !os.SameFile(opened, vetted) || vetted.Mode()&fs.ModeSymlink != 0 {
		return failf("%s changed while the export was being written: give a new folder with --out", dir)
	}
	var written []string
	defer func() {
		if err == nil {
			return
		}
		for _, name := range written {
			_ = root.Remove(name)
		}
		if created {
			_ = os.Remove(dir)
		}
	}()
	for _, f := range files {
		fh, err := root.OpenFile(f.name, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, 0o600)
		if err != nil {
			return failf("write the export: %v (nothing of it is kept)", err)
		}
		written = append(written, f.name)
		_, werr := fh.Write(f.data)
		if cerr := fh.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return failf("write the export: %s: %v (nothing of it is kept)", f.name, werr)
		}
	}
	return nil
}

// exportDir makes sure dir is a folder the export may write into: created now (mode 0700), or
// an existing empty folder that is not a symbolic link. It reports whether it created it.
func exportDir(dir string) (bool, error) {
	fi, err := os.Lstat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.Mkdir(dir, 0o700); err != nil {
			return false, failf("create %s: %v (its parent folder must exist)", dir, err)
		}
		return true, nil
	case err != nil:
		return false, failf("export into %s: %v", dir, err)
	case fi.Mode()&fs.ModeSymlink != 0:
		return false, failf("%s is a symbolic link: export writes only into a folder it creates itself or an empty folder; give a new folder with --out", dir)
	case !fi.IsDir():
		return false, failf("%s is not a folder: give a new folder with --out", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false, failf("export into %s: %v", dir, err)
	}
	if len(entries) > 0 {
		return false, failf("%s is not empty (it holds %q and %d more): export writes only into a new or empty folder, so that nothing in it is overwritten; give a new folder with --out",
			dir, entries[0].Name(), len(entries)-1)
	}
	return false, nil
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '_'
	}, strings.ToLower(s))
}
