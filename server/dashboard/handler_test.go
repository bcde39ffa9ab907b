package dashboard_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/go-chi/chi/v5"
	"github.com/redis/go-redis/v9"

	"github.com/ternant/ternant/server/dashboard"
	"github.com/ternant/ternant/server/identity"
	"github.com/ternant/ternant/server/platform/cache"
	"github.com/ternant/ternant/server/platform/metrics"
	"github.com/ternant/ternant/server/platform/metrics/metricstest"
	"github.com/ternant/ternant/server/servertest"
)

const statsPath = "/api/v1/dashboard/stats"

// data returns the {"data": {...}} envelope's object.
func data(t *testing.T, resp *servertest.Response) []byte {
	t.Helper()
	if resp.Status != http.StatusOK {
		t.Fatalf("GET %s = %d %s", statsPath, resp.Status, resp.Body)
	}
	var env map[string]json.RawMessage
	resp.JSON(t, &env)
	if len(env) != 1 || env["data"] == nil {
		t.Fatalf("body %s is not {\"data\": {...}}", resp.Body)
	}
	return env["data"]
}

func TestStatsEndpoint(t *testing.T) {
	inst := servertest.Start(t, nil)
	token, companyID := inst.RegisterCompany(t, "stats-a")
	otherToken, otherID := inst.RegisterCompany(t, "stats-b")
	want := dashboard.SeedCompany(t, inst.DB, companyID, 21, 35, time.Now().UTC())
	wantOther := dashboard.SeedCompany(t, inst.DB, otherID, 22, 9, time.Now().UTC())

	if got := inst.Get(t, statsPath, "").Status; got != http.StatusUnauthorized {
		t.Errorf("without a token: %d, want 401", got)
	}
	for range 2 { // cold, then from the cache
		dashboard.CheckStatsJSON(t, data(t, inst.Get(t, statsPath, token)), want)
		dashboard.CheckStatsJSON(t, data(t, inst.Get(t, statsPath, otherToken)), wantOther)
	}
	for _, role := range []identity.Role{identity.Staff, identity.Auditor} {
		dashboard.CheckStatsJSON(t, data(t, inst.Get(t, statsPath, inst.UserToken(t, companyID, role))), want)
	}
}

