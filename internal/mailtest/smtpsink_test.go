package mailtest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/google/go-cmp/cmp"
)

func sendVia(t *testing.T, s *SMTPSink, from string, to []string, body string) error {
	t.Helper()
	c, err := smtp.Dial(s.Addr())
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Auth(sasl.NewPlainClient("", "user", "secret")); err != nil {
		t.Fatalf("auth: %v", err)
	}
	return c.SendMail(from, to, strings.NewReader(body))
}

func TestSMTPSinkReceives(t *testing.T) {
	s := StartSMTPSink(t)
	dir := t.TempDir()
	s.SetDir(dir)
	body := "Subject: één\r\n\r\nHallo\r\n"
	if err := sendVia(t, s, "info@example.nl", []string{"a@example.nl", "b@example.nl"}, body); err != nil {
		t.Fatalf("send: %v", err)
	}
	got := s.WaitFor(t, 1, 5*time.Second)
	if len(got) != 1 {
		t.Fatalf("got %d messages, want 1", len(got))
	}
	if diff := cmp.Diff([]string{"a@example.nl", "b@example.nl"}, got[0].To); diff != "" {
		t.Errorf("To (-want +got):\n%s", diff)
	}
	if got[0].From != "info@example.nl" || string(got[0].Raw) != body {
		t.Errorf("got from %q raw %q", got[0].From, got[0].Raw)
	}
	eml, err := os.ReadFile(filepath.Join(dir, "0001.eml"))
	if err != nil || string(eml) != body {
		t.Errorf("0001.eml = %q, %v; want the message", eml, err)
	}
}

func TestSMTPSinkFaults(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(*SMTPSink)
		to       []string
		wantCode int // 0: accepted
	}{
		{"temporary", func(s *SMTPSink) { s.FailNext(1, 451, "try later") }, []string{"a@x.nl"}, 451},
		{"permanent", func(s *SMTPSink) { s.FailNext(1, 550, "no such user") }, []string{"a@x.nl", "b@x.nl"}, 550},
		{"rejected recipient", func(s *SMTPSink) { s.Reject("b@x.nl", 550, "unknown") }, []string{"a@x.nl", "b@x.nl"}, 550},
		{"no fault", func(*SMTPSink) {}, []string{"a@x.nl"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := StartSMTPSink(t)
			tt.setup(s)
			err := sendVia(t, s, "info@x.nl", tt.to, "Subject: x\r\n\r\nx\r\n")
			var se *smtp.SMTPError
			switch {
			case tt.wantCode == 0 && err != nil:
				t.Fatalf("send: %v", err)
			case tt.wantCode != 0 && (!errors.As(err, &se) || se.Code != tt.wantCode):
				t.Fatalf("send error %v, want code %d", err, tt.wantCode)
			}
			// The fault is used up (FailNext) or limited to its address (Reject).
			if err := sendVia(t, s, "info@x.nl", []string{"a@x.nl"}, "Subject: y\r\n\r\ny\r\n"); err != nil {
				t.Fatalf("second send: %v", err)
			}
			want := 1
			if tt.wantCode == 0 {
				want = 2
			}
			if got := len(s.Messages()); got != want {
				t.Errorf("kept %d messages, want %d", got, want)
			}
		})
	}
}

func TestSMTPSinkStopStart(t *testing.T) {
	s := StartSMTPSink(t)
	port := s.Port()
	s.Stop()
	if err := sendVia(t, s, "info@x.nl", []string{"a@x.nl"}, "Subject: x\r\n\r\nx\r\n"); err == nil {
		t.Fatal("send to a stopped sink succeeded")
	}
	s.Start(t)
	if s.Port() != port {
		t.Errorf("port after restart %d, want %d", s.Port(), port)
	}
	if err := sendVia(t, s, "info@x.nl", []string{"a@x.nl"}, "Subject: x\r\n\r\nx\r\n"); err != nil {
		t.Fatalf("send after restart: %v", err)
	}
	s.WaitFor(t, 1, 5*time.Second)
}

func TestSMTPSinkHold(t *testing.T) {
	s := StartSMTPSink(t)
	release := s.Hold()
	done := make(chan error, 1)
	go func() { done <- sendVia(t, s, "info@x.nl", []string{"a@x.nl"}, "Subject: x\r\n\r\nx\r\n") }()
	s.WaitHeld(t, 1, 5*time.Second)
	if n := len(s.Messages()); n != 0 {
		t.Fatalf("%d messages kept while held, want 0", n)
	}
	release()
	if err := <-done; err != nil {
		t.Fatalf("send: %v", err)
	}
	s.WaitFor(t, 1, 5*time.Second)
}
