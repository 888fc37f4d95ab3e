package e2e

import (
	"slices"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/groeimeesters/klachtd/internal/mailtest"
)

// idleBaseline measures Dovecot's own share of arrival latency: the median time from an APPEND
// to the EXISTS an idling client receives, over n messages. klachtd cannot be faster than this.
func idleBaseline(b *testing.B, dv *mailtest.Dovecot, n int) time.Duration {
	b.Helper()
	exists := make(chan struct{}, 16)
	c, err := imapclient.DialInsecure(dv.Addr(), &imapclient.Options{
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			Mailbox: func(data *imapclient.UnilateralDataMailbox) {
				if data.NumMessages != nil {
					select {
					case exists <- struct{}{}:
					default:
					}
				}
			},
		},
	})
	if err != nil {
		b.Fatalf("baseline client: %v", err)
	}
	defer c.Close()
	if err := c.Login(dv.User, dv.Password).Wait(); err != nil {
		b.Fatalf("baseline login: %v", err)
	}
	if _, err := c.Select("Baseline", nil).Wait(); err != nil {
		if err := c.Create("Baseline", nil).Wait(); err != nil {
			b.Fatalf("baseline create: %v", err)
		}
		if _, err := c.Select("Baseline", nil).Wait(); err != nil {
			b.Fatalf("baseline select: %v", err)
		}
	}
	var lat []time.Duration
	for i := 0; i < n; i++ {
		idle, err := c.Idle()
		if err != nil {
			b.Fatalf("baseline idle: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
		start := time.Now()
		dv.Append(b, "Baseline", ordinaryMail("baseline"))
		select {
		case <-exists:
			lat = append(lat, time.Since(start))
		case <-time.After(10 * time.Second):
			b.Fatalf("baseline: no EXISTS within 10s")
		}
		if err := idle.Close(); err != nil {
			b.Fatalf("baseline idle done: %v", err)
		}
		if err := idle.Wait(); err != nil {
			b.Fatalf("baseline idle: %v", err)
		}
	}
	slices.Sort(lat)
	return lat[len(lat)/2]
}
