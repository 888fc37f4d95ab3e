package mailtest

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// TestLinkProxy: across a link of 10 ms each way and 2 MB/s, a round trip takes at least
// 20 ms, 400 KB take at least 0.2 s each way, every byte arrives in order, and Bytes counts
// exactly what crossed. (Only lower bounds: a loaded machine makes everything slower.)
func TestLinkProxy(t *testing.T) {
	p := NewLinkProxy(t, echoServer(t), Link{Delay: 10 * time.Millisecond, Rate: 2e6})
	conn, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	r := bufio.NewReader(conn)
	start := time.Now()
	conn.Write([]byte("ping\n"))
	if line, err := r.ReadString('\n'); err != nil || line != "ping\n" {
		t.Fatalf("round trip: %q, %v", line, err)
	}
	if rtt := time.Since(start); rtt < 20*time.Millisecond {
		t.Errorf("round trip took %s, want at least 20ms", rtt)
	}
	var big bytes.Buffer
	for i := 0; big.Len() < 400_000; i++ {
		big.WriteString(strings.Repeat(string(rune('a'+i%26)), 99) + "\n")
	}
	start = time.Now()
	go conn.Write(big.Bytes())
	got := make([]byte, big.Len())
	if _, err := io.ReadFull(r, got); err != nil {
		t.Fatalf("read the echo: %v", err)
	}
	if took := time.Since(start); took < 200*time.Millisecond {
		t.Errorf("%d bytes there and back took %s, want at least 200ms at 2 MB/s", big.Len(), took)
	}
	if !bytes.Equal(got, big.Bytes()) {
		t.Errorf("the echo differs from what was sent")
	}
	conn.Close()
	want := int64(len("ping\n") + big.Len())
	deadline := time.Now().Add(5 * time.Second)
	for {
		up, down := p.Bytes()
		if up == want && down == want {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Bytes() = %d up, %d down; want %d each", up, down, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
