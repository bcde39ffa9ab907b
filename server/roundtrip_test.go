package server_test

import (
	"context"
	"net/http"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/ternant/ternant/server/auth"
	"github.com/ternant/ternant/server/config"
	"github.com/ternant/ternant/server/platform/cache"
	"github.com/ternant/ternant/server/servertest"
)

// roundTrips counts the server's Redis round trips: one per command sent alone, one per pipeline.
type roundTrips struct{ n atomic.Int64 }

func (c *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

func (c *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		c.n.Add(1)
		return next(ctx, cmd)
	}
}

func (c *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		c.n.Add(1)
		return next(ctx, cmds)
	}
}

// TestRedisRoundTripsPerRequest counts the Redis round trips of authenticated requests: a cached
// read costs one (rate limit, revocation, session and the cached value with its version in one
// script), a miss two (that one and the conditional store), an uncached route one; revocation and
// the rate limit still answer from that same round trip.
func TestRedisRoundTripsPerRequest(t *testing.T) {
	inst := servertest.Start(t, nil)
	token, companyID := inst.RegisterCompany(t, "trips-co")
	rt := &roundTrips{}
	inst.Redis.AddHook(rt)
	count := func(path, tok string, wantStatus int) int64 {
		t.Helper()
		before := rt.n.Load()
		resp := inst.Get(t, path, tok)
		if resp.Status != wantStatus {
			t.Fatalf("GET %s: %d %s, want %d", path, resp.Status, resp.Body, wantStatus)
		}
		return rt.n.Load() - before
	}
	// Warm up: the first run of each script may load it (EVALSHA, then EVAL).
	count("/api/v1/dashboard/stats", token, http.StatusOK)
	count("/api/v1/dashboard/stats", token, http.StatusOK)

	if n := count("/api/v1/dashboard/stats", token, http.StatusOK); n != 1 {
		t.Errorf("cached GET /dashboard/stats: %d Redis round trips, want 1", n)
	}
	inst.Cache.Invalidate(t.Context(), cache.DashboardStatsKey(companyID))
	if n := count("/api/v1/dashboard/stats", token, http.StatusOK); n != 2 {
		t.Errorf("GET /dashboard/stats after an invalidation: %d Redis round trips, want 2", n)
	}
	if n := count("/api/v1/dashboard/stats", token, http.StatusOK); n != 1 {
		t.Errorf("GET /dashboard/stats once cached again: %d Redis round trips, want 1", n)
	}
	for _, list := range []string{"/api/v1/compounds?limit=10", "/api/v1/apartments", "/api/v1/tenants?status=active&offset=0"} {
		count(list, token, http.StatusOK) // fills the cache
		if n := count(list, token, http.StatusOK); n != 1 {
			t.Errorf("cached GET %s: %d Redis round trips, want 1", list, n)
		}
	}
	if n := count("/api/v1/auth/me", token, http.StatusOK); n != 1 {
		t.Errorf("GET /auth/me: %d Redis round trips, want 1", n)
	}
	if n := count("/api/v1/dashboard/stats", "not-a-token", http.StatusUnauthorized); n != 1 {
		t.Errorf("a bad token: %d Redis round trips (the IP's rate limit), want 1", n)
	}

	// Logout revokes the token: the next request learns it from its one round trip.
	out := inst.Do(t, servertest.Request{Method: http.MethodPost, Path: "/api/v1/auth/logout", Token: token})
	if out.Status != http.StatusNoContent {
		t.Fatalf("logout: %d %s", out.Status, out.Body)
	}
	before := rt.n.Load()
	resp := inst.Get(t, "/api/v1/dashboard/stats", token)
	if resp.Status != http.StatusUnauthorized || resp.Map(t)["message"] != auth.MsgRevoked {
		t.Errorf("after logout: %d %s, want 401 %q", resp.Status, resp.Body, auth.MsgRevoked)
	}
	if n := rt.n.Load() - before; n != 1 {
		t.Errorf("a revoked token: %d Redis round trips, want 1", n)
	}
}

// TestGateRateLimit runs the shared limit through the gate: the limit holds across two servers on
// one Redis, the 429 carries the limiter's headers, and unmatched routes count against it too.
func TestGateRateLimit(t *testing.T) {
	a := servertest.Start(t, func(c *config.Config) { c.ThrottleLimit = 4 })
	b := servertest.StartWith(t, a.DSN, a.Redis.Options().Addr, a.KeyPrefix, false, func(c *config.Config) { c.ThrottleLimit = 4 })
	token, _ := a.RegisterCompany(t, "limit-co")
	var got []int
	for i := range 4 {
		inst := []*servertest.Instance{a, b}[i%2]
		got = append(got, inst.Get(t, "/api/v1/dashboard/stats", token).Status)
	}
	// Unmatched routes are outside the API document: sent without its contract check.
	resp := servertest.Do(t, b.URL, servertest.Request{Method: http.MethodGet, Path: "/api/v1/no-such-route", Token: token})
	got = append(got, resp.Status)
	if want := []int{200, 200, 200, 200, 429}; !slices.Equal(got, want) {
		t.Fatalf("statuses %v, want %v", got, want)
	}
	if resp.Header.Get("Retry-After") == "" || resp.Header.Get("X-RateLimit-Remaining") != "0" {
		t.Errorf("429 headers: %v", resp.Header)
	}
}
