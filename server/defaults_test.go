package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"github.com/ternant/ternant/internal/testenv"
	"github.com/ternant/ternant/server"
	"github.com/ternant/ternant/server/config"
	"github.com/ternant/ternant/server/servertest"
)

// TestCORSClosedWhenUnset: with CORS_ORIGINS unset no origin is allowed, and never with credentials.
func TestCORSClosedWhenUnset(t *testing.T) {
	inst := servertest.Start(t, nil)
	for _, req := range []servertest.Request{
		{Method: http.MethodOptions, Path: "/api/v1/auth/login", Header: http.Header{
			"Origin": {"https://evil.example.com"}, "Access-Control-Request-Method": {"POST"},
			"Access-Control-Request-Headers": {"content-type,authorization"}}},
		{Method: http.MethodGet, Path: "/api/v1/health/ping", Header: http.Header{"Origin": {"https://evil.example.com"}}},
	} {
		r := servertest.Do(t, inst.URL, req)
		for _, h := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials"} {
			if v := r.Header.Get(h); v != "" {
				t.Errorf("%s %s: %s = %q with CORS_ORIGINS unset", req.Method, req.Path, h, v)
			}
		}
	}
}

// TestCORSWildcardNeverWithCredentials: CORS_ORIGINS=* allows any origin without credentials.
func TestCORSWildcardNeverWithCredentials(t *testing.T) {
	inst := servertest.Start(t, func(c *config.Config) { c.CORSOrigins = []string{"*"} })
	r := servertest.Do(t, inst.URL, servertest.Request{Method: http.MethodGet, Path: "/api/v1/health/ping",
		Header: http.Header{"Origin": {"https://any.example.com"}}})
	if r.Header.Get("Access-Control-Allow-Origin") == "" {
		t.Error("CORS_ORIGINS=* allows no origin")
	}
	if v := r.Header.Get("Access-Control-Allow-Credentials"); v != "" {
		t.Errorf("CORS_ORIGINS=* allows credentials: %q", v)
	}
}

// TestProductionRequiresMetricsToken: the production server refuses to start with a public /metrics.
func TestProductionRequiresMetricsToken(t *testing.T) {
	cfg := servertest.Config(t, testenv.MySQL(t), testenv.RedisAddr(t))
	cfg.Env = config.Production
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	_, err := server.New(context.Background(), cfg, log, server.Options{Migrate: true})
	if err == nil || !strings.Contains(err.Error(), "METRICS_TOKEN") {
		t.Fatalf("production start without METRICS_TOKEN: err = %v, want a refusal naming METRICS_TOKEN", err)
	}
	cfg.MetricsToken = "scrape-secret-0123456789abcdef"
	srv, err := server.New(context.Background(), cfg, log, server.Options{Migrate: true})
	if err != nil {
		t.Fatalf("production start with METRICS_TOKEN: %v", err)
	}
	srv.Close()
}

// TestNoGoVersionInPublicAnswers: /health and a public /metrics never name the Go version.
func TestNoGoVersionInPublicAnswers(t *testing.T) {
	inst := servertest.Start(t, nil)
	for _, path := range []string{"/api/v1/health", "/metrics", "/api/v1/metrics"} {
		r := inst.Get(t, path, "")
		if r.Status != http.StatusOK {
			t.Fatalf("%s = %d", path, r.Status)
		}
		for _, leak := range []string{runtime.Version(), "nodeVersion", "goversion", "go_info"} {
			if strings.Contains(string(r.Body), leak) {
				t.Errorf("%s contains %q", path, leak)
			}
		}
	}
}

// TestOpsRoutesAreRateLimited: probes, metrics and the API document have a per-IP limit of their
// own, apart from the API's.
func TestOpsRoutesAreRateLimited(t *testing.T) {
	const limit = 3
	inst := servertest.Start(t, func(c *config.Config) { c.ThrottleLimit = limit })
	// Every ops path shares the client's bucket: /healthz spends it for all of them.
	for i := 0; i < limit; i++ {
		if r := servertest.Do(t, inst.URL, servertest.Request{Method: http.MethodGet, Path: "/healthz"}); r.Status != http.StatusOK {
			t.Fatalf("request %d = %d", i+1, r.Status)
		}
	}
	for _, path := range []string{"/healthz", "/readyz", "/metrics", "/api/docs-json", "/api/docs"} {
		r := servertest.Do(t, inst.URL, servertest.Request{Method: http.MethodGet, Path: path})
		if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
			t.Errorf("%s past the limit = %d (Retry-After %q), want 429", path, r.Status, r.Header.Get("Retry-After"))
		}
	}
	// The API's own bucket is untouched.
	if r := servertest.Do(t, inst.URL, servertest.Request{Method: http.MethodGet, Path: "/api/v1/health/ping"}); r.Status != http.StatusOK {
		t.Errorf("API after the ops limit = %d, want 200", r.Status)
	}
}
