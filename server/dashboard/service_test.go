package dashboard

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"

	"github.com/ternant/ternant/internal/testenv"
	"github.com/ternant/ternant/server/platform/cache"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/metrics/metricstest"
)

// fixedNow is the service's clock in these tests; fixtures place due dates around it.
var fixedNow = time.Date(2026, 3, 15, 10, 30, 0, 0, time.UTC)

var fieldOrder = []string{"totalUnits", "occupiedUnits", "vacantUnits", "occupancyRate", "activeTenants",
	"averageRent", "monthlyRecurringRevenue", "totalRevenue", "outstandingAmount", "collectionRate",
	"overdueInvoices", "overdueAmount"}

// realRedisCache is a cache on the shared test Redis under a key prefix unique to the test.
func realRedisCache(t testing.TB) (*cache.Cache, *redis.Client) {
	t.Helper()
	addr := testenv.RedisAddr(t)
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { rdb.Close() })
	return cache.New(rdb, testenv.RedisPrefix(t, addr), nil), rdb
}

func newService(d db.Queryer, c *cache.Cache) *Service {
	s := NewService(d, c, 5*time.Minute)
	s.now = func() time.Time { return fixedNow }
	return s
}

// checkStats compares st with want field by field, exactly (averageRent to SQL's six places), and
// checks that the JSON has exactly the twelve fields in TernantApp's order.
func checkStats(t *testing.T, st Stats, want map[string]*big.Rat) {
	t.Helper()
	raw, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	checkStatsJSON(t, raw, want)
}

// checkStatsJSON is checkStats on the JSON form.
func checkStatsJSON(t *testing.T, raw []byte, want map[string]*big.Rat) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var got map[string]json.Number
	if err := dec.Decode(&got); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(fieldOrder) {
		t.Fatalf("got %d fields, want %d: %s", len(got), len(fieldOrder), raw)
	}
	pos := -1
	for _, f := range fieldOrder {
		i := bytes.Index(raw, []byte(`"`+f+`":`))
		if i < pos {
			t.Errorf("field %s out of order in %s", f, raw)
		}
		pos = i
		g, ok := new(big.Rat).SetString(string(got[f]))
		if !ok {
			t.Errorf("%s = %q is not a number", f, got[f])
			continue
		}
		tolerance := new(big.Rat)
		if f == "averageRent" {
			tolerance = big.NewRat(1, 1000000)
		}
		if diff := new(big.Rat).Sub(g, want[f]); diff.Abs(diff).Cmp(tolerance) > 0 {
			t.Errorf("%s = %s, want %s", f, got[f], want[f].FloatString(6))
		}
	}
}

func TestStatsMatchIndependentComputation(t *testing.T) {
	d := openDB(t, nil)
	c, _ := realRedisCache(t)
	svc := newService(d, c)
	ctx := context.Background()

	// Other companies' rows share the tables and must never leak into a company's figures.
	randomFixture(99, 30, fixedNow).insert(t, d)

	for _, tc := range []struct {
		name  string
		seed  uint64
		units int
	}{
		{"empty company", 1, 0},
		{"one apartment", 2, 1},
		{"small", 3, 7},
		{"mixed", 4, 40},
		{"large", 5, 150},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := randomFixture(tc.seed, tc.units, fixedNow)
			f.insert(t, d)
			want := f.expected(fixedNow)

			direct, err := svc.Compute(ctx, f.companyID)
			if err != nil {
				t.Fatal(err)
			}
			checkStats(t, direct, want)

			cold, err := svc.Stats(ctx, f.companyID)
			if err != nil {
				t.Fatal(err)
			}
			checkStats(t, cold, want)
			warm, err := svc.Stats(ctx, f.companyID) // decoded from Redis
			if err != nil {
				t.Fatal(err)
			}
			checkStats(t, warm, want)
		})
	}
}

