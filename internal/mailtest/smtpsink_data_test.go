package mailtest

import (
	"errors"
	"testing"

	"github.com/emersion/go-smtp"
)

// TestSMTPSinkFailNextData: the sink refuses a transaction after the whole message was sent,
// with the code asked for, keeps nothing of it, and accepts the next one.
func TestSMTPSinkFailNextData(t *testing.T) {
	for _, code := range []int{451, 554} {
		s := StartSMTPSink(t)
		s.FailNextData(1, code, "queue file write error")
		err := sendVia(t, s, "info@example.nl", []string{"a@example.nl"}, "Subject: x\r\n\r\nHallo\r\n")
		var se *smtp.SMTPError
		if !errors.As(err, &se) || se.Code != code {
			t.Errorf("send with FailNextData(%d): err %v, want an SMTP %d", code, err, code)
		}
		if n := len(s.Messages()); n != 0 {
			t.Errorf("refused after DATA with %d, the sink kept %d messages", code, n)
		}
		if err := sendVia(t, s, "info@example.nl", []string{"a@example.nl"}, "Subject: y\r\n\r\nHallo\r\n"); err != nil || len(s.Messages()) != 1 {
			t.Errorf("the next transaction: err %v, %d kept; want accepted", err, len(s.Messages()))
		}
	}
}
