package dashboard

import (
	"context"
	"time"

	"github.com/ternant/ternant/server/platform/cache"
	"github.com/ternant/ternant/server/platform/db"
)

// Service computes and caches the dashboard figures.
type Service struct {
	db    db.Queryer
	cache *cache.Cache
	ttl   time.Duration
	now   func() time.Time
}

// NewService returns the service over q, caching results in c for ttl (DASHBOARD_CACHE_TTL).
func NewService(q db.Queryer, c *cache.Cache, ttl time.Duration) *Service {
	return &Service{db: q, cache: c, ttl: ttl, now: time.Now}
}

// Stats returns companyID's figures from the cache, computing them on a miss. Concurrent misses
// for one company run the query once. A caller without a company (a super admin) sees zeros: the
// dashboard never crosses companies.
func (s *Service) Stats(ctx context.Context, companyID string) (Stats, error) {
	if companyID == "" {
		return Stats{AverageRent: "0"}, nil
	}
	return cache.Fetch(ctx, s.cache, cache.Dashboard, cache.DashboardStatsKey(companyID), s.ttl,
		func(ctx context.Context) (Stats, error) { return s.Compute(ctx, companyID) })
}

// Compute reads companyID's figures from the database, bypassing the cache.
func (s *Service) Compute(ctx context.Context, companyID string) (Stats, error) {
	return loadStats(ctx, s.db, companyID, s.now())
}
