package tlsclient

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
	caPEM, leaf := testCA(t, "mail.example.nl")
	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	notPEM := filepath.Join(dir, "not.pem")
	if err := os.WriteFile(notPEM, []byte("no certificate here\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	conf, err := Config("mail.example.nl", caFile)
	if err != nil {
		t.Fatalf("Config with a CA file: %v", err)
	}
	if conf.ServerName != "mail.example.nl" || conf.MinVersion != tls.VersionTLS12 || conf.InsecureSkipVerify {
		t.Errorf("Config: ServerName %q, MinVersion %#x, InsecureSkipVerify %v; want mail.example.nl, TLS 1.2, false",
			conf.ServerName, conf.MinVersion, conf.InsecureSkipVerify)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: conf.ServerName, Roots: conf.RootCAs}); err != nil {
		t.Errorf("a certificate of the private CA for its host: %v, want it verified", err)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: "other.example.nl", Roots: conf.RootCAs}); err == nil {
		t.Error("the private CA's certificate verified for another host")
	}

	plain, err := Config("mail.example.nl", "")
	if err != nil {
		t.Fatalf("Config without a CA file: %v", err)
	}
	if plain.RootCAs != nil || plain.ServerName != "mail.example.nl" || plain.MinVersion != tls.VersionTLS12 {
		t.Errorf("Config without a CA file: RootCAs %v, ServerName %q, MinVersion %#x; want the system's roots for the host, TLS 1.2",
			plain.RootCAs, plain.ServerName, plain.MinVersion)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: plain.ServerName, Roots: plain.RootCAs}); err == nil {
		t.Error("without the CA file, the private CA's certificate verified")
	}

	for file, want := range map[string]string{filepath.Join(dir, "missing.pem"): "read ca_file", notPEM: "holds no PEM certificate"} {
		if c, err := Config("mail.example.nl", file); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Config(%s) = %v, %v; want an error saying %q", filepath.Base(file), c, err, want)
		}
	}
}

// testCA makes a CA and a certificate it signed for host.
func testCA(t *testing.T, host string) (caPEM []byte, leaf *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	ca, err = x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: host}, DNSNames: []string{host},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err = x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), leaf
}
