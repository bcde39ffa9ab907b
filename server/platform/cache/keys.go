package cache

import (
	"context"
	"strings"

	"github.com/ternant/ternant/server/platform/metrics"
)

// The cache names used as the `cache` label of cache_hits_total and cache_misses_total.
const (
	Dashboard = "dashboard"
	Company   = "company"
	User      = "user"
	Compound  = "compound"
)

// invalidation is the cache label of failed invalidations (which may span several caches).
const invalidation = "invalidation"

func init() {
	metrics.InitCaches(Dashboard, Company, User, Compound)
	metrics.InitCacheErrors(invalidation, "delete")
}

// DashboardStatsKey is where a company's dashboard figures are cached (TernantApp's key), under
// the lower-cased id (MySQL matches ids case-insensitively).
func DashboardStatsKey(companyID string) string {
	return "dashboard:stats:" + strings.ToLower(companyID)
}

// CompanyKey is where a company read by id is cached.
func CompanyKey(id string) string { return "company:" + id }

// CompanySlugKey is where a company read by slug is cached.
func CompanySlugKey(slug string) string { return "company:slug:" + slug }

// Canonical reports whether s may name a cache key of a row looked up by s: only the characters
// [a-z0-9-], for which MySQL's case- and accent-insensitive, space-padding collations compare byte
// for byte. A lookup by "ABC" or "abc " finds the row "abc" too, but a value cached under such a key
// would never be dropped by a writer, who invalidates the row's own id or slug; callers read those
// straight from the database instead.
func Canonical(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// UserKey is where a user read by id is cached.
func UserKey(id string) string { return "user:" + id }

// CompoundKey is where a compound read by id is cached.
func CompoundKey(id string) string { return "compound:" + id }

// Invalidator drops cached values after a write. Writers call it after their transaction commits,
// never before (a read between the two would cache the old state again). It never fails: when
// Redis is unreachable the failure is counted and logged, and the value expires with its TTL.
//
// The services that change a dashboard figure (apartments, occupancies, invoices, payments) call,
// after every committed create, update, delete or reactivation:
//
//	s.cache.Invalidate(ctx, cache.DashboardStatsKey(companyID))
//
// and the company, user and compound services invalidate their entity keys the same way.
type Invalidator interface {
	Invalidate(ctx context.Context, keys ...string)
}

// Nop is an Invalidator that does nothing, for services built without a cache (unit tests).
type Nop struct{}

// Invalidate does nothing.
func (Nop) Invalidate(context.Context, ...string) {}
