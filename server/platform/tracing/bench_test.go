package tracing_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/tracing"
	"github.com/ternant/ternant/server/platform/tracing/tracingtest"
)

// BenchmarkRequestSpans is the tracing work of one typical request in isolation, on a recording
// provider that batches every span: the server span (continued from a traceparent), two SQL spans
// and three Redis spans.
//
//	go test -run '^$' -bench BenchmarkRequestSpans -benchmem ./server/platform/tracing/
func BenchmarkRequestSpans(b *testing.B) {
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(tracingtest.Discard{}))
	defer func() { _ = tp.Shutdown(context.Background()) }()
	tr := tracing.New(tp)
	hook := tr.RedisHook().ProcessHook(func(context.Context, redis.Cmder) error { return nil })
	r := httptest.NewRequest(http.MethodGet, "/api/v1/users/0199", nil)
	r.Header.Set("Traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	q := db.Query{Operation: "select", SQL: "SELECT id FROM users WHERE company_id = ? AND id = ?", Duration: time.Millisecond}
	b.ReportAllocs()
	for b.Loop() {
		r2, done := tr.Request(r)
		ctx := r2.Context()
		for range 3 {
			_ = hook(ctx, redis.NewStringCmd(ctx, "get", "k"))
		}
		q.Start = time.Now()
		tr.Query(ctx, q)
		tr.Query(ctx, q)
		done("/api/v1/users/{id}", http.StatusOK)
	}
}
