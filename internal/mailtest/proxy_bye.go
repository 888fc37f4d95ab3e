package mailtest

// Bye ends every open connection as a server that drops a session does: it sends line (an
// untagged BYE such as Microsoft's "* BYE Session invalidated - AccessTokenExpired") to each
// client, then closes both sides. The proxy keeps accepting new connections.
func (p *Proxy) Bye(line string) {
	for _, c := range p.snapshot() {
		c.mu.Lock()
		c.frozen = true // hold server data, so the BYE is not cut into another response
		c.mu.Unlock()
		_, _ = c.client.Write([]byte(line + "\r\n"))
		c.close()
	}
}