func TestStatsWithoutCompanyAreZero(t *testing.T) {
	var queries atomic.Int64
	d := openDB(t, func(string, time.Duration, error) { queries.Add(1) })
	c, _ := realRedisCache(t)
	st, err := newService(d, c).Stats(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	checkStats(t, st, (&fixture{}).expected(fixedNow))
	if n := queries.Load(); n != 0 {
		t.Errorf("ran %d queries for a caller without a company, want 0", n)
	}
}

// TestStatsInvalidation records a payment the way the payments service does (raise amount_paid)
// and shows that the cached figure stays stale until the writer's invalidation, after which the
// very next call sees the payment.
func TestStatsInvalidation(t *testing.T) {
	d := openDB(t, nil)
	c, _ := realRedisCache(t)
	svc := newService(d, c)
	ctx := context.Background()
	f := randomFixture(7, 12, fixedNow)
	f.insert(t, d)
	if len(f.leases) == 0 {
		t.Fatal("fixture has no lease to invoice")
	}
	// One sent invoice with room for a payment.
	inv := fxInvoice{id: uuid.NewString(), leaseID: f.leases[0].id, tenantID: f.leases[0].tenantID,
		status: "sent", due: fixedNow.AddDate(0, 0, 10), total: 5000000, paid: 0, active: true}
	(&fixture{companyID: f.companyID, invoices: []fxInvoice{inv}}).insertInvoices(t, d, "PAY-TEST")

	before, err := svc.Stats(ctx, f.companyID)
	if err != nil {
		t.Fatal(err)
	}
	const payment = 123456 // 1234.56
	if _, err := d.Exec(ctx, `UPDATE invoices SET amount_paid = amount_paid + ? WHERE id = ? AND company_id = ?`,
		cents(payment), inv.id, f.companyID); err != nil {
		t.Fatal(err)
	}

	stale, err := svc.Stats(ctx, f.companyID)
	if err != nil {
		t.Fatal(err)
	}
	if stale.TotalRevenue != before.TotalRevenue {
		t.Fatalf("without invalidation the cached figure changed: %s -> %s (is the cache used?)", before.TotalRevenue, stale.TotalRevenue)
	}

	c.Invalidate(ctx, cache.DashboardStatsKey(f.companyID)) // what the payments service calls after commit
	after, err := svc.Stats(ctx, f.companyID)
	if err != nil {
		t.Fatal(err)
	}
	if want := before.TotalRevenue + payment; after.TotalRevenue != want {
		t.Errorf("totalRevenue after payment = %s, want %s", after.TotalRevenue, want)
	}
	if want := before.OutstandingAmount - payment; after.OutstandingAmount != want {
		t.Errorf("outstandingAmount after payment = %s, want %s", after.OutstandingAmount, want)
	}
}

// TestStatsStampede sends 100 concurrent cold requests for one company: the stats SQL runs once.
func TestStatsStampede(t *testing.T) {
	var selects atomic.Int64
	d := openDB(t, func(op string, _ time.Duration, _ error) {
		if op == "select" {
			selects.Add(1)
		}
	})
	f := randomFixture(11, 60, fixedNow)
	f.insert(t, d)
	c, _ := realRedisCache(t)
	svc := newService(d, c)
	selects.Store(0)

	const callers = 100
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		got   = make([]Stats, callers)
		errs  = make([]error, callers)
	)
	for i := range callers {
		wg.Go(func() {
			<-start
			got[i], errs[i] = svc.Stats(context.Background(), f.companyID)
		})
	}
	close(start)
	wg.Wait()
	for i := range callers {
		if errs[i] != nil {
			t.Fatalf("caller %d: %v", i, errs[i])
		}
		if got[i] != got[0] {
			t.Fatalf("caller %d got %+v, caller 0 got %+v", i, got[i], got[0])
		}
	}
	checkStats(t, got[0], f.expected(fixedNow))
	if n := selects.Load(); n != 1 {
		t.Errorf("100 concurrent cold calls ran %d stats queries, want 1", n)
	}
}

