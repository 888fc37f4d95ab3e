package outbox

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// TestSenderDataRefused: a server that reads the whole message and then answers 4xx or 5xx to
// the end of DATA has not accepted it. A 4xx leaves the row due again after the backoff; a 5xx
// fails it with the server's reply; neither is recorded as sent, and the retry of a 4xx is
// delivered once.
func TestSenderDataRefused(t *testing.T) {
	tests := []struct {
		code      int
		msg       string
		wantState string
	}{
		{451, "4.3.0 queue file write error", "queued"},
		{452, "4.3.1 insufficient system storage", "queued"},
		{554, "5.6.0 message content rejected", "failed"},
		{552, "5.3.4 message too big for system", "failed"},
	}
	for _, tt := range tests {
		t.Run(tt.msg, func(t *testing.T) {
			sink := mailtest.StartSMTPSink(t)
			sink.FailNextData(1, tt.code, tt.msg)
			q := newMemQueue(t0, testRow(1))
			s, clock := newTestSender(t, sinkConfig(sink), q, t0)
			s.drain(t.Context())
			got := q.get(1)
			if got.state != tt.wantState {
				t.Fatalf("after %d at the end of DATA: state %q, want %q", tt.code, got.state, tt.wantState)
			}
			if reason := strings.Join(got.reasons, "\n"); !strings.Contains(reason, "data") || !strings.Contains(reason, tt.msg) {
				t.Errorf("reason %q lacks the stage and the server's reply %q", reason, tt.msg)
			}
			if n := len(sink.Messages()); n != 0 {
				t.Fatalf("the sink holds %d messages after refusing", n)
			}
			if tt.wantState != "queued" {
				return
			}
			if diff := cmp.Diff([]time.Time{t0.Add(30 * time.Second)}, got.retries); diff != "" {
				t.Errorf("retries (-want +got):\n%s", diff)
			}
			clock.Advance(30 * time.Second)
			s.drain(t.Context())
			if st := q.get(1).state; st != "sent" || len(sink.Messages()) != 1 {
				t.Errorf("the retry: state %q, %d delivered; want sent, 1", st, len(sink.Messages()))
			}
		})
	}
}
