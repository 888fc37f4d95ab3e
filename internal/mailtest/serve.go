package mailtest

import (
	"net"
	"testing"
)

// Serve listens on a loopback port until the test ends, gives each connection to serve on a
// goroutine of its own, and returns the address: for the tests' small servers that speak a
// protocol by hand.
func Serve(t testing.TB, serve func(net.Conn)) *net.TCPAddr {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go serve(c)
		}
	}()
	return ln.Addr().(*net.TCPAddr)
}
