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
	"github.com/ternant/ternant/server/platform/redisclient"
)

// Defaults for keys and loads.
const (
	// versionTTL outlives any cached value and any load, so a version never resets under a load.
	versionTTL = 24 * time.Hour
	// DefaultLoadTimeout bounds a shared load, which runs detached from the caller that started it.
	DefaultLoadTimeout = 30 * time.Second
	// invalidateTimeout bounds the Redis round trip of an invalidation.
	invalidateTimeout = 2 * time.Second
	// MaxValueBytes is the largest value stored in Redis. A larger one is served to its callers but
	// not kept, so no single answer can crowd the cache (and Redis' memory limit) out.
	MaxValueBytes = 1 << 20
)

// Cache is a Redis cache-aside store. The zero value is not usable; call New. A nil *Cache is a
// service built without a cache: Fetch always computes and Invalidate does nothing.
type Cache struct {
	rdb         redis.UniversalClient
	prefix      string
	log         *slog.Logger
	group       singleflight.Group
	recent      recentLoads
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
// from. KEYS[1] value key, KEYS[2] version key; ARGV[1] version, ARGV[2] value, ARGV[3] TTL in ms,
// ARGV[4] a hash field or "". With a field the value goes into the hash KEYS[1], which expires
// ARGV[3] after its first field was stored (so no field outlives the TTL by being refilled).
var setIfVersion = redis.NewScript(`
local v = redis.call('GET', KEYS[2])
if (v or '0') ~= ARGV[1] then
  return 0
end
if ARGV[4] == '' then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
else
  redis.call('HSET', KEYS[1], ARGV[4], ARGV[2])
  if redis.call('PTTL', KEYS[1]) < 0 then
    redis.call('PEXPIRE', KEYS[1], ARGV[3])
  end
end
return 1`)

// entry names where one cached value lives: a string key, or a field of a hash key.
type entry struct {
	key, field string
}

// flight names the entry's single flight for a load that started from version (the Redis
// counter Invalidate bumps): a read after a write, on this replica or another, reads the new
// version and starts a new flight instead of joining a load that may have read the old state.
func (c *Cache) flight(e entry, version string) string {
	name := c.valueKey(e.key)
	if e.field != "" {
		name += "\x00" + e.field
	}
	if version != "" {
		name += "\x00v" + version
	}
	return name
}

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
	e := entry{key: key}
	var l look
	if ttl > 0 { // with caching off, never read what an earlier configuration stored
		l = c.peek(ctx, name, e)
		var v T
		if l.cached != nil && json.Unmarshal(l.cached, &v) == nil {
			metrics.CacheHit(name)
			return v, nil
		}
	}
	metrics.CacheMiss(name)

	raw, err := c.load(ctx, name, e, ttl, l, func(ctx context.Context) ([]byte, error) {
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
	if err != nil {
		return zero, err
	}
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		return zero, fmt.Errorf("cache %s: decode value: %w", name, err)
	}
	return v, nil
}

// load computes the entry once however many callers miss it together (the computation runs
// detached from the caller that started it, bounded by loadTimeout) and stores it unless a writer
// invalidated the entry meanwhile. l is what the caller's own read found: callers join the flight
// of the version they read, so a read after a write, on this replica or
// another, never joins a load that may have read the old state. The returned bytes are shared
// between the callers: they must not be modified.
func (c *Cache) load(ctx context.Context, name string, e entry, ttl time.Duration, l look, compute func(context.Context) ([]byte, error)) ([]byte, error) {
	useRedis := l.useRedis && ttl > 0
	flight := c.flight(e, l.version)
	if useRedis && l.cached == nil {
		if raw, ok := c.recent.get(flight, c.now()); ok {
			return raw, nil
		}
	}
	ch := c.group.DoChan(flight, func() (any, error) {
		lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.loadTimeout)
		defer cancel()
		if useRedis && l.cached == nil && !l.ahead {
			// A flight of this version that finished between this caller's read and now has
			// stored the value: use it rather than computing again. (A caller that found a value
			// it could not use, of an older shape, recomputes and overwrites it.)
			if again := c.peek(lctx, name, e); again.cached != nil {
				return again.cached, nil
			}
		}
		metrics.CacheLoad(name)
		raw, err := compute(lctx)
		if err != nil || !useRedis {
			return raw, err
		}
		if len(raw) > MaxValueBytes {
			metrics.CacheOversized(name)
			return raw, nil
		}
		keys := []string{c.valueKey(e.key), c.versionKey(e.key)}
		if err := setIfVersion.Run(lctx, c.rdb, keys, l.version, raw, ttl.Milliseconds(), e.field).Err(); err != nil {
			c.failed(lctx, name, "set", err)
		}
		c.recent.put(flight, raw, c.now())
		return raw, nil
	})
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		return res.Val.([]byte), nil
	}
}

// look is what one read of an entry found: its value if any, and the version counter beside it.
// useRedis is false when Redis is not configured or unavailable, and then nothing may be stored.
type look struct {
	version  string
	cached   []byte
	useRedis bool
	// ahead marks a read made by the request's gate: a miss there is recent enough that looking
	// again before computing would only cost a round trip.
	ahead bool
}

// peek reads the value and its version in one round trip (none when the request's gate read them
// ahead).
func (c *Cache) peek(ctx context.Context, name string, e entry) look {
	if c.rdb == nil || !c.avail.up(c.now()) {
		return look{}
	}
	if l, ok := prefetched(ctx, e); ok {
		return l
	}
	var value, ver *redis.StringCmd
	_, err := c.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		if e.field == "" {
			value = p.Get(ctx, c.valueKey(e.key))
		} else {
			value = p.HGet(ctx, c.valueKey(e.key), e.field)
		}
		ver = p.Get(ctx, c.versionKey(e.key))
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		c.failed(ctx, name, "get", err)
		return look{}
	}
	l := look{version: "0", useRedis: true}
	if s, err := ver.Result(); err == nil {
		l.version = s
	}
	if raw, err := value.Bytes(); err == nil {
		l.cached = raw
	}
	return l
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

// failed counts a Redis failure, starts a short bypass and logs at most once per period. A write
// refused because Redis is full (noeviction) only costs that value its caching: reads go on.
func (c *Cache) failed(ctx context.Context, name, op string, err error) {
	if ctx.Err() != nil {
		return // the caller went away; Redis is not to blame
	}
	if redisclient.OutOfMemory(err) {
		metrics.CacheWriteRefused(name)
		return
	}
	metrics.CacheError(name, op)
	c.avail.failed(c.now(), c.log, name, op, err)
}
