package cli

import (
	"bufio"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/groeimeesters/klachtd/internal/mailtest"
	"github.com/groeimeesters/klachtd/internal/memimap"
)

// checkConfig writes a configuration for check against the given IMAP and SMTP ports.
func checkConfig(t *testing.T, imapPort int, imapTLS string, smtpPort int, smtpTLS string) string {
	t.Helper()
	dir := t.TempDir()
	pw := filepath.Join(dir, "imap")
	if err := os.WriteFile(pw, []byte("demo\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := `[organisation]
name    = "Groeimeesters"
address = "info@intervisie-begeleiding.nl"
[imap]
host          = "127.0.0.1"
port          = ` + strconv.Itoa(imapPort) + `
tls           = "` + imapTLS + `"
timeout       = "2s"
username      = "info@intervisie-begeleiding.nl"
password_file = "` + pw + `"
[smtp]
host    = "127.0.0.1"
port    = ` + strconv.Itoa(smtpPort) + `
tls     = "` + smtpTLS + `"
timeout = "2s"
[staff]
addresses      = ["milou@intervisie-begeleiding.nl"]
authentication = "none"
[storage]
path = "` + filepath.Join(dir, "klachtd.db") + `"
`
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// plainIMAP is a server that greets in plain text, as IMAP on port 143 does.
func plainIMAP(t *testing.T) int {
	t.Helper()
	return mailtest.Serve(t, func(c net.Conn) {
		c.Write([]byte("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n"))
		bufio.NewReader(c).ReadString('\n')
		c.Close()
	}).Port
}

// freePort is a loopback port nothing listens on.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}

// TestCheckReportsEveryServer: check goes on to SMTP after IMAP failed and reports both, each
// failure explained in terms of tls and port; a secret file others may read is warned of.
func TestCheckReportsEveryServer(t *testing.T) {
	cfg := checkConfig(t, plainIMAP(t), "implicit", freePort(t), "starttls")
	os.Chmod(filepath.Join(filepath.Dir(cfg), "imap"), 0o644)
	r := mustRun(t, 1, "check", "--config", cfg)
	for _, want := range []string{
		"warning: imap.password_file " + filepath.Join(filepath.Dir(cfg), "imap") + " is readable by group or others (mode 0644)",
		"FAILED: imap greeting: tls handshake",
		`imap.tls = "implicit" starts TLS at once, but the server on port`,
		`set imap.tls = "starttls"`,
		"smtp 127.0.0.1:",
		"nothing accepts connections on 127.0.0.1 port",
		"check smtp.host and smtp.port",
	} {
		if !strings.Contains(r.stdout+r.stderr, want) {
			t.Errorf("check output lacks %q:\n%s%s", want, r.stdout, r.stderr)
		}
	}
	if strings.Contains(r.stdout, "FAILED") {
		t.Errorf("failures on standard output:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "IMAP and SMTP failed") {
		t.Errorf("stderr %q, want both failures named", r.stderr)
	}
}

// TestCheckSaysWhatItFound: "1 message", not "1 messages"; an SMTP server without a username is
// "connected (no login configured", not "logged in"; no warning for a file of 0600.
func TestCheckSaysWhatItFound(t *testing.T) {
	srv, err := memimap.Start("info@intervisie-begeleiding.nl", "demo")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c, err := imapclient.DialInsecure(srv.Addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login("info@intervisie-begeleiding.nl", "demo").Wait(); err != nil {
		t.Fatal(err)
	}
	msg := "From: a@example.nl\r\nSubject: x\r\n\r\nx\r\n"
	cmd := c.Append("INBOX", int64(len(msg)), nil)
	cmd.Write([]byte(msg))
	cmd.Close()
	if _, err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	c.Close()
	sink := mailtest.StartSMTPSink(t)
	_, p, _ := net.SplitHostPort(srv.Addr)
	port, _ := strconv.Atoi(p)
	cfg := checkConfig(t, port, "none", sink.Port(), "none")
	r := mustRun(t, 0, "check", "--config", cfg)
	for _, want := range []string{"INBOX has 1 message (UIDVALIDITY", "smtp 127.0.0.1:" + strconv.Itoa(sink.Port()) + ": connected (no login configured"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("check output lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "warning") || strings.Contains(r.stdout, "smtp 127.0.0.1:"+strconv.Itoa(sink.Port())+": logged in") {
		t.Errorf("check output:\n%s", r.stdout)
	}
}
