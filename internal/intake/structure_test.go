package intake

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/groeimeesters/klachtd/internal/mailparse"
	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// attachment is a base64 part of n bytes of name (the bytes are the name repeated, so that
// the test can look for them).
func attachment(contentType, name string, n int) string {
	data := bytes.Repeat([]byte(name+"-"), n/(len(name)+1)+1)[:n]
	s := base64.StdEncoding.EncodeToString(data)
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	b.WriteString(s)
	return fmt.Sprintf("Content-Type: %s; name=\"%s\"\r\nContent-Disposition: attachment; filename=\"%s\"\r\n"+
		"Content-Transfer-Encoding: base64\r\n\r\n%s", contentType, name, name, b.String())
}

// mixedMail is a multipart/mixed mail with a text part and the given parts.
func mixedMail(id, subject, text string, parts ...string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: Klager <klager@example.org>\r\nTo: info@example.nl\r\nSubject: %s\r\n"+
		"Message-ID: <%s@example.org>\r\nDate: Thu, 26 Nov 2026 10:00:00 +0100\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: multipart/mixed; boundary=\"grens-%s\"\r\n\r\n", subject, id, id)
	fmt.Fprintf(&b, "--grens-%s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n", id, text)
	for _, p := range parts {
		fmt.Fprintf(&b, "--grens-%s\r\n%s\r\n", id, p)
	}
	fmt.Fprintf(&b, "--grens-%s--\r\n", id)
	return b.Bytes()
}

// TestFetchByStructure: a mail above WholeUpTo reaches the handler as a view that holds its
// text but not its attachment, having cost a few kilobytes on the wire instead of 400; Whole
// gives the message exactly as the server has it; a small mail comes whole; and nothing is
// marked \Seen.
func TestFetchByStructure(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *testServer) {
		proxy, cfg := behindProxy(t, srv)
		cfg.Backfill = time.Now().AddDate(0, 0, -1)
		large := mixedMail("groot", "Vraag", "Ik wil een klacht indienen over de training.", attachment("application/pdf", "offerte.pdf", 300<<10))
		small := message("klein", 3)
		largeUID := srv.append(t, "INBOX", large)
		smallUID := srv.append(t, "INBOX", small)
		var mu sync.Mutex
		got := map[uint32]string{}
		handler := func(ctx context.Context, f *Fetched) (Disposition, error) {
			mu.Lock()
			defer mu.Unlock()
			switch f.UID {
			case largeUID:
				_, down := proxy.Bytes()
				if f.Raw != nil || f.Partial == nil {
					got[f.UID] = fmt.Sprintf("raw %d bytes, partial %d: want a view", len(f.Raw), len(f.Partial))
					return Leave, nil
				}
				m, err := mailparse.Parse(f.Partial)
				if err != nil || m.Text != "Ik wil een klacht indienen over de training." || len(m.Attachments) != 1 || m.Attachments[0].Filename != "offerte.pdf" {
					got[f.UID] = fmt.Sprintf("view reads as %+v, %v", m, err)
					return Leave, nil
				}
				if bytes.Contains(f.Partial, []byte(base64.StdEncoding.EncodeToString([]byte("offerte.pdf-offerte.pdf-"))[:16])) {
					got[f.UID] = "the view holds the attachment"
					return Leave, nil
				}
				if !bytes.Equal(f.Header, headerOf(large)) || f.Size != int64(len(large)) {
					got[f.UID] = fmt.Sprintf("header %q, size %d", f.Header, f.Size)
					return Leave, nil
				}
				if down > 64<<10 {
					got[f.UID] = fmt.Sprintf("%d bytes came from the server before the view was handed over, want under 64 KiB", down)
					return Leave, nil
				}
				whole, err := f.Whole(ctx)
				if err != nil || !bytes.Equal(whole, large) || !bytes.Equal(f.Raw, large) {
					got[f.UID] = fmt.Sprintf("Whole gave %d bytes (%v), want the %d of the message", len(whole), err, len(large))
					return Leave, nil
				}
				got[f.UID] = "ok"
			case smallUID:
				got[f.UID] = "ok"
				if !bytes.Equal(f.Raw, small) || f.Partial != nil || !bytes.Equal(f.Header, headerOf(small)) {
					got[f.UID] = fmt.Sprintf("small mail: raw %q, partial %q, header %q", f.Raw, f.Partial, f.Header)
				}
			}
			return Leave, nil
		}
		cp := newCheckpoints()
		startIntake(t, cfg, cp, handler)
		eventually(t, 10*time.Second, "checkpoint past both", func() bool {
			_, last, _ := cp.get("INBOX")
			return last >= smallUID
		})
		mu.Lock()
		defer mu.Unlock()
		for uid, what := range map[uint32]string{largeUID: "large", smallUID: "small"} {
			if got[uid] != "ok" {
				t.Errorf("%s mail: %s", what, got[uid])
			}
		}
		for _, m := range srv.list(t, "INBOX") {
			if len(m.Flags) != 0 {
				t.Errorf("uid %d has flags %v after the fetch, want none (BODY.PEEK)", m.UID, m.Flags)
			}
		}
	})
}

