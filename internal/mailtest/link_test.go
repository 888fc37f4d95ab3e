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

// TestLinkShared: two connections across one link share its rate, as connections across one
// access line do: 200 KB echoed on each at once take at least 0.2 s at 2 MB/s, not 0.1.
func TestLinkShared(t *testing.T) {
	p := NewLinkProxy(t, echoServer(t), Link{Delay: time.Millisecond, Rate: 2e6})
	var big bytes.Buffer
	for big.Len() < 200_000 {
		big.WriteString(strings.Repeat("x", 99) + "\n")
	}
	start := time.Now()
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			conn, err := net.Dial("tcp", p.Addr())
			if err != nil {
				errs <- err
				return
			}
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(30 * time.Second))
			go conn.Write(big.Bytes())
			got := make([]byte, big.Len())
			_, err = io.ReadFull(conn, got)
			if err == nil && !bytes.Equal(got, big.Bytes()) {
				err = io.ErrUnexpectedEOF
			}
			errs <- err
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatalf("echo: %v", err)
		}
	}
	if took := time.Since(start); took < 200*time.Millisecond {
		t.Errorf("2 × %d bytes across one link took %s, want at least 200ms at 2 MB/s", big.Len(), took)
	}
}

// TestWatchLines: the proxy shows each line it carries, whole however the data was cut up,
// with its connection and direction.
func TestWatchLines(t *testing.T) {
	p := NewProxy(t, echoServer(t))
	type seen struct {
		conn     int
		toServer bool
		line     string
	}
	got := make(chan seen, 16)
	p.WatchLines(func(conn int, toServer bool, line string) { got <- seen{conn, toServer, line} })
	conn, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	conn.Write([]byte("a1 NOOP\r\na2 FE"))
	time.Sleep(20 * time.Millisecond)
	conn.Write([]byte("TCH 1\r\n"))
	want := []seen{{1, true, "a1 NOOP"}, {1, false, "a1 NOOP"}, {1, true, "a2 FETCH 1"}, {1, false, "a2 FETCH 1"}}
	var up, down []seen
	for range want {
		select {
		case s := <-got:
			if s.toServer {
				up = append(up, s)
			} else {
				down = append(down, s)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("saw only %v and %v", up, down)
		}
	}
	if len(up) != 2 || up[0] != want[0] || up[1] != want[2] || len(down) != 2 || down[0] != want[1] || down[1] != want[3] {
		t.Errorf("saw %v to the server and %v back, want %v", up, down, want)
	}
}
