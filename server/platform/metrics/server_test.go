package metrics_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/ternant/ternant/server/config"
	"github.com/ternant/ternant/server/platform/metrics"
	"github.com/ternant/ternant/server/platform/metrics/metricstest"
	"github.com/ternant/ternant/server/servertest"
)

// scrape fetches path and parses it with the Prometheus text parser.
func scrape(t *testing.T, inst *servertest.Instance, path, token string) map[string]*dto.MetricFamily {
	t.Helper()
	resp := inst.Get(t, path, token)
	if resp.Status != http.StatusOK {
		t.Fatalf("GET %s = %d %s", path, resp.Status, resp.Body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") || !strings.Contains(ct, "version=0.0.4") {
		t.Errorf("GET %s Content-Type = %q, want the text exposition format", path, ct)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(resp.Body))
	if err != nil {
		t.Fatalf("GET %s: not the Prometheus text format: %v", path, err)
	}
	return families
}

func TestMetricsEndpointsParseAndLabelRoutesByPattern(t *testing.T) {
	inst := servertest.Start(t, nil)
	for _, p := range []string{"/api/v1/health", "/api/v1/health/ping", "/api/v1/dashboard/stats",
		"/api/v1/no/such/route/12345", "/api/v1/health/../../etc/passwd", "/healthz"} {
		inst.Get(t, p, "")
	}
	for _, path := range []string{"/metrics", "/api/v1/metrics"} {
		families := scrape(t, inst, path, "")
		for _, name := range []string{"http_requests_total", "http_request_duration_seconds", "db_queries_total",
			"db_query_duration_seconds", "db_connections_active", "db_connections_idle", "db_connections_max",
			"db_connections_wait_total", "go_goroutines", "go_memstats_heap_alloc_bytes", "process_resident_memory_bytes"} {
			if families[name] == nil {
				t.Errorf("%s: %s missing", path, name)
			}
		}
		routes := map[string]bool{}
		for _, m := range families["http_requests_total"].GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "route" {
					routes[l.GetValue()] = true
				}
			}
		}
		for _, want := range []string{"/api/v1/health", "/api/v1/health/ping", "/api/v1/dashboard/stats", "/healthz", metrics.UnmatchedRoute} {
			if !routes[want] {
				t.Errorf("%s: no http_requests_total series with route=%q (have %v)", path, want, routes)
			}
		}
		for r := range routes {
			if strings.Contains(r, "12345") || strings.Contains(r, "passwd") || strings.Contains(r, "..") {
				t.Errorf("%s: raw path %q used as a route label", path, r)
			}
		}
	}
}

func TestMetricsToken(t *testing.T) {
	const token = "scrape-secret-0123456789"
	inst := servertest.Start(t, func(c *config.Config) { c.MetricsToken = token })
	for _, path := range []string{"/metrics", "/api/v1/metrics"} {
		for _, tc := range []struct {
			name, token string
			status      int
		}{
			{"no token", "", http.StatusUnauthorized},
			{"wrong token", "nope", http.StatusUnauthorized},
			{"right token", token, http.StatusOK},
		} {
			if got := inst.Get(t, path, tc.token).Status; got != tc.status {
				t.Errorf("%s with %s = %d, want %d", path, tc.name, got, tc.status)
			}
		}
	}
	scrape(t, inst, "/metrics", token)
}

func TestDBMetricsFollowQueries(t *testing.T) {
	inst := servertest.Start(t, nil)
	sel := map[string]string{"operation": "select"}
	before := metricstest.Value(t, "db_queries_total", sel)
	histBefore := metricstest.Value(t, "db_query_duration_seconds", sel)
	var one int
	if err := inst.DB.Get(context.Background(), &one, "SELECT 1"); err != nil {
		t.Fatal(err)
	}
	if d := metricstest.Value(t, "db_queries_total", sel) - before; d < 1 {
		t.Errorf("db_queries_total{operation=select} rose by %v, want at least 1", d)
	}
	if d := metricstest.Value(t, "db_query_duration_seconds", sel) - histBefore; d < 1 {
		t.Errorf("db_query_duration_seconds{operation=select} observations rose by %v, want at least 1", d)
	}
	if got := metricstest.Value(t, "db_connections_max", nil); got < float64(inst.Config.DB.PoolSize) {
		t.Errorf("db_connections_max = %v, want at least the pool size %d", got, inst.Config.DB.PoolSize)
	}
}