// viewOf runs an intake over mails (WholeUpTo at its default) and returns what the handler got
// for each, by UID.
func viewOf(t *testing.T, srv *testServer, cfg Config, mails ...[]byte) (map[uint32]*Fetched, []uint32) {
	t.Helper()
	cfg.Backfill = time.Now().AddDate(0, 0, -1)
	var uids []uint32
	for _, m := range mails {
		uids = append(uids, srv.append(t, cfg.Mailbox, m))
	}
	var mu sync.Mutex
	got := map[uint32]*Fetched{}
	cp := newCheckpoints()
	startIntake(t, cfg, cp, func(_ context.Context, f *Fetched) (Disposition, error) {
		mu.Lock()
		defer mu.Unlock()
		if got[f.UID] == nil {
			cp := *f
			got[f.UID] = &cp
		}
		return Leave, nil
	})
	eventually(t, 20*time.Second, "checkpoint past the mail", func() bool {
		_, last, _ := cp.get(cfg.Mailbox)
		return last >= uids[len(uids)-1]
	})
	mu.Lock()
	defer mu.Unlock()
	return got, uids
}

// TestFetchFormDocument: a .docx named as a form is in the view (the form reader needs it), a
// photo beside it is not; in a mail whose subject calls it a form, a PDF is in the view too.
func TestFetchFormDocument(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *testServer) {
		photo := attachment("image/jpeg", "foto.jpg", 200<<10)
		docx := attachment("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "klachtformulier.docx", 20<<10)
		pdf := attachment("application/pdf", "scan-001.pdf", 30<<10)
		got, uids := viewOf(t, srv, testConfig(srv),
			mixedMail("form1", "Zie bijlage", "Zie bijlage.", docx, photo),
			mixedMail("form2", "Ingevuld klachtformulier", "Bijgaand.", pdf, photo),
			mixedMail("form3", "Scan", "Bijgaand.", pdf, photo))
		for i, want := range []struct{ in, out string }{
			{"klachtformulier.docx", "foto.jpg"}, {"scan-001.pdf", "foto.jpg"}, {"", "scan-001.pdf"},
		} {
			f := got[uids[i]]
			if f == nil || f.Partial == nil {
				t.Fatalf("mail %d: %+v, want a view", i+1, f)
			}
			m, err := mailparse.ParseWith(f.Partial, mailparse.Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range m.Attachments {
				switch {
				case a.Filename == want.in && a.Size == 0:
					t.Errorf("mail %d: %s left out of the view, want it fetched for the form reader", i+1, a.Filename)
				case a.Filename == want.out && a.Size != 0:
					t.Errorf("mail %d: %s (%d bytes) in the view, want it left on the server", i+1, a.Filename, a.Size)
				}
			}
		}
	})
}

