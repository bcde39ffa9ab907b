// Package redisclient builds the server's Redis client: every command is bounded (connect, pool
// wait, write and read timeouts, no retries that would multiply them), and a failure to reach Redis
// comes back wrapped in ErrUnavailable, so the HTTP layer answers 503 with Retry-After for the
// requests that cannot go on without Redis, and never 500.
package redisclient

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// ErrUnavailable marks a Redis call that failed because Redis did not answer in time, refused the
// connection, or refused the command for a reason that passes (loading its data, out of memory).
var ErrUnavailable = errors.New("redis unavailable")

// Defaults for a zero Options field.
const (
	DefaultConnectTimeout = 500 * time.Millisecond
	DefaultTimeout        = 500 * time.Millisecond
	DefaultPoolSize       = 40
)

// Options are the connection settings.
type Options struct {
	Addr, Username, Password string
	DB                       int
	TLS                      bool
	// ConnectTimeout bounds one dial (there is one dial attempt per connection).
	ConnectTimeout time.Duration
	// Timeout bounds each command's wait for a pooled connection, its write and its read.
	Timeout  time.Duration
	PoolSize int
}

// New returns a client with o's bounds and the hook that marks unavailability.
func New(o Options) *redis.Client {
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = DefaultConnectTimeout
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.PoolSize <= 0 {
		o.PoolSize = DefaultPoolSize
	}
	ro := &redis.Options{
		Addr: o.Addr, Username: o.Username, Password: o.Password, DB: o.DB,
		DialTimeout: o.ConnectTimeout, DialerRetries: 1,
		ReadTimeout: o.Timeout, WriteTimeout: o.Timeout, PoolTimeout: o.Timeout,
		// A deadline shorter than Timeout (a caller's) is honoured as well.
		ContextTimeoutEnabled: true,
		// A retry after a timeout would double the time a frozen Redis holds a request; a pooled
		// connection that Redis closed (a restart) is detected when it is taken from the pool.
		MaxRetries: -1,
		PoolSize:   o.PoolSize,
	}
	if o.TLS {
		host, _, _ := net.SplitHostPort(o.Addr)
		ro.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12, ServerName: host}
	}
	c := redis.NewClient(ro)
	c.AddHook(markHook{})
	return c
}

// Unavailable reports whether err says that Redis could not serve the call (as opposed to an
// answer such as a missing key or a wrong type, which is the caller's business). A cancelled
// context is the caller leaving, not Redis failing.
func Unavailable(err error) bool {
	switch {
	case err == nil, errors.Is(err, redis.Nil), errors.Is(err, context.Canceled):
		return false
	case errors.Is(err, ErrUnavailable):
		return true
	}
	var re redis.Error
	if errors.As(err, &re) {
		return transientReply(re.Error())
	}
	// Timeouts, refused or reset connections, a closed or exhausted pool, a deadline.
	return true
}

// OutOfMemory reports whether Redis refused a write because it reached maxmemory under the
// noeviction policy (the deployment's choice: nothing, sessions included, is ever evicted).
func OutOfMemory(err error) bool {
	var re redis.Error
	return errors.As(err, &re) && strings.HasPrefix(re.Error(), "OOM ")
}

// transientReply lists the error replies that say "not now" rather than "not this".
func transientReply(msg string) bool {
	for _, p := range []string{"LOADING ", "OOM ", "BUSY ", "TRYAGAIN ", "MASTERDOWN ", "CLUSTERDOWN ", "READONLY "} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// markHook wraps the errors Unavailable recognises in ErrUnavailable, keeping the original in the
// chain (errors.Is/As still find it, the log shows it).
type markHook struct{}

func mark(err error) error {
	if err == nil || errors.Is(err, ErrUnavailable) || !Unavailable(err) {
		return err
	}
	return &unavailableError{err: err}
}

// unavailableError is ErrUnavailable around the driver's error.
type unavailableError struct{ err error }

func (e *unavailableError) Error() string   { return fmt.Sprintf("%s: %v", ErrUnavailable, e.err) }
func (e *unavailableError) Unwrap() []error { return []error{ErrUnavailable, e.err} }

func (markHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (markHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		return mark(next(ctx, cmd))
	}
}

func (markHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		for _, c := range cmds {
			if e := c.Err(); e != nil {
				c.SetErr(mark(e))
			}
		}
		return mark(err)
	}
}

// SetLogger sends the Redis client's own messages (failed dials, dropped connections) to log as
// warnings, instead of plain text on stderr. The client's logger is process-wide.
func SetLogger(log *slog.Logger) { redis.SetLogger(clientLogger{log}) }

type clientLogger struct{ log *slog.Logger }

func (l clientLogger) Printf(ctx context.Context, format string, v ...any) {
	l.log.WarnContext(ctx, "redis client", "msg", strings.TrimSpace(fmt.Sprintf(format, v...)))
}
