// Package cache is Ternant's Redis cache-aside layer. Reads go through Fetch: a hit is answered from
// Redis, a miss computes the value once per key however many requests miss together (singleflight)
// and stores it with a TTL. Writers drop what they changed through Invalidate. Redis being down is
// never an error: reads bypass it (counted in cache_misses_total and cache_errors_total, logged at
// most once per period) and go straight to the loader.
//
// Invalidation is safe against in-flight loads: every key has a version counter beside it, a load
// remembers the version it started from, and its result is stored only if no writer bumped the
// version meanwhile, so a computation that read the old state can never overwrite an invalidation.
package cache

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/sync/singleflight"

	"github.com/ternant/ternant/server/platform/metrics"
)

// Defaults for keys and loads.
const (
	// versionTTL outlives any cached value and any load, so a version never resets under a load.
	versionTTL = 24 * time.Hour
	// DefaultLoadTimeout bounds a shared load, which runs detached from the caller that started it.
	DefaultLoadTimeout = 30 * time.Second
	// invalidateTimeout bounds the Redis round trip of an invalidation.
	invalidateTimeout = 2 * time.Second
)

// Cache is a Redis cache-aside store. The zero value is not usable; call New. A nil *Cache is a
// service built without a cache: Fetch always computes and Invalidate does nothing.
type Cache struct {
	rdb         redis.UniversalClient
	prefix      string
	log         *slog.Logger
	group       singleflight.Group
	avail       availability
	loadTimeout time.Duration
	now         func() time.Time
}

// New returns a cache over rdb with every key under prefix (the server's KeyPrefix). A nil rdb
// gives a cache that always computes (no Redis configured).
func New(rdb redis.UniversalClient, prefix string, log *slog.Logger) *Cache {
	if log == nil {
		log = slog.Default()
	}
	if c, ok := rdb.(*redis.Client); ok && c == nil {
		rdb = nil // a typed nil client is no client
	}
	return &Cache{
		rdb: rdb, prefix: prefix, log: log,
		avail:       availability{bypassFor: DefaultBypassFor, logEvery: DefaultLogEvery},
		loadTimeout: DefaultLoadTimeout,
		now:         time.Now,
	}
}

// setIfVersion stores a loaded value only while the key's version is the one the load started
// from. KEYS[1] value key, KEYS[2] version key; ARGV[1] version, ARGV[2] value, ARGV[3] TTL in ms.
var setIfVersion = redis.NewScript(`
local v = redis.call('GET', KEYS[2])
if (v or '0') == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0`)

func (c *Cache) valueKey(key string) string   { return c.prefix + key }
func (c *Cache) versionKey(key string) string { return c.prefix + "cache:version:" + key }

// Fetch returns the value cached under key, or computes it with load and caches it for ttl. name
// is the cache's metric label (Dashboard, Company, ...). Concurrent misses of one key share one
// call of load; each caller gets its own copy of the value. Only load's error is ever returned
// (or ctx's, when the caller gives up waiting). A nil c calls load directly.
func Fetch[T any](ctx context.Context, c *Cache, name, key string, ttl time.Duration, load func(context.Context) (T, error)) (T, error) {
	var zero T
	if c == nil {
		return load(ctx)
	}
	if raw, ok := c.get(ctx, name, key); ok {
		var v T
		if err := json.Unmarshal(raw, &v); err == nil {
			metrics.CacheHit(name)
			return v, nil
		}
		// A value of an older shape: recompute and overwrite it.
	}
	metrics.CacheMiss(name)

	ch := c.group.DoChan(c.valueKey(key), func() (any, error) {
		lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.loadTimeout)
		defer cancel()
		return c.fill(lctx, name, key, ttl, func(ctx context.Context) ([]byte, error) {
			v, err := load(ctx)
			if err != nil {
				return nil, err
			}
			raw, err := json.Marshal(v)
			if err != nil {
				return nil, fmt.Errorf("cache %s: encode value: %w", name, err)
			}
			return raw, nil
		})
	})
	select {
	case <-ctx.Done():
		return zero, ctx.Err()
	case res := <-ch:
		if res.Err != nil {
			return zero, res.Err
		}
		var v T
		if err := json.Unmarshal(res.Val.([]byte), &v); err != nil {
			return zero, fmt.Errorf("cache %s: decode value: %w", name, err)
		}
		return v, nil
	}
}