// TestFetchUntrustedWhole: mails whose structure a view cannot be trusted on come whole, even
// with every mail fetched by structure where it can be: a multipart in which the server found
// no delimiter (its text is the preamble, which a view leaves out), multiparts nested deeper
// than ten levels, more than a hundred parts, a header longer than the structure's fetch of it
// (16 KiB).
func TestFetchUntrustedWhole(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *testServer) {
		undelimited := []byte("From: a@example.org\r\nSubject: x\r\nMessage-ID: <u@example.org>\r\nMIME-Version: 1.0\r\n" +
			"Content-Type: multipart/mixed; boundary=\"nooit-gebruikt\"\r\n\r\n" +
			strings.Repeat("Ik heb een klacht over de training, en niemand antwoordt op mijn mails.\r\n", 4))
		deep := "Content-Type: text/plain\r\n\r\ndiep"
		for i := range 11 {
			deep = fmt.Sprintf("Content-Type: multipart/mixed; boundary=\"diep%d\"\r\n\r\n--diep%d\r\n%s\r\n--diep%d--", i, i, deep, i)
		}
		var many []string
		for range 101 {
			many = append(many, "Content-Type: text/plain\r\n\r\ndeel")
		}
		// A header a little over 16 KiB, its Content-Type before the cut: the cut view would
		// still have its boundary, and its sizes would still add up.
		longHeader := mixedMail("lang", "Lange kop", "tekst", attachment("image/png", "p.png", 40<<10))
		end := bytes.Index(longHeader, []byte("\r\n\r\n")) + 2
		pad := []byte(strings.Repeat("X-Relay: relay.example.org\r\n", (structureHeader+200-end)/28))
		longHeader = append(append(append([]byte(nil), longHeader[:end]...), pad...), longHeader[end:]...)
		mails := [][]byte{undelimited, mixedMail("diep", "Diep", "tekst", deep), mixedMail("veel", "Veel", "tekst", many...), longHeader}
		cfg := testConfig(srv)
		cfg.WholeUpTo = -1 // every mail by structure where it can be: only the rules tested here stop it
		got, uids := viewOf(t, srv, cfg, mails...)
		for i, raw := range mails {
			f := got[uids[i]]
			if f == nil || !bytes.Equal(f.Raw, raw) || f.Partial != nil {
				t.Errorf("mail %d: raw %d bytes, partial %d; want it whole (%d bytes)", i+1, len(f.Raw), len(f.Partial), len(raw))
			}
		}
	})
}

// TestStructureFailureFetchesWhole: when the connection dies while the structures of a batch
// are fetched (a server or a client that cannot describe a message), the intake reconnects and
// fetches those messages whole, once each: a structure that cannot be read never stalls it.
func TestStructureFailureFetchesWhole(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *testServer) {
		proxy, cfg := behindProxy(t, srv)
		proxy.CutOn("BODYSTRUCTURE")
		large := mixedMail("kapot", "Vraag", "tekst", attachment("application/pdf", "x.pdf", 200<<10))
		rec := &recorder{}
		cfg.Backfill = time.Now().AddDate(0, 0, -1)
		uid := srv.append(t, "INBOX", large)
		cp := newCheckpoints()
		in := startIntake(t, cfg, cp, rec.handle)
		eventually(t, 20*time.Second, "checkpoint past the mail", func() bool {
			_, last, _ := cp.get("INBOX")
			return last >= uid
		})
		all := rec.all()
		if len(all) != 1 || !bytes.Equal(all[0].Raw, large) || all[0].Partial != nil {
			t.Fatalf("handler got %d hand-overs (first: %d raw bytes); want one, whole", len(all), len(all[0].Raw))
		}
		if proxy.Cuts() != 1 || in.Stats().Reconnects < 1 {
			t.Errorf("cuts %d, reconnects %d: the fault did not happen", proxy.Cuts(), in.Stats().Reconnects)
		}
	})
}

