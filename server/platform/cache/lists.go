package cache

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/metrics"
)

// ListCache caches one list's reads per company: the row counts behind X-Total-Count, one per
// filter, and whole encoded pages. They live in one Redis hash per company, so a write drops all of
// them at once. A value is computed once however many requests miss it together, a write that
// commits while one is computed keeps it out of the cache, and Redis being down means reading SQL
// every time. A nil *ListCache, or one without a Cache, always computes.
type ListCache struct {
	Cache *Cache
	// List names the list: part of the key, and the `cache` label of the hit and miss counters
	// ("list:" + List).
	List string
	// TTL bounds how long a value can outlive a write that missed it; DefaultListTTL when zero.
	TTL time.Duration
}

// DefaultListTTL is how long a company's list reads stay cached without a write.
const DefaultListTTL = 5 * time.Minute

// NewListCache returns the cache of list over c and registers its metric series.
func NewListCache(c *Cache, list string, ttl time.Duration) *ListCache {
	t := &ListCache{Cache: c, List: list, TTL: ttl}
	metrics.InitCaches(t.name())
	return t
}

func (t *ListCache) name() string { return "list:" + t.List }

// ListKey is the Redis hash holding a company's cached reads of one list. The id is lower-cased:
// MySQL matches ids case-insensitively, so two spellings of one company must share one hash.
func ListKey(list, companyID string) string { return "list:" + list + ":" + strings.ToLower(companyID) }

func (t *ListCache) ttl() time.Duration {
	if t.TTL <= 0 {
		return DefaultListTTL
	}
	return t.TTL
}

// entry is where field of the company's hash lives.
func (t *ListCache) entry(companyID, field string) entry {
	return entry{key: ListKey(t.List, companyID), field: field}
}

// Page returns the encoded page cached under field (the filter and the paging), or load's bytes,
// which it caches.
func (t *ListCache) Page(ctx context.Context, companyID, field string, load func(context.Context) ([]byte, error)) ([]byte, error) {
	if t == nil || t.Cache == nil {
		return load(ctx)
	}
	e := t.entry(companyID, "page:"+field)
	l := t.Cache.peek(ctx, t.name(), e)
	if l.cached != nil {
		metrics.CacheHit(t.name())
		return l.cached, nil
	}
	metrics.CacheMiss(t.name())
	return t.Cache.load(ctx, t.name(), e, t.ttl(), l, load)
}

// PageKey returns the Redis hash and field where Page keeps the company's page under field; ok is
// false when nothing is cached (no cache configured). It implements httpx.PageLocator.
func (t *ListCache) PageKey(companyID, field string) (key, hashField string, ok bool) {
	if t == nil || t.Cache == nil {
		return "", "", false
	}
	e := t.entry(companyID, "page:"+field)
	return e.key, e.field, true
}

// Count returns the company's count for filter (a canonical string of the list's filters), from
// the cache or from count.
func (t *ListCache) Count(ctx context.Context, companyID, filter string, count func(context.Context) (int, error)) (int, error) {
	if t == nil || t.Cache == nil {
		return count(ctx)
	}
	e := t.entry(companyID, "total:"+filter)
	l := t.Cache.peek(ctx, t.name(), e)
	if n, err := strconv.Atoi(string(l.cached)); l.cached != nil && err == nil {
		metrics.CacheHit(t.name())
		return n, nil
	}
	metrics.CacheMiss(t.name())
	raw, err := t.Cache.load(ctx, t.name(), e, t.ttl(), l, func(ctx context.Context) ([]byte, error) {
		n, err := count(ctx)
		if err != nil {
			return nil, err
		}
		return []byte(strconv.Itoa(n)), nil
	})
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(string(raw))
	if err != nil {
		return 0, fmt.Errorf("cache %s: decode count: %w", t.name(), err)
	}
	return n, nil
}

// Invalidate drops the company's cached reads of the list; writers call it after they commit.
func (t *ListCache) Invalidate(ctx context.Context, companyID string) {
	if t == nil || t.Cache == nil {
		return
	}
	t.Cache.Invalidate(ctx, ListKey(t.List, companyID))
}

// PageTotal returns the count before paging of a page of n rows read at offset with limit. A page
// that is the list's last one says it by itself (offset + n, when n < limit and the page is not
// past the end), which spares the count; any other page asks Count.
func (t *ListCache) PageTotal(ctx context.Context, companyID, filter string, n, limit, offset int, count func(context.Context) (int, error)) (int, error) {
	if total, ok := db.LastPageTotal(n, limit, offset); ok {
		return total, nil
	}
	return t.Count(ctx, companyID, filter, count)
}
