package config

import (
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/groeimeesters/klachtd/internal/tlsclient"
)

// Metrics is the optional Prometheus listener.
type Metrics struct {
	// Listen is the address of the listener serving /metrics, as in "127.0.0.1:9464"; "" =
	// no listener. It must be a loopback address unless AllowRemote is set.
	Listen string `toml:"listen"`
	// AllowRemote permits a Listen address other machines can reach (a private interface,
	// or all of them with ":9464"). The listener has no TLS and no password: whoever reaches
	// it learns how many complaints and mails the organisation has, so it is for a network
	// the operator controls, behind a firewall.
	AllowRemote bool `toml:"allow_remote"`
}

func (c *Config) checkMetrics(k *checker) {
	m := c.Metrics
	if m.Listen == "" {
		return
	}
	host, port, err := net.SplitHostPort(m.Listen)
	if err != nil {
		k.add("metrics.listen", "%q is not an address and port such as \"127.0.0.1:9464\" or \"[::1]:9464\"", m.Listen)
		return
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		k.add("metrics.listen", "%q needs a port number (1–65535), as in \"127.0.0.1:9464\"", m.Listen)
		return
	}
	if host != "" && !strings.EqualFold(host, "localhost") {
		if _, err := netip.ParseAddr(host); err != nil {
			k.add("metrics.listen", "%q must name an IP address (or localhost), not a host name, which could resolve to any interface", m.Listen)
			return
		}
	}
	if !tlsclient.Loopback(host) && !m.AllowRemote {
		k.add("metrics.listen", "%q can be reached from other machines, and the metrics listener has no TLS and no password: "+
			"use a loopback address such as \"127.0.0.1:9464\" (and scrape through an SSH tunnel or a local agent), or, on a "+
			"network you control behind a firewall, set metrics.allow_remote = true", m.Listen)
	}
}