// TestFetchAheadKeepsOrder: a backlog of more than two batches, large and small mail mixed,
// fetched ahead of the handler, reaches it in UID order, each message once; a handler failure
// in the second batch hands that message over again after the backoff and the checkpoint
// ends past them all.
func TestFetchAheadKeepsOrder(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *testServer) {
		const n = 1100
		raws := make([][]byte, n)
		for i := range raws {
			if i%97 == 0 {
				raws[i] = mixedMail(fmt.Sprintf("a%d", i), "Bijlage", "tekst", attachment("image/png", "p.png", 80<<10))
			} else {
				raws[i] = message(fmt.Sprintf("o%d", i), i%5)
			}
		}
		c := mailtest.Dial(t, srv.addr(), srv.user, srv.pass)
		mailtest.AppendManyTo(t, c, "INBOX", raws)
		cfg := testConfig(srv)
		cfg.Backfill = time.Now().AddDate(0, 0, -1)
		failed := false
		rec := &recorder{decide: func(_ *Fetched, call int) (Disposition, error) {
			if call == 700 && !failed {
				failed = true
				return Leave, errors.New("database is locked")
			}
			return Leave, nil
		}}
		cp := newCheckpoints()
		startIntake(t, cfg, cp, rec.handle)
		uids := uidsOf(t, srv)
		eventually(t, 60*time.Second, "checkpoint past the backlog", func() bool {
			_, last, _ := cp.get("INBOX")
			return last == uids[len(uids)-1]
		})
		got := rec.uids()
		want := append(append([]uint32(nil), uids[:700]...), uids[699:]...)
		if len(got) != len(want) {
			t.Fatalf("handler called %d times, want %d", len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("call %d was uid %d, want %d (UID order, the failed one again)", i+1, got[i], want[i])
			}
		}
		for _, f := range rec.all() {
			if (f.Raw == nil) == (f.Partial == nil) {
				t.Fatalf("uid %d: raw %d bytes, partial %d: want exactly one", f.UID, len(f.Raw), len(f.Partial))
			}
		}
	})
}

func uidsOf(t *testing.T, srv *testServer) []uint32 {
	t.Helper()
	c := mailtest.Dial(t, srv.addr(), srv.user, srv.pass)
	if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatal(err)
	}
	data, err := c.UIDSearch(&imap.SearchCriteria{}, nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	var out []uint32
	for _, u := range data.AllUIDs() {
		out = append(out, uint32(u))
	}
	return out
}

// TestWholeGone: a message expunged while the handler holds its view gives ErrGone from Whole.
func TestWholeGone(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *testServer) {
		cfg := testConfig(srv)
		cfg.Backfill = time.Now().AddDate(0, 0, -1)
		uid := srv.append(t, "INBOX", mixedMail("weg", "Vraag", "tekst", attachment("application/pdf", "x.pdf", 200<<10)))
		result := make(chan error, 1)
		startIntake(t, cfg, newCheckpoints(), func(ctx context.Context, f *Fetched) (Disposition, error) {
			if f.UID != uid {
				return Leave, nil
			}
			if err := expunge(srv, uid); err != nil {
				result <- err
				return Leave, nil
			}
			_, err := f.Whole(ctx)
			select {
			case result <- err:
			default:
			}
			return Leave, nil
		})
		select {
		case err := <-result:
			if !errors.Is(err, ErrGone) {
				t.Errorf("Whole of an expunged message: %v, want ErrGone", err)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("the handler was not called")
		}
	})
}

// expunge deletes one message over a connection of its own.
func expunge(srv *testServer, uid uint32) error {
	c, err := imapclient.DialInsecure(srv.addr(), nil)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Login(srv.user, srv.pass).Wait(); err != nil {
		return err
	}
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		return err
	}
	set := imap.UIDSetNum(imap.UID(uid))
	if err := c.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close(); err != nil {
		return err
	}
	return c.UIDExpunge(set).Close()
}

