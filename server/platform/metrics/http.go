package metrics

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// UnmatchedRoute is the route label of a request that matched no route (404 and 405 answers), so a
// scan of random paths cannot grow the label set.
const UnmatchedRoute = "unmatched"

// HTTP metrics. Every response is counted, whatever produced it: handlers, guards (401/403), the
// rate limiter (429), body decoding (400/413/415), unknown routes (404) and recovered panics (500).
var (
	httpRequests = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "http_requests_total",
		Help: "HTTP responses by method, route pattern and status code.",
	}, []string{"method", "route", "status"})

	httpDuration = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "http_request_duration_seconds",
		Help:    "HTTP request latency by method and route pattern, from the first middleware to the last byte written.",
		Buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
	}, []string{"method", "route"})

	httpInFlight = promauto.NewGauge(prometheus.GaugeOpts{
		Name: "http_requests_in_flight",
		Help: "HTTP requests being served.",
	})
)

// knownMethods bounds the method label: anything else is reported as OTHER.
var knownMethods = map[string]string{
	http.MethodGet: http.MethodGet, http.MethodHead: http.MethodHead, http.MethodPost: http.MethodPost,
	http.MethodPut: http.MethodPut, http.MethodPatch: http.MethodPatch, http.MethodDelete: http.MethodDelete,
	http.MethodOptions: http.MethodOptions,
}

type recordKey struct{}

// record is what the middleware learns about a request while it is served.
type record struct{ unmatched bool }

// Unmatched wraps the router's NotFound and MethodNotAllowed handlers so the middleware labels
// their answers UnmatchedRoute rather than with the pattern of the sub-router that gave up.
func Unmatched(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if rec, ok := r.Context().Value(recordKey{}).(*record); ok {
			rec.unmatched = true
		}
		next(w, r)
	}
}

// RequestHook observes each request the middleware measures, with the same route label: it runs
// before the request is served and may return it with a new context (a trace span); done runs
// once the response is known, panics included (status 500).
type RequestHook func(r *http.Request) (_ *http.Request, done func(route string, status int))

// HTTP returns the middleware that records http_requests_total and http_request_duration_seconds.
// routes is the root router: when a request is answered before routing (a rate limiter or CORS
// rejection in a root middleware), its pattern is looked up there, so the label is still the
// route pattern and never the raw path. hook, when not nil, sees every request too (tracing).
func HTTP(routes chi.Routes, hook RequestHook) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			rec := &record{}
			r = r.WithContext(context.WithValue(r.Context(), recordKey{}, rec))
			var done func(string, int)
			if hook != nil {
				r, done = hook(r)
			}
			ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
			httpInFlight.Inc()
			defer func() {
				httpInFlight.Dec()
				status := ww.Status()
				p := recover()
				if p != nil {
					// The recovering middleware outside answers 500; count it before passing the panic on.
					status = http.StatusInternalServerError
				} else if status == 0 {
					status = http.StatusOK
				}
				method := methodLabel(r.Method)
				route := routeLabel(routes, r, rec)
				s := seriesOf(method, route, status)
				s.requests.Inc()
				s.duration.Observe(time.Since(start).Seconds())
				if done != nil {
					done(route, status)
				}
				if p != nil {
					panic(p)
				}
			}()
			next.ServeHTTP(ww, r)
		})
	}
}

// seriesKey names one request's series: its labels.
type seriesKey struct {
	method, route string
	status        int
}

// series are the counter and histogram of one label set.
type series struct {
	requests prometheus.Counter
	duration prometheus.Observer
}

// seriesCache keeps each label set's series, so a request finds its own without hashing labels or
// allocating (the set is bounded: methods, route patterns and statuses).
var seriesCache = struct {
	sync.RWMutex
	m map[seriesKey]*series
}{m: map[seriesKey]*series{}}

func seriesOf(method, route string, status int) *series {
	k := seriesKey{method, route, status}
	seriesCache.RLock()
	s, ok := seriesCache.m[k]
	seriesCache.RUnlock()
	if ok {
		return s
	}
	s = &series{requests: httpRequests.WithLabelValues(method, route, strconv.Itoa(status)),
		duration: httpDuration.WithLabelValues(method, route)}
	seriesCache.Lock()
	seriesCache.m[k] = s
	seriesCache.Unlock()
	return s
}

func methodLabel(m string) string {
	if l, ok := knownMethods[m]; ok {
		return l
	}
	return "OTHER"
}

// routeLabel is the chi pattern the request was routed to, UnmatchedRoute when none matched.
func routeLabel(routes chi.Routes, r *http.Request, rec *record) string {
	if rec.unmatched {
		return UnmatchedRoute
	}
	if rctx := chi.RouteContext(r.Context()); rctx != nil {
		// A sub-router's wildcard ("/api/v1/*") means the request was answered inside the mount
		// before its own routing (a rate limiter there); the full pattern comes from Find below.
		if p := rctx.RoutePattern(); p != "" && !strings.HasSuffix(p, "/*") {
			return p
		}
	}
	if routes != nil {
		if p := routes.Find(chi.NewRouteContext(), r.Method, r.URL.Path); p != "" {
			return p
		}
	}
	return UnmatchedRoute
}
