package outbox

import (
	"fmt"
	"net/textproto"
	"testing"
)

// TestClassifyAtTheEdges: every kind of SMTP refusal is temporary from 400 up to 499 and
// permanent from 500 up to 599, the edges included. A 500 ("syntax error, command
// unrecognised") retried as temporary would keep a mail the server will never take in the
// queue for the whole of retry_for instead of telling staff at once.
func TestClassifyAtTheEdges(t *testing.T) {
	for _, code := range []int{400, 421, 499, 500, 554, 599} {
		want := code < 500
		kinds := map[string]error{
			"refused at rcpt to": refused("rcpt to", &textproto.Error{Code: code, Msg: "x.y.z refused"}, "jan@example.nl"),
			"refused at data":    fmt.Errorf("send: %w", refused("data", &textproto.Error{Code: code, Msg: "refused"}, "")),
			"raw reply":          &textproto.Error{Code: code, Msg: "refused"},
			"go-mail":            sendErrorFrom(t, code),
		}
		for kind, err := range kinds {
			if got := Classify(err); got != want {
				t.Errorf("%s %d: Classify = %v (temporary), want %v", kind, code, got, want)
			}
		}
	}
}