// get reads key; ok is false on a miss or when Redis is unavailable.
func (c *Cache) get(ctx context.Context, name, key string) ([]byte, bool) {
	if c.rdb == nil || !c.avail.up(c.now()) {
		return nil, false
	}
	raw, err := c.rdb.Get(ctx, c.valueKey(key)).Bytes()
	switch {
	case errors.Is(err, redis.Nil):
		return nil, false
	case err != nil:
		c.failed(ctx, name, "get", err)
		return nil, false
	}
	return raw, true
}

// fill runs inside the single flight of key: it looks once more (another replica or an earlier
// flight may have filled it since this caller missed), then computes and stores the value unless a
// writer invalidated the key while it was computed.
func (c *Cache) fill(ctx context.Context, name, key string, ttl time.Duration, compute func(context.Context) ([]byte, error)) ([]byte, error) {
	version, cached, useRedis := c.peek(ctx, name, key)
	if cached != nil {
		return cached, nil
	}
	metrics.CacheLoad(name)
	raw, err := compute(ctx)
	if err != nil || !useRedis || ttl <= 0 {
		return raw, err
	}
	keys := []string{c.valueKey(key), c.versionKey(key)}
	if err := setIfVersion.Run(ctx, c.rdb, keys, version, raw, ttl.Milliseconds()).Err(); err != nil {
		c.failed(ctx, name, "set", err)
	}
	return raw, nil
}

// peek reads the value and its version in one round trip. useRedis is false when Redis is not
// configured or unavailable, and then the value must not be stored.
func (c *Cache) peek(ctx context.Context, name, key string) (version string, cached []byte, useRedis bool) {
	if c.rdb == nil || !c.avail.up(c.now()) {
		return "", nil, false
	}
	vals, err := c.rdb.MGet(ctx, c.valueKey(key), c.versionKey(key)).Result()
	if err != nil {
		c.failed(ctx, name, "get", err)
		return "", nil, false
	}
	version = "0"
	if s, ok := vals[1].(string); ok {
		version = s
	}
	if s, ok := vals[0].(string); ok {
		return version, []byte(s), true
	}
	return version, nil, true
}

// Invalidate drops keys and bumps their versions, so a load that started before the write cannot
// store what it read. Local loads in flight for the keys are forgotten: the next read computes
// afresh instead of joining them. It implements Invalidator.
func (c *Cache) Invalidate(ctx context.Context, keys ...string) {
	if c == nil || len(keys) == 0 {
		return
	}
	for _, k := range keys {
		c.group.Forget(c.valueKey(k))
	}
	if c.rdb == nil {
		return
	}
	// The write has committed: finish the invalidation even if the client has gone away.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), invalidateTimeout)
	defer cancel()
	_, err := c.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for _, k := range keys {
			p.Incr(ctx, c.versionKey(k))
			p.PExpire(ctx, c.versionKey(k), versionTTL)
			p.Del(ctx, c.valueKey(k))
		}
		return nil
	})
	if err != nil {
		c.failed(ctx, invalidation, "delete", err)
	}
}

// failed counts a Redis failure, starts a short bypass and logs at most once per period.
func (c *Cache) failed(ctx context.Context, name, op string, err error) {
	if ctx.Err() != nil {
		return // the caller went away; Redis is not to blame
	}
	metrics.CacheError(name, op)
	c.avail.failed(c.now(), c.log, name, op, err)
}
