package metrics_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/platform/metrics"
	"github.com/ternant/ternant/server/platform/metrics/metricstest"
)

// testRouter is wired like the server: recover outside the metrics middleware, a root middleware
// that can reject before routing (as the rate limiter does), a guard, strict decoding, and the
// wrapped not-found handlers.
func testRouter() http.Handler {
	r := chi.NewRouter()
	r.Use(httpx.Recover, metrics.HTTP(r, nil), func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if req.Header.Get("X-Test-Limit") != "" {
				httpx.WriteError(w, req, httpx.NewError(http.StatusTooManyRequests, "ThrottlerException: Too Many Requests"))
				return
			}
			next.ServeHTTP(w, req)
		})
	})
	r.NotFound(metrics.Unmatched(httpx.NotFoundHandler))
	r.MethodNotAllowed(metrics.Unmatched(httpx.NotFoundHandler))
	r.Route("/mw/v1", func(api chi.Router) {
		// A limiter inside the mount, as the server's: it answers before the sub-router routes.
		api.Use(func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				if req.Header.Get("X-Test-Limit-Inner") != "" {
					httpx.WriteError(w, req, httpx.NewError(http.StatusTooManyRequests, "ThrottlerException: Too Many Requests"))
					return
				}
				next.ServeHTTP(w, req)
			})
		})
		api.NotFound(metrics.Unmatched(httpx.NotFoundHandler))
		api.Get("/things/{id}", func(w http.ResponseWriter, _ *http.Request) { httpx.OK(w, map[string]string{"ok": "yes"}) })
		api.Post("/things/{id}", func(w http.ResponseWriter, req *http.Request) {
			var dto struct {
				Name string `json:"name" validate:"required"`
			}
			if err := httpx.Decode(req, &dto); err != nil {
				httpx.WriteError(w, req, err)
				return
			}
			httpx.Created(w, dto)
		})
		api.Get("/secret", func(w http.ResponseWriter, req *http.Request) {
			httpx.WriteError(w, req, httpx.Unauthorized("No token provided"))
		})
		api.Get("/panic", func(http.ResponseWriter, *http.Request) { panic("handler bug") })
	})
	return r
}

func TestHTTPCountsEveryResponseByRoutePattern(t *testing.T) {
	srv := httptest.NewServer(testRouter())
	defer srv.Close()

	for _, tc := range []struct {
		name, method, path, body string
		limited, limitedInner    bool
		status                   int
		labelMethod, route       string
	}{
		{"handled", "GET", "/mw/v1/things/42", "", false, false, 200, "GET", "/mw/v1/things/{id}"},
		{"other id, same series", "GET", "/mw/v1/things/43", "", false, false, 200, "GET", "/mw/v1/things/{id}"},
		{"created", "POST", "/mw/v1/things/1", `{"name":"a"}`, false, false, 201, "POST", "/mw/v1/things/{id}"},
		{"malformed JSON", "POST", "/mw/v1/things/1", `{"name":`, false, false, 400, "POST", "/mw/v1/things/{id}"},
		{"unknown field", "POST", "/mw/v1/things/1", `{"name":"a","x":1}`, false, false, 400, "POST", "/mw/v1/things/{id}"},
		{"guard rejection", "GET", "/mw/v1/secret", "", false, false, 401, "GET", "/mw/v1/secret"},
		{"panic", "GET", "/mw/v1/panic", "", false, false, 500, "GET", "/mw/v1/panic"},
		{"unknown path", "GET", "/mw/v1/nothing/here/123", "", false, false, 404, "GET", metrics.UnmatchedRoute},
		{"unknown top-level path", "GET", "/random-scan.php", "", false, false, 404, "GET", metrics.UnmatchedRoute},
		{"wrong method", "DELETE", "/mw/v1/things/42", "", false, false, 404, "DELETE", metrics.UnmatchedRoute},
		{"rate limited before routing", "GET", "/mw/v1/things/7", "", true, false, 429, "GET", "/mw/v1/things/{id}"},
		{"rate limited unknown path", "GET", "/mw/v1/zzz", "", true, false, 429, "GET", metrics.UnmatchedRoute},
		{"rate limited inside the mount", "GET", "/mw/v1/things/8", "", false, true, 429, "GET", "/mw/v1/things/{id}"},
		{"rate limited inside the mount, unknown path", "GET", "/mw/v1/zzz/1", "", false, true, 429, "GET", metrics.UnmatchedRoute},
		{"unknown method", "PROPFIND", "/mw/v1/things/42", "", false, false, 404, "OTHER", metrics.UnmatchedRoute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			labels := map[string]string{"method": tc.labelMethod, "route": tc.route, "status": strconv.Itoa(tc.status)}
			before := metricstest.Value(t, "http_requests_total", labels)
			durBefore := metricstest.Value(t, "http_request_duration_seconds", map[string]string{"method": tc.labelMethod, "route": tc.route})

			req, _ := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader(tc.body))
			if tc.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			if tc.limited {
				req.Header.Set("X-Test-Limit", "1")
			}
			if tc.limitedInner {
				req.Header.Set("X-Test-Limit-Inner", "1")
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Fatalf("status = %d, want %d", resp.StatusCode, tc.status)
			}
			if d := metricstest.Value(t, "http_requests_total", labels) - before; d != 1 {
				t.Errorf("http_requests_total%v rose by %v, want 1", labels, d)
			}
			if d := metricstest.Value(t, "http_request_duration_seconds", map[string]string{"method": tc.labelMethod, "route": tc.route}) - durBefore; d != 1 {
				t.Errorf("http_request_duration_seconds observations rose by %v, want 1", d)
			}
		})
	}
}

// metricstestGather gathers the default registry.
func metricstestGather() ([]*dto.MetricFamily, error) { return prometheus.DefaultGatherer.Gather() }
