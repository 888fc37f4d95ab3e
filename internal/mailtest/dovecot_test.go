package mailtest

import (
	"bufio"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/google/go-cmp/cmp"
)

func testMessage(id string) []byte {
	return []byte("From: a@example.org\r\nTo: b@example.org\r\nSubject: test\r\nMessage-ID: <" + id +
		"@example.org>\r\n\r\nbody " + id + "\r\n")
}

func TestDovecotAppendListReset(t *testing.T) {
	d := StartDovecot(t)
	raws := [][]byte{testMessage("one"), testMessage("two")}
	var uids []uint32
	for _, raw := range raws {
		uids = append(uids, d.Append(t, "INBOX", raw))
	}
	if uids[1] <= uids[0] {
		t.Fatalf("uids %v not increasing", uids)
	}
	want := []MailboxMessage{
		{UID: uids[0], Flags: []imap.Flag{}, Raw: raws[0]},
		{UID: uids[1], Flags: []imap.Flag{}, Raw: raws[1]},
	}
	if diff := cmp.Diff(want, d.List(t, "INBOX")); diff != "" {
		t.Fatalf("List INBOX (-want +got):\n%s", diff)
	}
	if got := d.List(t, "Missing"); got != nil {
		t.Errorf("List of a missing mailbox = %v, want nil", got)
	}
	d.Append(t, "Other", raws[0])
	if got := len(d.List(t, "Other")); got != 1 {
		t.Errorf("Other holds %d messages, want 1", got)
	}

	d.ResetUIDValidity(t, "INBOX") // fails the test itself if unchanged
	got := d.List(t, "INBOX")
	if len(got) != 2 || string(got[0].Raw) != string(raws[0]) || string(got[1].Raw) != string(raws[1]) {
		t.Fatalf("after reset INBOX = %+v, want the same two messages", got)
	}
	d.Restart(t)
	if got := len(d.List(t, "INBOX")); got != 2 {
		t.Errorf("after restart INBOX holds %d messages, want 2", got)
	}
}

func TestMemIMAPAppendList(t *testing.T) {
	addr, user, pass := StartMemIMAP(t)
	c := Dial(t, addr, user, pass)
	uid := AppendTo(t, c, "INBOX", testMessage("mem"))
	got := ListOf(t, c, "INBOX")
	want := []MailboxMessage{{UID: uid, Flags: []imap.Flag{}, Raw: testMessage("mem")}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("ListOf (-want +got):\n%s", diff)
	}
}

// echoServer answers every line with the same line.
func echoServer(t *testing.T) string {
	return Serve(t, func(c net.Conn) {
		defer c.Close()
		r := bufio.NewReader(c)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			if _, err := c.Write([]byte(line)); err != nil {
				return
			}
		}
	}).String()
}

func TestProxyBlackholeResume(t *testing.T) {
	p := NewProxy(t, echoServer(t))
	conn, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	r := bufio.NewReader(conn)
	roundTrip := func(msg string, wait time.Duration) (string, error) {
		conn.SetDeadline(time.Now().Add(wait))
		if _, err := conn.Write([]byte(msg + "\n")); err != nil {
			return "", err
		}
		line, err := r.ReadString('\n')
		return strings.TrimSpace(line), err
	}
	if got, err := roundTrip("one", 2*time.Second); err != nil || got != "one" {
		t.Fatalf("before blackhole: %q, %v", got, err)
	}
	p.Blackhole()
	if got, err := roundTrip("two", 200*time.Millisecond); err == nil {
		t.Fatalf("blackholed connection answered %q", got)
	}
	// A new connection is not blackholed.
	fresh, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	fresh.SetDeadline(time.Now().Add(2 * time.Second))
	fresh.Write([]byte("fresh\n"))
	if line, err := bufio.NewReader(fresh).ReadString('\n'); err != nil || line != "fresh\n" {
		t.Fatalf("new connection during blackhole: %q, %v", line, err)
	}
	fresh.Close()

	p.Resume()
	conn.SetDeadline(time.Now().Add(2 * time.Second))
	if line, err := r.ReadString('\n'); err != nil || line != "two\n" {
		t.Fatalf("held data after resume: %q, %v", line, err)
	}
	p.CloseAll()
	conn.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := r.ReadString('\n'); err == nil {
		t.Fatal("connection still open after CloseAll")
	}
}

func TestDovecotSeedAndAppendMany(t *testing.T) {
	d := StartDovecot(t)
	seeded := [][]byte{testMessage("s1"), testMessage("s2"), testMessage("s3")}
	d.Seed(t, "INBOX", seeded)
	d.Seed(t, "Archief", seeded[:1])
	c := d.Client(t)
	AppendManyTo(t, c, "INBOX", [][]byte{testMessage("p1"), testMessage("p2")})
	var got []string
	for _, m := range d.List(t, "INBOX") {
		got = append(got, string(m.Raw))
	}
	want := []string{string(seeded[0]), string(seeded[1]), string(seeded[2]),
		string(testMessage("p1")), string(testMessage("p2"))}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("INBOX (-want +got):\n%s", diff)
	}
	if n := len(d.List(t, "Archief")); n != 1 {
		t.Errorf("Archief holds %d messages, want 1", n)
	}
}
