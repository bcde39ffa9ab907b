package ratelimit

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// GCRALua is the rate-limit decision as a Lua fragment, shared by the limiter's own script and by
// scripts that make the decision in the same round trip as other reads (the request gate). It
// expects KEYS[1] (the limiter key), ARGV[1] (the emission interval, µs) and ARGV[2] (the burst,
// µs; 0 means no limit) and leaves the decision in the local table `rl`: {allowed 0|1, retry after
// µs, reset after µs}. The state is the theoretical arrival time of the next event in µs of Redis
// time, so every replica decides against one clock.
const GCRALua = `
local rl = {1, 0, 0}
local burst = tonumber(ARGV[2])
if burst > 0 then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
  local tat = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
  if tat < now then tat = now end
  local nxt = tat + tonumber(ARGV[1])
  local allow_at = nxt - burst
  if now < allow_at then
    rl = {0, allow_at - now, tat - now}
  else
    redis.call('SET', KEYS[1], string.format('%d', nxt), 'PX', math.max(1, math.ceil((nxt - now) / 1000)))
    rl = {1, 0, nxt - now}
  end
end
`

// gcra is the limiter's own script: the decision alone.
var gcra = redis.NewScript(GCRALua + `return rl`)

// Key is the Redis key holding key's limiter state. "rate:v2:" because the state changed format
// (µs of Redis time, where the earlier limiter kept seconds as a float under "rate:"): during a
// rolling upgrade the two kinds of replica must not read each other's state.
func (l *Limiter) Key(key string) string { return l.prefix + "rate:v2:" + key }

// Args are GCRALua's ARGV[1] and ARGV[2] for lim.
func Args(lim Limit) (emission, burst int64) {
	if lim.Rate <= 0 || lim.Period <= 0 {
		return 0, 0
	}
	e := lim.Period / time.Duration(lim.Rate)
	return e.Microseconds(), (e * time.Duration(lim.Rate)).Microseconds()
}

// Decode turns GCRALua's `rl` (three integers) into a Result for lim.
func Decode(lim Limit, rl []any) (Result, error) {
	if len(rl) < 3 {
		return Result{}, fmt.Errorf("rate limit: unexpected reply %v", rl)
	}
	var n [3]int64
	for i := range n {
		v, ok := rl[i].(int64)
		if !ok {
			return Result{}, fmt.Errorf("rate limit: unexpected reply %v", rl)
		}
		n[i] = v
	}
	r := Result{Allowed: n[0] == 1, Limit: lim.Rate,
		RetryAfter: max(0, time.Duration(n[1])*time.Microsecond), ResetAfter: max(0, time.Duration(n[2])*time.Microsecond)}
	r.Remaining = remaining(lim, r)
	return r, nil
}

// Remote reports whether decisions are made in Redis (shared across replicas).
func (l *Limiter) Remote() bool { return l.rdb != nil }

// Fallback decides in process because the Redis decision for key failed with err: counted in
// ratelimit_fallback_total and logged at most once a minute, as in Allow.
func (l *Limiter) Fallback(ctx context.Context, key string, lim Limit, err error) Result {
	if ctx.Err() == nil {
		fallbackTotal.Inc()
		l.warn(err)
	}
	return l.local.allow(key, lim)
}

func (l *Limiter) allowRemote(ctx context.Context, key string, lim Limit) (Result, error) {
	e, b := Args(lim)
	rl, err := gcra.Run(ctx, l.rdb, []string{l.Key(key)}, e, b).Slice()
	if err != nil {
		return Result{}, err
	}
	return Decode(lim, rl)
}
