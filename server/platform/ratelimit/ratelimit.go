// Package ratelimit counts requests per client with GCRA. With Redis the state is shared, so a limit
// holds across replicas; without Redis, or while Redis fails, an in-process limiter takes over (the
// limit then holds per replica), which is logged at most once a minute and counted in
// ratelimit_fallback_total.
package ratelimit

import (
	"context"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"github.com/redis/go-redis/v9"
)

// fallbackTotal counts decisions made in process because Redis failed (process-wide: several
// servers may share a test binary).
var fallbackTotal = promauto.NewCounter(prometheus.CounterOpts{
	Name: "ratelimit_fallback_total",
	Help: "Rate-limit decisions made by the in-process limiter because Redis failed.",
})

// redisTimeout bounds one Redis decision; past it the request is decided in process.
const redisTimeout = 500 * time.Millisecond

// warnEvery spaces the "falling back" log lines.
const warnEvery = time.Minute

// Limit is Rate events per Period, all of which may arrive at once.
type Limit struct {
	Rate   int
	Period time.Duration
}

// Result is one decision.
type Result struct {
	Allowed   bool
	Limit     int
	Remaining int
	// RetryAfter is how long until the next event is allowed (0 when allowed).
	RetryAfter time.Duration
	// ResetAfter is how long until the full limit is available again.
	ResetAfter time.Duration
}

// SetHeaders writes X-RateLimit-Limit/Remaining/Reset (seconds), and Retry-After when denied.
func (r Result) SetHeaders(h http.Header) {
	h.Set("X-RateLimit-Limit", strconv.Itoa(r.Limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(r.Remaining))
	h.Set("X-RateLimit-Reset", strconv.Itoa(ceilSeconds(r.ResetAfter)))
	if !r.Allowed {
		h.Set("Retry-After", strconv.Itoa(max(1, ceilSeconds(r.RetryAfter))))
	}
}

func ceilSeconds(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	return int(math.Ceil(d.Seconds()))
}

// Limiter decides whether an event for a key is within its limit.
type Limiter struct {
	rdb      *redis.Client
	prefix   string
	local    *memory
	log      *slog.Logger
	lastWarn atomic.Int64
}

// New returns a limiter on rdb (nil: in process only). prefix namespaces its Redis keys.
func New(rdb *redis.Client, prefix string, log *slog.Logger) *Limiter {
	return &Limiter{rdb: rdb, prefix: prefix, local: newMemory(time.Now), log: log}
}

// Allow records one event for key and reports whether it is within lim.
func (l *Limiter) Allow(ctx context.Context, key string, lim Limit) Result {
	if lim.Rate <= 0 || lim.Period <= 0 {
		return Result{Allowed: true, Limit: lim.Rate}
	}
	if l.rdb != nil {
		rctx, cancel := context.WithTimeout(ctx, redisTimeout)
		r, err := l.allowRemote(rctx, key, lim)
		cancel()
		if err == nil {
			return r
		}
		return l.Fallback(ctx, key, lim, err)
	}
	return l.local.allow(key, lim)
}

// remaining derives the requests left from the time until the limiter is back to full (60s/7 is not
// exact, so the division rounds up).
func remaining(lim Limit, r Result) int {
	if !r.Allowed {
		return 0
	}
	emission := float64(lim.Period) / float64(lim.Rate)
	used := int(math.Ceil(float64(r.ResetAfter)/emission - 1e-6))
	return min(max(lim.Rate-used, 0), lim.Rate)
}

// warn logs a Redis failure at most once per warnEvery.
func (l *Limiter) warn(err error) {
	now := time.Now().UnixNano()
	last := l.lastWarn.Load()
	if now-last < int64(warnEvery) || !l.lastWarn.CompareAndSwap(last, now) {
		return
	}
	l.log.Warn("rate limiter: Redis unavailable, deciding in process (limits now hold per replica)", "err", err)
}
