package reply

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // iso-8859-1 and friends in the corpus
)

// corpusDir is the shared real-client corpus (see its README.md); tests skip without it.
const corpusDir = "../../../shared/corpus"

func corpusPath(t *testing.T, sub string) string {
	t.Helper()
	dir := filepath.Join(corpusDir, sub)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("corpus folder %s absent: %v", dir, err)
	}
	return dir
}

// TestTalonCorpus strips the text/plain part of every mailgun/talon standard reply. Talon's
// expectation is "Hello", or the NAME_reply_text file beside the .eml. Talon removes only quoted
// history; klachtd also removes signatures, so where talon keeps one the expected text is
// stated here, and talon's text must start with it.
func TestTalonCorpus(t *testing.T) {
	dir := corpusPath(t, "replies-talon")
	signatureDropped := map[string]string{
		"iphone":  "Hello", // talon keeps "Sent from my iPhone"
		"sparrow": "Hello", // talon keeps "-- \nxxx\nSent with Sparrow (…)"
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no .eml files in %s", dir)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".eml")
		t.Run(name, func(t *testing.T) {
			body := plainPart(t, f)
			talon := "Hello"
			if b, err := os.ReadFile(filepath.Join(dir, name+"_reply_text")); err == nil {
				talon = strings.TrimSpace(string(b))
			}
			want := talon
			if w, ok := signatureDropped[name]; ok {
				want = w
				if !strings.HasPrefix(talon, want) {
					t.Fatalf("talon expectation %q does not start with %q", talon, want)
				}
			}
			if got := Strip(body); got != want {
				t.Errorf("Strip() = %s, want %s\ninput:\n%s", quote(got), quote(want), body)
			}
		})
	}
}

// plainPart returns the decoded text/plain part of the .eml at path.
func plainPart(t *testing.T, path string) string {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	e, err := message.Read(fh)
	if err != nil && !message.IsUnknownCharset(err) {
		t.Fatalf("read %s: %v", path, err)
	}
	var text string
	found := false
	err = e.Walk(func(_ []int, part *message.Entity, err error) error {
		if err != nil {
			return err
		}
		mt, _, _ := part.Header.ContentType()
		if found || mt != "text/plain" && mt != "" {
			return nil
		}
		b, err := io.ReadAll(part.Body)
		if err != nil {
			return err
		}
		text, found = string(b), true
		return nil
	})
	if err != nil && !errors.Is(err, io.EOF) {
		t.Fatalf("walk %s: %v", path, err)
	}
	if !found {
		t.Fatalf("%s has no text/plain part", path)
	}
	return text
}

// TestEmailReplyParserCorpus checks the plain bodies of github/email_reply_parser. The wanted
// texts follow that project's test/email_reply_parser_test.rb where it states the visible text
// (parse_reply), and klachtd's own policy elsewhere: a "-Name" sign-off is kept (upstream calls
// it a signature), and "Sent from a magnificent torch of pixels" is not a known mobile line.
func TestEmailReplyParserCorpus(t *testing.T) {
	dir := corpusPath(t, "replies-email_reply_parser")
	const riak = "Hi folks\n\nWhat is the best way to clear a Riak bucket of all key, values after\n" +
		"running a test?\nI am currently using the Java HTTP API.\n\n-Abhishek Kona"
	tests := map[string]string{
		"correct_sig": "this is an email with a correct -- signature.",
		"email_1_1":   riak,
		"email_1_3":   "Oh thanks.\n\nHaving the function would be great.\n\n-Abhishek Kona",
		"email_1_4":   "Awesome! I haven't had another problem with it.",
		"email_1_6":   "I get proper rendering as well.\n\nSent from a magnificent torch of pixels",
		"email_1_7":   ":+1:",
		"email_1_8":   "I will reply under this one\n\nand under this.",
		// upstream: parse_reply gives exactly these.
		"email_2_1":        "Outlook with a reply",
		"email_2_2":        "Outlook with a reply directly above line",
		"email_2_3":        "Outlook with a reply directly above line",
		"email_iPhone":     "Here is another email",
		"email_BlackBerry": "Here is another email",
		"email_multi_word_sent_from_my_mobile_device": "Here is another email",
		"email_sent_from_my_not_signature":            "Here is another email\n\nSent from my desk, is much easier then my mobile phone.",
		"email_bullets": "test 2 this should list second\n\nand have spaces\n\nand retain this formatting\n\n\n" +
			"   - how about bullets\n   - and another",
		"email_sig_delimiter_in_middle_of_line": "Hi there!\n\nStuff happened.\n\nAnd here is a fix -- this is not a signature.\n\nkthxbai",
		"email_one_is_not_on": "Thank, this is really helpful.\n\nOne outstanding question I had:\n\n" +
			"Locally (on development), when I run...",
		"greedy_on": "On your remote host you can run:\n\n     telnet 127.0.0.1 52698\n\n" +
			"This should connect to TextMate (on your Mac, via the tunnel). If that\nfails, the tunnel is not working.",
		"pathological": "I think you're onto something. I will try to fix the problem as soon as I\nget back to a computer.",
	}
	for name, want := range tests {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, name+".txt"))
			if err != nil {
				t.Fatal(err)
			}
			if got := Strip(string(b)); got != want {
				t.Errorf("Strip() = %s, want %s", quote(got), quote(want))
			}
		})
	}

	// email_1_2 (bottom post): the own text runs from "Hi," to the quotation that ends it.
	t.Run("email_1_2", func(t *testing.T) {
		b, err := os.ReadFile(filepath.Join(dir, "email_1_2.txt"))
		if err != nil {
			t.Fatal(err)
		}
		got := Strip(string(b))
		if !strings.HasPrefix(got, "Hi,\n\nYou can list the keys for the bucket") ||
			!strings.HasSuffix(got, "delete them all individually.\"") ||
			strings.Contains(got, ">") || strings.Contains(got, "wrote:") || strings.Contains(got, "riak-users") {
			t.Errorf("Strip() = %s", quote(got))
		}
	})

	// email_long_quote: line 5 is 59 kB of '>' (a quote, dropped); line 7 is "A" and 700 kB of
	// '>' (not a quote, kept). Upstream only asks that it is fast.
	t.Run("email_long_quote", func(t *testing.T) {
		b, err := os.ReadFile(filepath.Join(dir, "email_long_quote.txt"))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(b), "\n")
		want := strings.Join(append(append([]string{}, lines[0:4]...), lines[5:10]...), "\n")
		want = strings.ReplaceAll(want, "after \n", "after\n")
		start := time.Now()
		got := Strip(string(b))
		if elapsed := time.Since(start); elapsed > time.Second {
			t.Errorf("Strip took %v", elapsed)
		}
		if got != want {
			t.Errorf("Strip() = %.200q…, want %.200q…", got, want)
		}
	})

	// email_1_5 is a complex body with one fragment: everything is kept.
	t.Run("email_1_5", func(t *testing.T) {
		b, err := os.ReadFile(filepath.Join(dir, "email_1_5.txt"))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := Strip(string(b)), strings.TrimSpace(string(b)); got != want {
			t.Errorf("Strip() = %s, want %s", quote(got), quote(want))
		}
	})
}
