package server_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ternant/ternant/server/servertest"
)

// benchmarkCachedRead serves path through the whole handler (middleware, gate, handler) in
// process, against MariaDB and Redis, answered from the cache: the authenticated request path
// without the HTTP transport.
func benchmarkCachedRead(b *testing.B, path string) {
	inst := servertest.Start(b, nil)
	token, _ := inst.RegisterCompany(b, "bench-gate")
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.RemoteAddr = "127.0.0.1:40000"
	for range 2 { // fill the cache
		rec := httptest.NewRecorder()
		inst.Handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		inst.Handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: %d", path, rec.Code)
		}
	}
}

// BenchmarkGateCachedStats is a cached GET /dashboard/stats: rate limit, revocation, session and
// the cached figures in one Redis round trip, then the response.
func BenchmarkGateCachedStats(b *testing.B) { benchmarkCachedRead(b, "/api/v1/dashboard/stats") }

// BenchmarkGateCachedList is a cached page of GET /compounds.
func BenchmarkGateCachedList(b *testing.B) { benchmarkCachedRead(b, "/api/v1/compounds?limit=100") }

// BenchmarkGateAuthOnly is GET /auth/me: the gate without a cached value.
func BenchmarkGateAuthOnly(b *testing.B) { benchmarkCachedRead(b, "/api/v1/auth/me") }
