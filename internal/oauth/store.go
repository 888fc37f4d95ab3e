package oauth

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// Stored is the token store file: what klachtd holds of its OAuth2 grant between runs and
// between processes (`run`, `check`, `oauth2 login`, `oauth2 status`). It holds secrets: it is
// written 0600, atomically, and never logged.
type Stored struct {
	Version  int    `json:"version"`
	Grant    string `json:"grant"`
	ClientID string `json:"client_id,omitempty"`

	RefreshToken string `json:"refresh_token,omitempty"`
	// RefreshIssued is when the refresh token was handed out (a sign-in or a rotation).
	RefreshIssued time.Time `json:"refresh_issued,omitzero"`
	// RefreshUsed is when the refresh token was last used successfully: Microsoft's die 90
	// days unused, Google's six months.
	RefreshUsed time.Time `json:"refresh_used,omitzero"`
	// RefreshExpires is when the server said the refresh token ends (refresh_token_expires_in);
	// zero when it did not say.
	RefreshExpires time.Time `json:"refresh_expires,omitzero"`

	AccessToken string    `json:"access_token,omitempty"`
	TokenType   string    `json:"token_type,omitempty"`
	Issued      time.Time `json:"issued,omitzero"` // when the access token was received
	Expiry      time.Time `json:"expiry,omitzero"`
	Scopes      []string  `json:"scopes,omitempty"` // as granted, when the server said

	Last Attempt `json:"last_refresh"`
	// Refused is the refresh token (or, for the other grants, the client id) a server refused
	// with the reason; a later attempt is made only with other credentials or after a while.
	Refused string `json:"refused,omitempty"`
}

// Attempt is the outcome of the last attempt to get a token.
type Attempt struct {
	At      time.Time `json:"at,omitzero"`
	OK      bool      `json:"ok"`
	Refused bool      `json:"refused,omitempty"` // the server refused the grant: a person must act
	Error   string    `json:"error,omitempty"`   // what happened, without secrets
}

const storeVersion = 1

// loadStore reads the token store; a missing file is an empty store.
func loadStore(path string) (Stored, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return Stored{Version: storeVersion}, nil
	}
	if err != nil {
		return Stored{}, fmt.Errorf("read token store: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 1<<20))
	if err != nil {
		return Stored{}, fmt.Errorf("read token store %s: %w", path, err)
	}
	var s Stored
	if err := json.Unmarshal(data, &s); err != nil {
		return Stored{}, fmt.Errorf("token store %s is damaged (%v): sign in again with klachtd oauth2 login, or remove it for the grants that need no sign-in", path, err)
	}
	if s.Version > storeVersion {
		return Stored{}, fmt.Errorf("token store %s was written by a newer klachtd", path)
	}
	return s, nil
}

// saveStore writes the token store atomically: a temporary file beside it, fsync, rename,
// fsync of the folder. A crash leaves the old file or the new one, never half of one: a
// refresh token the server rotated is never lost once this returns.
func saveStore(path string, s Stored) error {
	s.Version = storeVersion
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encode token store: %w", err)
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write token store: %w", err)
	}
	name := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			_ = tmp.Close()
			_ = os.Remove(name)
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("write token store: %w", err)
	}
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		return fmt.Errorf("write token store: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("sync token store: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write token store: %w", err)
	}
	if err := os.Rename(name, path); err != nil {
		return fmt.Errorf("write token store: %w", err)
	}
	ok = true
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync token store folder: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync token store folder: %w", err)
	}
	return nil
}

// lockStore takes an exclusive lock beside the token store, so that two processes (the
// daemon and `klachtd check`) never use the same refresh token at once: with rotation, the
// second use would be refused. The lock is released by the returned function (or by the
// process ending).
func lockStore(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock token store: %w", err)
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("lock token store: %w", err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		_ = f.Close()
	}, nil
}

// ReadStore reads the token store at path for `klachtd oauth2 status`; a missing file is an
// empty store.
func ReadStore(path string) (Stored, error) { return loadStore(path) }
