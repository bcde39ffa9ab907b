package dashboard

import (
	"context"
	"testing"
	"time"
)

// BenchmarkStatsCompute runs the stats SQL (one round trip) for a company of 2,000 apartments and
// their leases and invoices on the local MariaDB: the uncached path.
func BenchmarkStatsCompute(b *testing.B) {
	d := openDB(b, nil)
	f := randomFixture(31, 2000, fixedNow)
	f.insert(b, d)
	svc := NewService(d, nil, 0)
	svc.now = func() time.Time { return fixedNow }
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, err := svc.Compute(ctx, f.companyID); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStatsCached answers the stats from Redis: the cached path (one GET and a decode).
func BenchmarkStatsCached(b *testing.B) {
	d := openDB(b, nil)
	f := randomFixture(32, 50, fixedNow)
	f.insert(b, d)
	c, _ := realRedisCache(b)
	svc := newService(d, c)
	ctx := context.Background()
	if _, err := svc.Stats(ctx, f.companyID); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := svc.Stats(ctx, f.companyID); err != nil {
			b.Fatal(err)
		}
	}
}