// TestStatsEndpointInvalidation: a payment recorded after the figures were cached shows on the
// very next call once the writer invalidates, as the payments service does after its commit.
func TestStatsEndpointInvalidation(t *testing.T) {
	inst := servertest.Start(t, nil)
	token, companyID := inst.RegisterCompany(t, "stats-inv")
	dashboard.SeedCompany(t, inst.DB, companyID, 23, 10, time.Now().UTC())
	ctx := context.Background()

	read := func() map[string]json.Number {
		var m map[string]json.Number
		if err := json.Unmarshal(data(t, inst.Get(t, statsPath, token)), &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	before := read()
	var invoice string
	if err := inst.DB.Get(ctx, &invoice, `SELECT id FROM invoices WHERE company_id = ? AND is_active = 1
		AND amount_paid + 10.00 <= total_amount ORDER BY id LIMIT 1`, companyID); err != nil {
		t.Fatal(err)
	}
	if _, err := inst.DB.Exec(ctx, `UPDATE invoices SET amount_paid = amount_paid + 10.00 WHERE id = ?`, invoice); err != nil {
		t.Fatal(err)
	}
	if got := read()["totalRevenue"]; got != before["totalRevenue"] {
		t.Fatalf("totalRevenue changed without an invalidation (%s -> %s): the cache is not in use", before["totalRevenue"], got)
	}
	inst.Cache.Invalidate(ctx, cache.DashboardStatsKey(companyID))
	after := read()
	b, _ := before["totalRevenue"].Float64()
	a, _ := after["totalRevenue"].Float64()
	if d := a - b; d < 9.999 || d > 10.001 {
		t.Errorf("totalRevenue %s -> %s, want +10", before["totalRevenue"], after["totalRevenue"])
	}
}

// TestStatsEndpointStampede: 100 concurrent cold requests compute the figures once.
func TestStatsEndpointStampede(t *testing.T) {
	inst := servertest.Start(t, nil)
	token, companyID := inst.RegisterCompany(t, "stats-stampede")
	want := dashboard.SeedCompany(t, inst.DB, companyID, 24, 80, time.Now().UTC())
	loads := map[string]string{"cache": cache.Dashboard}
	before := metricstest.Value(t, "cache_loads_total", loads)

	const callers = 100
	bodies := make([][]byte, callers)
	statuses := make([]int, callers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range callers {
		wg.Go(func() {
			<-start
			// The package-level Do: the contract check is not safe for concurrent use of t.
			resp := servertest.Do(t, inst.URL, servertest.Request{Method: http.MethodGet, Path: statsPath, Token: token})
			statuses[i], bodies[i] = resp.Status, resp.Body
		})
	}
	close(start)
	wg.Wait()
	for i := range callers {
		if statuses[i] != http.StatusOK || string(bodies[i]) != string(bodies[0]) {
			t.Fatalf("caller %d: %d %s (caller 0: %s)", i, statuses[i], bodies[i], bodies[0])
		}
	}
	dashboard.CheckStatsJSON(t, data(t, &servertest.Response{Status: statuses[0], Body: bodies[0]}), want)
	if d := metricstest.Value(t, "cache_loads_total", loads) - before; d != 1 {
		t.Errorf("100 concurrent cold requests computed the stats %v times, want 1", d)
	}
}

// TestStatsEndpointRedisStoppedFake serves the stats handler over HTTP with its cache on a fake
// Redis (miniredis) that stops mid-test. Authentication is replaced by a fixed principal: the
// server's sessions live in Redis too, and this test is about the cache alone.
func TestStatsEndpointRedisStoppedFake(t *testing.T) {
	inst := servertest.Start(t, nil)
	_, companyID := inst.RegisterCompany(t, "stats-redis")
	want := dashboard.SeedCompany(t, inst.DB, companyID, 25, 15, time.Now().UTC())

	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr(), MaxRetries: -1})
	t.Cleanup(func() { rdb.Close() })
	h := dashboard.NewHandler(dashboard.NewService(inst.DB, cache.New(rdb, "t:", nil), time.Minute))
	r := chi.NewRouter()
	r.Use(metrics.HTTP(r, nil))
	principal := &identity.Principal{UserID: "u", CompanyID: &companyID, Role: identity.Owner}
	for _, rt := range h.Routes() {
		r.Method(rt.Method, "/fake-redis"+rt.Pattern, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			rt.Handler(w, req.WithContext(identity.With(req.Context(), principal)))
		}))
	}
	srv := httptest.NewServer(r)
	defer srv.Close()
	get := func() *servertest.Response {
		return servertest.Do(t, srv.URL, servertest.Request{Method: http.MethodGet, Path: "/fake-redis/dashboard/stats"})
	}
	dashboard.CheckStatsJSON(t, data(t, get()), want)

	misses := map[string]string{"cache": cache.Dashboard}
	route := "/fake-redis/dashboard/stats"
	m0 := metricstest.Value(t, "cache_misses_total", misses)
	ok0 := metricstest.Value(t, "http_requests_total", map[string]string{"method": "GET", "route": route, "status": "200"})
	mr.Close()
	for range 5 {
		dashboard.CheckStatsJSON(t, data(t, get()), want)
	}
	if d := metricstest.Value(t, "cache_misses_total", misses) - m0; d != 5 {
		t.Errorf("cache_misses_total rose by %v with Redis stopped, want 5", d)
	}
	if d := metricstest.Value(t, "http_requests_total", map[string]string{"method": "GET", "route": route, "status": "200"}) - ok0; d != 5 {
		t.Errorf("http_requests_total{status=200} rose by %v, want 5", d)
	}
	for _, code := range []string{"500", "503"} {
		if v := metricstest.Value(t, "http_requests_total", map[string]string{"method": "GET", "route": route, "status": code}); v != 0 {
			t.Errorf("%v responses with status %s", v, code)
		}
	}
}
