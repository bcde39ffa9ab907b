// Package tracing is Ternant's optional OpenTelemetry tracing. Setup installs nothing unless an
// OTLP endpoint is configured: the server then gets a no-op provider and none of the hooks below,
// so tracing off costs nothing. When on, spans go through a batching OTLP/HTTP exporter, W3C
// trace context is continued from incoming requests, and Tracer supplies the three hooks the
// server wires: one server span per HTTP request named by its route pattern (through the metrics
// middleware), and child spans for SQL statements and Redis commands made within a request.
package tracing

import (
	"context"
	"fmt"
	"io"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// Options configure Setup.
type Options struct {
	// Endpoint is the OTLP traces URL; empty turns tracing off.
	Endpoint string
	// GRPC selects OTLP over gRPC instead of the default OTLP/HTTP with protobuf bodies.
	GRPC bool
	// ServiceName and ServiceVersion become the service.name and service.version resource
	// attributes (OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES still override them).
	ServiceName, ServiceVersion string
}

// ShutdownTimeout bounds the flush of buffered spans at shutdown.
const ShutdownTimeout = 5 * time.Second

// Setup returns the tracer provider the options call for and a Closer that flushes and stops it.
// OTLP's collector messages link gRPC in either way, so offering it as a transport costs almost
// nothing more. With no endpoint it starts nothing (no exporter, no goroutine) and returns noop.TracerProvider.
// The exporter also reads the standard OTEL_EXPORTER_OTLP_* variables (headers, timeout,
// compression, TLS), and the SDK OTEL_TRACES_SAMPLER* and OTEL_BSP_*.
func Setup(ctx context.Context, o Options) (trace.TracerProvider, io.Closer, error) {
	if o.Endpoint == "" {
		return noop.NewTracerProvider(), io.NopCloser(nil), nil
	}
	var exp sdktrace.SpanExporter
	var err error
	if o.GRPC {
		exp, err = otlptracegrpc.New(ctx, otlptracegrpc.WithEndpointURL(o.Endpoint))
	} else {
		exp, err = otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(o.Endpoint))
	}
	if err != nil {
		return nil, nil, fmt.Errorf("tracing: OTLP exporter for %s: %w", o.Endpoint, err)
	}
	res, err := resource.New(ctx,
		resource.WithAttributes(attribute.String("service.name", o.ServiceName), attribute.String("service.version", o.ServiceVersion)),
		resource.WithFromEnv(), resource.WithTelemetrySDK())
	if err != nil {
		return nil, nil, fmt.Errorf("tracing: resource: %w", err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	return tp, shutdowner{tp}, nil
}

// shutdowner flushes and stops a provider on Close (the server's graceful shutdown).
type shutdowner struct{ tp *sdktrace.TracerProvider }

func (s shutdowner) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	if err := s.tp.Shutdown(ctx); err != nil {
		return fmt.Errorf("tracing: flush spans: %w", err)
	}
	return nil
}

// Enabled reports whether tp records spans (anything but the no-op provider).
func Enabled(tp trace.TracerProvider) bool {
	_, off := tp.(noop.TracerProvider)
	return tp != nil && !off
}

// instrumentation names the tracer, as OpenTelemetry asks of instrumentation code.
const instrumentation = "github.com/ternant/ternant/server"

// Tracer creates the server's spans.
type Tracer struct {
	tracer     trace.Tracer
	propagator propagation.TextMapPropagator
}

// New returns a Tracer over tp, continuing W3C trace context (traceparent, tracestate) and
// baggage from incoming requests.
func New(tp trace.TracerProvider) *Tracer {
	return &Tracer{
		tracer:     tp.Tracer(instrumentation),
		propagator: propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}),
	}
}

// inTrace reports whether ctx carries a span: statements and commands outside a request (the
// background metrics refresh, shutdown) would only make orphan root spans.
func inTrace(ctx context.Context) bool { return trace.SpanContextFromContext(ctx).IsValid() }
