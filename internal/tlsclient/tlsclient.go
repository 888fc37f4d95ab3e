// Package tlsclient is how klachtd secures the connections it opens: the TLS configuration of
// a connection to a server (the IMAP and SMTP servers), built once from the configured host and
// CA file, and Loopback, the hosts that alone may be reached, or listened on, without TLS.
//
// It does no I/O but reading the CA file it is given.
package tlsclient

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/netip"
	"os"
	"strings"
)

// Config is the TLS configuration of a connection to host: TLS 1.2 or newer, the server's
// certificate verified for host against the system's roots and, when caFile is not "", the
// certificates of that PEM file as well (a private CA). Build it once and share it between
// connections: it reads the file each time it is called.
func Config(host, caFile string) (*tls.Config, error) {
	conf := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	if caFile == "" {
		return conf, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("read ca_file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("ca_file %s holds no PEM certificate", caFile)
	}
	conf.RootCAs = pool
	return conf, nil
}

// Loopback reports whether host is this machine: "localhost" or an address in 127.0.0.0/8 or
// ::1 (also with a zone, in brackets, or IPv4-mapped), case, surrounding space and a final dot
// aside. Only such hosts are reached without TLS (tls = "none", plain http to an OAuth2 test
// server), and only on them does klachtd listen without TLS and a password (the OAuth2
// sign-in, the metrics by default). A host name other than localhost is not loopback, whatever
// it resolves to.
func Loopback(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(host)), ".")
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	if h == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(h)
	return err == nil && ip.IsLoopback()
}
