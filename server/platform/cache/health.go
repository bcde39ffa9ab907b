package cache

import (
	"log/slog"
	"sync/atomic"
	"time"
)

// Defaults for how the cache reacts to an unreachable Redis.
const (
	// DefaultBypassFor is how long reads skip Redis after a failure, so an outage costs one timeout
	// per period instead of one per request.
	DefaultBypassFor = time.Second
	// DefaultLogEvery bounds the "cache unavailable" log to one line per period.
	DefaultLogEvery = 30 * time.Second
)

// availability remembers a recent Redis failure and rate-limits the log line about it.
type availability struct {
	bypassFor time.Duration
	logEvery  time.Duration
	downUntil atomic.Int64 // unix nanoseconds; reads skip Redis before it
	lastLog   atomic.Int64 // unix nanoseconds of the last warning
}

// up reports whether reads should try Redis.
func (a *availability) up(now time.Time) bool { return now.UnixNano() >= a.downUntil.Load() }

// failed records a failure at now and logs it unless a warning was written recently.
func (a *availability) failed(now time.Time, log *slog.Logger, cache, op string, err error) {
	a.downUntil.Store(now.Add(a.bypassFor).UnixNano())
	last := a.lastLog.Load()
	if now.UnixNano()-last < a.logEvery.Nanoseconds() || !a.lastLog.CompareAndSwap(last, now.UnixNano()) {
		return
	}
	log.Warn(logCacheUnavailable, "cache", cache, "operation", op, "err", err, "bypass_for", a.bypassFor)
}

const logCacheUnavailable = "cache unavailable: serving without it"
