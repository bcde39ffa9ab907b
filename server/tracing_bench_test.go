package server_test

import (
	"context"
	"net/http"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/ternant/ternant/server"
	"github.com/ternant/ternant/server/identity"
	"github.com/ternant/ternant/server/platform/tracing/tracingtest"
	"github.com/ternant/ternant/server/servertest"
)

// BenchmarkRequestTracing compares authenticated requests with tracing off (the default: no hook
// installed) and on (a recording SDK provider batching every span, as production does). "user" is
// GET /users/:id answered from the cache (Redis commands only); "users" is GET /users (two SQL
// statements and Redis commands).
//
//	go test -run '^$' -bench BenchmarkRequestTracing -benchtime 3000x -benchmem ./server/
func BenchmarkRequestTracing(b *testing.B) {
	modes := []struct {
		name string
		opts func() (server.Options, func())
	}{
		{"off", func() (server.Options, func()) { return server.Options{}, func() {} }},
		{"on", func() (server.Options, func()) {
			tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(tracingtest.Discard{}))
			return server.Options{TracerProvider: tp}, func() { _ = tp.Shutdown(context.Background()) }
		}},
	}
	for _, m := range modes {
		opts, stop := m.opts()
		inst := servertest.StartOptions(b, opts, nil)
		owner, company := inst.RegisterCompany(b, "bench-"+m.name)
		_, userID := inst.CreateUser(b, company, identity.Staff)
		for _, route := range []struct{ name, path string }{
			{"user", "/api/v1/users/" + userID}, {"users", "/api/v1/users"},
		} {
			b.Run(route.name+"/tracing="+m.name, func(b *testing.B) {
				req := servertest.Request{Method: http.MethodGet, Path: route.path, Token: owner}
				if r := servertest.Do(b, inst.URL, req); r.Status != http.StatusOK {
					b.Fatalf("%s: %d %s", route.path, r.Status, r.Body)
				}
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					if r := servertest.Do(b, inst.URL, req); r.Status != http.StatusOK {
						b.Fatalf("%s: %d", route.path, r.Status)
					}
				}
			})
		}
		stop()
	}
}
