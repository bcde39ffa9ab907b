// Package metrics is Ternant's Prometheus instrumentation: the HTTP middleware, the database query
// hook and pool collector, cache counters, the per-company business gauges refreshed in the
// background, and the exposition endpoints (/metrics and /{prefix}/v1/metrics).
//
// Every metric is a package-level variable registered once on prometheus.DefaultRegisterer (which
// also carries the Go runtime and process collectors), so several servers in one process, as in
// tests, share one set of series instead of failing on duplicate registration.
package metrics

import (
	"crypto/subtle"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/identity"
)

// Path is the root exposition path Prometheus scrapes by default.
const Path = "/metrics"

// Handler serves the exposition format, guarded by a bearer token when one is configured.
type Handler struct {
	token string
	next  http.Handler
}

// NewHandler returns the exposition handler over the default registry. An empty token leaves the
// endpoint public (TernantApp's behaviour); otherwise requests need `Authorization: Bearer <token>`.
func NewHandler(token string) *Handler {
	return &Handler{
		token: token,
		next: promhttp.HandlerFor(withoutGoVersion(prometheus.DefaultGatherer), promhttp.HandlerOpts{
			ErrorHandling: promhttp.ContinueOnError,
		}),
	}
}

// ServeHTTP checks the token and writes the metrics.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.token != "" {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		switch {
		case !ok || got == "":
			httpx.WriteError(w, r, httpx.Unauthorized("No token provided"))
			return
		case subtle.ConstantTimeCompare([]byte(got), []byte(h.token)) != 1:
			httpx.WriteError(w, r, httpx.Unauthorized("Invalid or expired token"))
			return
		}
	}
	h.next.ServeHTTP(w, r)
}

// Routes mounts GET /metrics under the API prefix (TernantApp's /api/v1/metrics). The route is
// public to the JWT guard; the metrics token, when set, is checked by the handler itself.
func (h *Handler) Routes() []httpx.Route {
	return []httpx.Route{{Method: http.MethodGet, Pattern: Path, Access: identity.Public, Handler: h.ServeHTTP,
		Doc: httpx.Doc{Summary: "Prometheus metrics in the text exposition format (bearer METRICS_TOKEN when set)",
			Errors: []int{http.StatusUnauthorized}}}}
}

// withoutGoVersion drops go_info (its only label is the Go version): the runtime's exact version
// tells an attacker which known vulnerabilities to try, and no dashboard needs it.
func withoutGoVersion(g prometheus.Gatherer) prometheus.Gatherer {
	return prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) {
		mfs, err := g.Gather()
		return slices.DeleteFunc(mfs, func(mf *dto.MetricFamily) bool { return mf.GetName() == "go_info" }), err
	})
}

// byLabel keeps the children of a one-label vector, so a hot path finds its series by a map read
// instead of hashing the label and allocating its argument slice on every call.
type byLabel[T any] struct {
	with func(string) T
	mu   sync.RWMutex
	m    map[string]T
}

func newByLabel[T any](with func(...string) T) *byLabel[T] {
	return &byLabel[T]{with: func(l string) T { return with(l) }, m: map[string]T{}}
}

func (b *byLabel[T]) get(label string) T {
	b.mu.RLock()
	v, ok := b.m[label]
	b.mu.RUnlock()
	if ok {
		return v
	}
	v = b.with(label)
	b.mu.Lock()
	b.m[label] = v
	b.mu.Unlock()
	return v
}
