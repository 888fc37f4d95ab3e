// Package e2e holds black-box tests that run the real klachtd binary against a real Dovecot and
// an SMTP receiver. It has no code of its own: TestMain builds ./cmd/klachtd once, and every
// test starts it as a subprocess with a configuration written for that test, reads cases back
// with `klachtd list --json`, and inspects the mailbox and the mail that arrived at the sink.
//
// Run: go test ./internal/e2e (as root, with dovecot-imapd installed; set
// KLACHTD_REQUIRE_DOVECOT=1 to fail instead of skip without it; KLACHTD_E2E_BINARY=/path uses a
// binary built beforehand instead of building ./cmd/klachtd). Benchmarks:
// go test -run '^$' -bench . -benchtime 1x ./internal/e2e.
package e2e