func TestMentionsForm(t *testing.T) {
	for s, want := range map[string]bool{
		"klachtformulier": true, "Ingevuld Formulier": true, "complaint-form": true, "Form": true, "forms": true,
		"form_2026": true, "Informatie": false, "format": false, "platform": false, "uniform": false, "scan-001": false,
	} {
		if got := mentionsForm(s); got != want {
			t.Errorf("mentionsForm(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestSubjectOf: the planner reads the subject as the handler does, also in a charset Go's
// word decoder does not know and beside a malformed line, so that such a mail's forms are
// fetched.
func TestSubjectOf(t *testing.T) {
	for _, h := range []string{
		"From: a@example.org\r\nSubject: Klachtformulier\r\n\r\n",
		"From: a@example.org\r\nSubject: =?windows-1252?B?S2xhY2h0Zm9ybXVsaWVy?=\r\n\r\n",
		"From: a@example.org\r\nno colon here\r\nSubject: Klachtformulier\r\n\r\n",
	} {
		if got := subjectOf([]byte(h)); got != "Klachtformulier" {
			t.Errorf("subjectOf(%q) = %q, want Klachtformulier", h, got)
		}
	}
}

func TestHeaderSection(t *testing.T) {
	big := append(bytes.Repeat([]byte("X-Lang: "+strings.Repeat("a", 100)+"\r\n"), 12000), "\r\nbody"...)
	for _, tt := range []struct{ raw, want string }{
		{"A: b\r\nC: d\r\n\r\nbody\r\n\r\nmore", "A: b\r\nC: d\r\n\r\n"},
		{"A: b\n\nbody", "A: b\n\n"},
		{"\r\nbody", "\r\n"},
		{"A: b\r\n", "A: b\r\n"},
		{"", ""},
		{string(big), string(big[:maxHeaderBytes])},
	} {
		if got := headerSection([]byte(tt.raw)); string(got) != tt.want {
			t.Errorf("headerSection(%.40q) = %.40q (%d bytes), want %.40q (%d bytes)", tt.raw, got, len(got), tt.want, len(tt.want))
		}
	}
}

// TestWholeHint: a larger message whose header the handler's hint wants whole comes whole at
// once: the server is never asked to describe it (the proxy would cut the connection at
// BODYSTRUCTURE), and the hint got its header.
func TestWholeHint(t *testing.T) {
	eachServer(t, func(t *testing.T, srv *testServer) {
		proxy, cfg := behindProxy(t, srv)
		proxy.CutOn("BODYSTRUCTURE")
		cfg.Backfill = time.Now().AddDate(0, 0, -1)
		raw := mixedMail("hint", "Klacht over de cursus", "tekst", attachment("application/pdf", "x.pdf", 200<<10))
		uid := srv.append(t, "INBOX", raw)
		var hinted [][]byte
		var mu sync.Mutex
		rec := &recorder{}
		in := New(cfg, newCheckpoints(), rec.handle, nil)
		in.SetWholeHint(func(_ context.Context, h []byte) bool {
			mu.Lock()
			defer mu.Unlock()
			hinted = append(hinted, bytes.Clone(h))
			return bytes.Contains(h, []byte("Klacht"))
		})
		runIntake(t, in)
		eventually(t, 10*time.Second, "the message handed over", func() bool { return len(rec.all()) > 0 })
		f := rec.all()[0]
		if f.UID != uid || !bytes.Equal(f.Raw, raw) || f.Partial != nil {
			t.Errorf("handed over uid %d with %d raw bytes, partial %d; want it whole", f.UID, len(f.Raw), len(f.Partial))
		}
		mu.Lock()
		defer mu.Unlock()
		if len(hinted) != 1 || !bytes.Equal(hinted[0], headerOf(raw)) {
			t.Errorf("the hint got %d headers, want the message's one", len(hinted))
		}
		if proxy.Cuts() != 0 {
			t.Errorf("the server was asked for the structure of a message the hint wanted whole")
		}
	})
}
