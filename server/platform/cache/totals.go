package cache

import (
	"context"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/ternant/ternant/server/platform/metrics"
)

// Totals caches the row counts of one list (the X-Total-Count of its pages) per company: a Redis
// hash per company with one field per filter, so a write drops every filter's count at once. A
// count is computed once however many requests miss it together, a write that commits while one
// is computed keeps it out of the cache, and Redis being down means counting in SQL every time.
// A nil *Totals, or one without a Cache, always counts.
type Totals struct {
	Cache *Cache
	// List names the list: part of the key, and the `cache` label of the hit and miss counters
	// ("totals:" + List).
	List string
	// TTL bounds how long a count can outlive a write it missed; DefaultTotalsTTL when zero.
	TTL time.Duration
}

// DefaultTotalsTTL is how long a company's list counts stay cached without a write.
const DefaultTotalsTTL = 5 * time.Minute

// NewTotals returns the counts cache of list over c and registers its metric series.
func NewTotals(c *Cache, list string, ttl time.Duration) *Totals {
	t := &Totals{Cache: c, List: list, TTL: ttl}
	metrics.InitCaches(t.name())
	return t
}

func (t *Totals) name() string { return "totals:" + t.List }

// TotalsKey is the Redis hash holding a company's cached counts of one list.
func TotalsKey(list, companyID string) string { return "totals:" + list + ":" + companyID }

// Count returns the company's count for filter (a canonical string of the list's filters), from
// the cache or from count.
func (t *Totals) Count(ctx context.Context, companyID, filter string, count func(context.Context) (int, error)) (int, error) {
	if t == nil || t.Cache == nil {
		return count(ctx)
	}
	ttl := t.TTL
	if ttl <= 0 {
		ttl = DefaultTotalsTTL
	}
	key := TotalsKey(t.List, companyID)
	t.Cache.hashGens.LoadOrStore(key, new(atomic.Uint64))
	return t.Cache.total(ctx, t.name(), entry{key: key, field: filter}, ttl, count)
}

// Invalidate drops the company's cached counts of the list; writers call it after they commit.
func (t *Totals) Invalidate(ctx context.Context, companyID string) {
	if t == nil || t.Cache == nil {
		return
	}
	t.Cache.Invalidate(ctx, TotalsKey(t.List, companyID))
}

// total is Fetch for an integer kept in a hash field.
func (c *Cache) total(ctx context.Context, name string, e entry, ttl time.Duration, count func(context.Context) (int, error)) (int, error) {
	if raw, ok := c.get(ctx, name, e); ok {
		if n, err := strconv.Atoi(string(raw)); err == nil {
			metrics.CacheHit(name)
			return n, nil
		}
	}
	metrics.CacheMiss(name)
	ch := c.group.DoChan(c.flight(e), func() (any, error) {
		lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.loadTimeout)
		defer cancel()
		return c.fill(lctx, name, e, ttl, func(ctx context.Context) ([]byte, error) {
			n, err := count(ctx)
			if err != nil {
				return nil, err
			}
			return []byte(strconv.Itoa(n)), nil
		})
	})
	select {
	case <-ctx.Done():
		return 0, ctx.Err()
	case res := <-ch:
		if res.Err != nil {
			return 0, res.Err
		}
		n, err := strconv.Atoi(string(res.Val.([]byte)))
		if err != nil {
			return 0, fmt.Errorf("cache %s: decode count: %w", name, err)
		}
		return n, nil
	}
}

// PageTotal returns the count before paging of a page of n rows read at offset with limit. A page
// that is the list's last one says it by itself (offset + n, when n < limit and the page is not
// past the end), which spares the count; any other page asks Count.
func (t *Totals) PageTotal(ctx context.Context, companyID, filter string, n, limit, offset int, count func(context.Context) (int, error)) (int, error) {
	if limit > 0 && n < limit && (n > 0 || offset == 0) {
		return offset + n, nil
	}
	return t.Count(ctx, companyID, filter, count)
}
