package metrics

import (
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Token is what an OAuth2 token source tells about its tokens when a scrape asks.
type Token struct {
	Expiry        time.Time // when the access token held stops working; zero: none held
	RefreshExpiry time.Time // when the refresh token ends, if the provider said; zero: unknown or none
	Refused       bool      // the provider refused the grant (invalid_grant …): a person must act
}

var ( // immutable descriptors
	descTokenExpiry = desc("klachtd_oauth2_access_token_expiry_timestamp_seconds",
		"Unix time at which the OAuth2 access token held expires; absent while none is held.")
	descRefreshExpiry = desc("klachtd_oauth2_refresh_token_expiry_timestamp_seconds",
		"Unix time at which the OAuth2 refresh token ends, when the provider told it; absent otherwise.")
	descRefused = desc("klachtd_oauth2_refused",
		"1 while the OAuth2 provider refuses klachtd's grant and a person must act (see klachtd oauth2 status), else 0.")
)

// WatchToken adds the OAuth2 metrics, read from status at every scrape. The daemon calls it
// once, when it has a token source; without OAuth2 these metrics do not exist. status must be
// quick and safe for concurrent use.
func (m *Metrics) WatchToken(status func() Token) error {
	if err := m.reg.Register(tokenCollector{status}); err != nil {
		return fmt.Errorf("metrics: watch OAuth2 token: %w", err)
	}
	return nil
}

type tokenCollector struct{ status func() Token }

func (c tokenCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descTokenExpiry
	ch <- descRefreshExpiry
	ch <- descRefused
}

func (c tokenCollector) Collect(ch chan<- prometheus.Metric) {
	t := c.status()
	if !t.Expiry.IsZero() {
		ch <- gauge(descTokenExpiry, unixSeconds(t.Expiry))
	}
	if !t.RefreshExpiry.IsZero() {
		ch <- gauge(descRefreshExpiry, unixSeconds(t.RefreshExpiry))
	}
	ch <- gauge(descRefused, flag(t.Refused))
}
