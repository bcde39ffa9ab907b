package ratelimit

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/redis/go-redis/v9"

	"github.com/ternant/ternant/internal/testenv"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestMemoryGCRA(t *testing.T) {
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	m := newMemory(c.now)
	lim := Limit{Rate: 3, Period: 30 * time.Second} // one request back every 10 s

	steps := []struct {
		advance   time.Duration
		allowed   bool
		remaining int
	}{
		{0, true, 2},
		{0, true, 1},
		{0, true, 0},
		{0, false, 0},
		{9 * time.Second, false, 0},
		{time.Second, true, 0}, // 10 s: one emission interval has passed
		{0, false, 0},
		{40 * time.Second, true, 2}, // long idle: the full burst is back
	}
	for i, s := range steps {
		c.t = c.t.Add(s.advance)
		r := m.allow("k", lim)
		if r.Allowed != s.allowed || r.Remaining != s.remaining {
			t.Fatalf("step %d: allowed=%v remaining=%d, want %v %d", i, r.Allowed, r.Remaining, s.allowed, s.remaining)
		}
		if !r.Allowed && r.RetryAfter <= 0 {
			t.Fatalf("step %d: denied without RetryAfter", i)
		}
	}
	if r := m.allow("other", lim); !r.Allowed || r.Remaining != 2 {
		t.Fatalf("keys are independent: %+v", r)
	}
}

func TestRedisLimiterIsExact(t *testing.T) {
	addr := testenv.RedisAddr(t)
	prefix := testenv.RedisPrefix(t, addr)
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	// Two limiters on one Redis and prefix behave as one.
	a := New(rdb, prefix, slog.Default())
	b := New(rdb, prefix, slog.Default())
	lim := Limit{Rate: 7, Period: time.Minute}
	for i := range 7 {
		l := []*Limiter{a, b}[i%2]
		r := l.Allow(context.Background(), "client", lim)
		if !r.Allowed || r.Remaining != 6-i {
			t.Fatalf("request %d: %+v", i+1, r)
		}
	}
	if r := a.Allow(context.Background(), "client", lim); r.Allowed || r.RetryAfter <= 0 {
		t.Fatalf("request 8: %+v", r)
	}
	keys, err := rdb.Keys(context.Background(), prefix+"rate:*").Result()
	if err != nil || len(keys) != 1 {
		t.Fatalf("limiter keys under the prefix: %v %v", keys, err)
	}
}

func counterValue(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

// TestFallbackWhenRedisFails points the limiter at a closed port: decisions continue in process,
// each is counted, and the warning is logged once.
func TestFallbackWhenRedisFails(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", DialTimeout: 50 * time.Millisecond, MaxRetries: -1})
	defer rdb.Close()
	var logs bytes.Buffer
	l := New(rdb, "p:", slog.New(slog.NewTextHandler(&logs, nil)))
	before := counterValue(t, fallbackTotal)
	lim := Limit{Rate: 2, Period: time.Minute}
	got := []bool{}
	for range 3 {
		got = append(got, l.Allow(context.Background(), "c", lim).Allowed)
	}
	if want := []bool{true, true, false}; !slices.Equal(got, want) {
		t.Fatalf("in-process decisions %v, want %v", got, want)
	}
	if n := counterValue(t, fallbackTotal) - before; n != 3 {
		t.Fatalf("ratelimit_fallback_total grew by %v, want 3", n)
	}
	if n := strings.Count(logs.String(), "Redis unavailable"); n != 1 {
		t.Fatalf("logged %d warnings, want 1 per minute:\n%s", n, logs.String())
	}
}

func TestNoRedisIsInProcess(t *testing.T) {
	l := New(nil, "", slog.Default())
	before := counterValue(t, fallbackTotal)
	if r := l.Allow(context.Background(), "c", Limit{Rate: 1, Period: time.Minute}); !r.Allowed {
		t.Fatal("first request denied")
	}
	if r := l.Allow(context.Background(), "c", Limit{Rate: 1, Period: time.Minute}); r.Allowed {
		t.Fatal("second request allowed")
	}
	if counterValue(t, fallbackTotal) != before {
		t.Fatal("no Redis configured is not a fallback")
	}
}

func TestMiddlewareHeaders(t *testing.T) {
	l := New(nil, "", slog.Default())
	h := l.Middleware(Limit{Rate: 1, Period: time.Minute}, func(*http.Request) string { return "k" }, nil)(
		http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	first := httptest.NewRecorder()
	h.ServeHTTP(first, httptest.NewRequest(http.MethodGet, "/", nil))
	second := httptest.NewRecorder()
	h.ServeHTTP(second, httptest.NewRequest(http.MethodGet, "/", nil))
	if first.Code != http.StatusNoContent || first.Header().Get("X-RateLimit-Remaining") != "0" ||
		first.Header().Get("X-RateLimit-Limit") != "1" || first.Header().Get("Retry-After") != "" {
		t.Fatalf("allowed response: %d %v", first.Code, first.Header())
	}
	if second.Code != http.StatusTooManyRequests || second.Header().Get("Retry-After") == "" ||
		second.Header().Get("X-RateLimit-Reset") == "" {
		t.Fatalf("limited response: %d %v", second.Code, second.Header())
	}
}
