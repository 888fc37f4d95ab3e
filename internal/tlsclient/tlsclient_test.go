package tlsclient

import (
	"crypto/tls"
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/groeimeesters/klachtd/internal/mailtest"
)

func TestLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "LOCALHOST.": true, " localhost ": true, "Localhost": true,
		"127.0.0.1": true, "127.1.2.3": true, "127.0.0.1.": true, "::1": true, "[::1]": true, "::1%lo": true,
		"0:0:0:0:0:0:0:1": true, "::ffff:127.0.0.1": true,
		"imap.example.nl": false, "10.0.0.1": false, "128.0.0.1": false, "0.0.0.0": false, "::": false,
		"localhost.example.nl": false, "my-localhost": false, "127.1": false, "": false, "[]": false,
	} {
		if got := Loopback(host); got != want {
			t.Errorf("Loopback(%q) = %v, want %v", host, got, want)
		}
	}
}

// TestConfig: the server is verified for its host against the system's roots plus the CA
// file's certificates; a CA file that cannot be read or holds no certificate is an error.
func TestConfig(t *testing.T) {
	ca := mailtest.NewTestCA(t)
	caFile, leaf := ca.File, ca.Leaf
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "not.pem")
	if err := os.WriteFile(notPEM, []byte("no certificate here\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	conf, err := Config("localhost", caFile)
	if err != nil {
		t.Fatalf("Config with a CA file: %v", err)
	}
	if conf.ServerName != "localhost" || conf.MinVersion != tls.VersionTLS12 || conf.InsecureSkipVerify {
		t.Errorf("Config: ServerName %q, MinVersion %#x, InsecureSkipVerify %v; want localhost, TLS 1.2, false",
			conf.ServerName, conf.MinVersion, conf.InsecureSkipVerify)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: conf.ServerName, Roots: conf.RootCAs}); err != nil {
		t.Errorf("a certificate of the private CA for its host: %v, want it verified", err)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: "other.example.nl", Roots: conf.RootCAs}); err == nil {
		t.Error("the private CA's certificate verified for another host")
	}

	plain, err := Config("localhost", "")
	if err != nil {
		t.Fatalf("Config without a CA file: %v", err)
	}
	if plain.RootCAs != nil || plain.ServerName != "localhost" || plain.MinVersion != tls.VersionTLS12 {
		t.Errorf("Config without a CA file: RootCAs %v, ServerName %q, MinVersion %#x; want the system's roots for the host, TLS 1.2",
			plain.RootCAs, plain.ServerName, plain.MinVersion)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: plain.ServerName, Roots: plain.RootCAs}); err == nil {
		t.Error("without the CA file, the private CA's certificate verified")
	}

	for file, want := range map[string]string{filepath.Join(dir, "missing.pem"): "read ca_file", notPEM: "holds no PEM certificate"} {
		if c, err := Config("localhost", file); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Config(%s) = %v, %v; want an error saying %q", filepath.Base(file), c, err, want)
		}
	}
}