// TestStatsServedWhenRedisStopsFake stops a fake Redis (miniredis) mid-test: the figures are still
// served, from the database, and the misses and errors are counted.
func TestStatsServedWhenRedisStopsFake(t *testing.T) {
	d := openDB(t, nil)
	f := randomFixture(13, 20, fixedNow)
	f.insert(t, d)
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr(), MaxRetries: -1})
	t.Cleanup(func() { rdb.Close() })
	svc := newService(d, cache.New(rdb, "t:", nil))
	ctx := context.Background()
	want := f.expected(fixedNow)

	miss := func() float64 {
		return metricstest.Value(t, "cache_misses_total", map[string]string{"cache": cache.Dashboard})
	}
	hit := func() float64 {
		return metricstest.Value(t, "cache_hits_total", map[string]string{"cache": cache.Dashboard})
	}

	if _, err := svc.Stats(ctx, f.companyID); err != nil {
		t.Fatal(err)
	}
	h0 := hit()
	if _, err := svc.Stats(ctx, f.companyID); err != nil {
		t.Fatal(err)
	}
	if hit() != h0+1 {
		t.Fatalf("second call was not a cache hit")
	}

	mr.Close()
	m0 := miss()
	for i := range 3 {
		st, err := svc.Stats(ctx, f.companyID)
		if err != nil {
			t.Fatalf("call %d with Redis stopped: %v", i, err)
		}
		checkStats(t, st, want)
	}
	if got := miss() - m0; got != 3 {
		t.Errorf("cache_misses_total rose by %v with Redis stopped, want 3", got)
	}
}

// TestStatsServedWhenRedisClientClosed uses the real Redis through a client closed mid-test.
func TestStatsServedWhenRedisClientClosed(t *testing.T) {
	d := openDB(t, nil)
	f := randomFixture(17, 10, fixedNow)
	f.insert(t, d)
	c, rdb := realRedisCache(t)
	svc := newService(d, c)
	ctx := context.Background()
	if _, err := svc.Stats(ctx, f.companyID); err != nil {
		t.Fatal(err)
	}
	rdb.Close()
	errs0 := metricstest.Value(t, "cache_errors_total", map[string]string{"cache": cache.Dashboard, "operation": "get"})
	st, err := svc.Stats(ctx, f.companyID)
	if err != nil {
		t.Fatalf("with the Redis client closed: %v", err)
	}
	checkStats(t, st, f.expected(fixedNow))
	if got := metricstest.Value(t, "cache_errors_total", map[string]string{"cache": cache.Dashboard, "operation": "get"}); got <= errs0 {
		t.Errorf("cache_errors_total{operation=get} did not rise (%v -> %v)", errs0, got)
	}
	c.Invalidate(ctx, cache.DashboardStatsKey(f.companyID)) // must not panic or block with Redis gone
}

// insertInvoices writes only the fixture's invoices (their leases exist already).
func (f *fixture) insertInvoices(t testing.TB, d *db.DB, numberPrefix string) {
	t.Helper()
	for i, inv := range f.invoices {
		if _, err := d.Exec(context.Background(), `INSERT INTO invoices (id, company_id, invoice_number, occupancy_id, tenant_id,
			invoice_date, due_date, status, lineItems, subtotal, total_amount, amount_paid, is_active)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, '[]', ?, ?, ?, ?)`,
			inv.id, f.companyID, fmt.Sprintf("%s-%d", numberPrefix, i), inv.leaseID, inv.tenantID,
			inv.due.AddDate(0, 0, -7).Format(time.DateOnly), inv.due.Format(time.DateOnly), inv.status,
			cents(inv.total), cents(inv.total), cents(inv.paid), inv.active); err != nil {
			t.Fatal(err)
		}
	}
}

// TestStatsTTLZeroComputesEveryCall: DASHBOARD_CACHE_TTL=0 turns the cache off (the benchmarks'
// uncached stats): each call runs the stats SQL and nothing is stored in Redis.
func TestStatsTTLZeroComputesEveryCall(t *testing.T) {
	var selects atomic.Int64
	d := openDB(t, func(op string, _ time.Duration, _ error) {
		if op == "select" {
			selects.Add(1)
		}
	})
	f := randomFixture(12, 20, fixedNow)
	f.insert(t, d)
	c, _ := realRedisCache(t)
	// A value stored while the cache was on must not be served once it is off.
	if _, err := newService(d, c).Stats(context.Background(), f.companyID); err != nil {
		t.Fatal(err)
	}
	svc := NewService(d, c, 0)
	svc.now = func() time.Time { return fixedNow }
	selects.Store(0)
	for range 3 {
		got, err := svc.Stats(context.Background(), f.companyID)
		if err != nil {
			t.Fatal(err)
		}
		checkStats(t, got, f.expected(fixedNow))
	}
	if n := selects.Load(); n != 3 {
		t.Errorf("3 calls with TTL 0 ran %d stats queries, want 3", n)
	}
}
