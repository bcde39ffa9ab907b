package tracing_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/ternant/ternant/server/platform/tracing"
	"github.com/ternant/ternant/server/platform/tracing/tracingtest"
)

// TestSetupWithoutEndpointIsNoop: tracing off starts nothing (no exporter, no goroutine) and hands
// out the no-op provider, whose spans record nothing.
func TestSetupWithoutEndpointIsNoop(t *testing.T) {
	before := runtime.NumGoroutine()
	tp, closer, err := tracing.Setup(context.Background(), tracing.Options{ServiceName: "ternant"})
	if err != nil {
		t.Fatal(err)
	}
	if tracing.Enabled(tp) {
		t.Errorf("provider %T is enabled without an endpoint", tp)
	}
	_, span := tp.Tracer("x").Start(context.Background(), "y")
	if span.IsRecording() || span.SpanContext().IsValid() {
		t.Error("a span of the provider records")
	}
	span.End()
	if after := runtime.NumGoroutine(); after != before {
		t.Errorf("goroutines %d -> %d with tracing off", before, after)
	}
	if err := closer.Close(); err != nil {
		t.Error(err)
	}
}

// TestSetupExports sends a span through the real OTLP exporters (HTTP with protobuf bodies, and
// gRPC) to an in-process receiver; closing the provider flushes it.
func TestSetupExports(t *testing.T) {
	for _, c := range []struct {
		name string
		grpc bool
		rc   func(testing.TB) *tracingtest.Receiver
	}{{"http/protobuf", false, tracingtest.NewHTTP}, {"grpc", true, tracingtest.NewGRPC}} {
		t.Run(c.name, func(t *testing.T) {
			rc := c.rc(t)
			tp, closer, err := tracing.Setup(context.Background(), tracing.Options{Endpoint: rc.URL, GRPC: c.grpc,
				ServiceName: "ternant-test", ServiceVersion: "v9.9.9"})
			if err != nil {
				t.Fatal(err)
			}
			if !tracing.Enabled(tp) {
				t.Fatalf("provider %T not enabled", tp)
			}
			_, span := tp.Tracer("t").Start(context.Background(), "exported", trace.WithTimestamp(time.Now()))
			span.End()
			if got := rc.Spans(); len(got) != 0 {
				t.Fatalf("%d spans exported before the flush (the batcher should hold them)", len(got))
			}
			if err := closer.Close(); err != nil {
				t.Fatal(err)
			}
			got := rc.Spans()
			if len(got) != 1 || got[0].Name != "exported" {
				t.Fatalf("received %+v", got)
			}
			if r := got[0].Resource; r["service.name"] != "ternant-test" || r["service.version"] != "v9.9.9" {
				t.Errorf("resource = %v", r)
			}
		})
	}
}
