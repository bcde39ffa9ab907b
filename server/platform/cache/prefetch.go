package cache

import (
	"context"
	"sync/atomic"
)

// Key names one cached value: a string key, or Field of the hash Key.
type Key struct {
	Key, Field string
}

// Prefetched is a cached value read before the handler that needs it runs, in the same Redis round
// trip as the request's authentication (see auth.Service.Gate). The handler's first read of Key is
// answered from it instead of from Redis; it carries the version read with the value, so a value
// loaded after a miss is stored only if no write came in between, exactly as after a read of its own.
type Prefetched struct {
	Key     Key
	Value   []byte // nil when the value was not cached
	Version string // "" when no version counter exists yet
	used    atomic.Bool
}

type prefetchedKey struct{}

// WithPrefetched returns ctx carrying p for the handler's cache reads.
func WithPrefetched(ctx context.Context, p *Prefetched) context.Context {
	return context.WithValue(ctx, prefetchedKey{}, p)
}

// prefetched returns what was read ahead for e, once: a second read of e in the same request goes
// to Redis (the request may have written in between).
func prefetched(ctx context.Context, e entry) (look, bool) {
	p, ok := ctx.Value(prefetchedKey{}).(*Prefetched)
	if !ok || p.Key.Key != e.key || p.Key.Field != e.field || !p.used.CompareAndSwap(false, true) {
		return look{}, false
	}
	l := look{version: p.Version, cached: p.Value, useRedis: true, ahead: true}
	if l.version == "" {
		l.version = "0"
	}
	return l, true
}

// PrefetchKeys returns the Redis keys holding k's value and its version, and false when c would not
// read Redis now (no cache, no Redis, or a recent Redis failure): then nothing should be read ahead.
func (c *Cache) PrefetchKeys(k Key) (value, version string, ok bool) {
	if c == nil || c.rdb == nil || !c.avail.up(c.now()) {
		return "", "", false
	}
	return c.valueKey(k.Key), c.versionKey(k.Key), true
}
