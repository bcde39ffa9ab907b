//go:build noembed

package embedded

import (
	"context"
	"errors"
)

// Available reports whether this binary includes the embedded stores.
const Available = false

// Stores are the running in-process servers (never built with noembed).
type Stores struct {
	DSN       string
	RedisAddr string
}

// Start fails: this binary was built without the embedded stores.
func Start(context.Context, string) (*Stores, error) {
	return nil, errors.New("this binary was built without the embedded development database (-tags noembed): set DB_DSN or DATABASE_HOST")
}

// Close does nothing.
func (s *Stores) Close() error { return nil }
