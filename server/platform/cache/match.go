package cache

import (
	"context"
	"fmt"
	"strings"

	"github.com/ternant/ternant/server/platform/metrics"
)

// Reports is the cache name of the company reports.
const Reports = "reports"

func init() { metrics.InitCaches(Reports) }

// ReportKey is where one report of a company is cached: its kind (kpis, revenue, ...) and a
// variant naming its parameters (the date range).
func ReportKey(kind, companyID, variant string) string {
	return "reports:" + kind + ":" + companyID + ":" + variant
}

// ReportPattern matches every cached report of a company (for InvalidateMatching).
func ReportPattern(companyID string) string { return "reports:*:" + companyID + ":*" }

// InvalidateMatching invalidates every cached key matching the Redis glob pattern (keys as
// Fetch names them, without the cache's prefix), for families of keys no writer can list, such
// as a company's reports over any date range. Unlike Invalidate it reports a Redis failure: the
// caller asked for the drop and must learn it did not happen.
func (c *Cache) InvalidateMatching(ctx context.Context, pattern string) error {
	if c == nil || c.rdb == nil {
		return nil
	}
	var keys []string
	iter := c.rdb.Scan(ctx, 0, c.valueKey(pattern), 200).Iterator()
	for iter.Next(ctx) {
		k := strings.TrimPrefix(iter.Val(), c.prefix)
		if !strings.HasPrefix(k, "cache:version:") {
			keys = append(keys, k)
		}
	}
	if err := iter.Err(); err != nil {
		return fmt.Errorf("scan cache keys %s: %w", pattern, err)
	}
	c.Invalidate(ctx, keys...)
	return nil
}
