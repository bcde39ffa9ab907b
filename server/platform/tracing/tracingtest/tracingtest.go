// Package tracingtest is an in-process OTLP receiver for tests: it accepts what a real OTLP
// exporter sends (OTLP/HTTP with protobuf bodies, or gRPC), decodes the ExportTraceServiceRequest
// messages and keeps the spans, so a test can check what a collector would have received.
package tracingtest

import (
	"compress/gzip"
	"context"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
)

// Discard is a span exporter that drops what it is handed: a recording provider for benchmarks
// (sdktrace.WithBatcher(tracingtest.Discard{})) that measures the cost of spans, not of a collector.
type Discard struct{}

// ExportSpans drops spans.
func (Discard) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error { return nil }

// Shutdown does nothing.
func (Discard) Shutdown(context.Context) error { return nil }

// TracesPath is where OTLP/HTTP sends spans.
const TracesPath = "/v1/traces"

// Span is one received span with its resource's attributes.
type Span struct {
	Name, TraceID, SpanID, ParentSpanID string
	Kind                                tracepb.Span_SpanKind
	Attrs                               map[string]string
	Resource                            map[string]string
	Status                              tracepb.Status_StatusCode
}

// Receiver collects the spans sent to it.
type Receiver struct {
	// URL is the OTLP/HTTP traces endpoint (…/v1/traces) or, for gRPC, http://host:port.
	URL string

	mu    sync.Mutex
	spans []Span
}

// NewHTTP starts an OTLP/HTTP receiver that lives until the test ends.
func NewHTTP(t testing.TB) *Receiver {
	t.Helper()
	rc := &Receiver{}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+TracesPath, func(w http.ResponseWriter, r *http.Request) {
		var body io.Reader = r.Body
		if r.Header.Get("Content-Encoding") == "gzip" {
			gz, err := gzip.NewReader(r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			body = gz
		}
		raw, err := io.ReadAll(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var req coltracepb.ExportTraceServiceRequest
		if r.Header.Get("Content-Type") != "application/x-protobuf" || proto.Unmarshal(raw, &req) != nil {
			http.Error(w, "want an application/x-protobuf ExportTraceServiceRequest", http.StatusBadRequest)
			return
		}
		rc.add(&req)
		out, _ := proto.Marshal(&coltracepb.ExportTraceServiceResponse{})
		w.Header().Set("Content-Type", "application/x-protobuf")
		_, _ = w.Write(out)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	rc.URL = srv.URL + TracesPath
	return rc
}

// NewGRPC starts an OTLP/gRPC receiver that lives until the test ends.
func NewGRPC(t testing.TB) *Receiver {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rc := &Receiver{URL: "http://" + l.Addr().String()}
	srv := grpc.NewServer()
	coltracepb.RegisterTraceServiceServer(srv, grpcService{rc: rc})
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(srv.Stop)
	return rc
}

type grpcService struct {
	coltracepb.UnimplementedTraceServiceServer
	rc *Receiver
}

func (g grpcService) Export(_ context.Context, req *coltracepb.ExportTraceServiceRequest) (*coltracepb.ExportTraceServiceResponse, error) {
	g.rc.add(req)
	return &coltracepb.ExportTraceServiceResponse{}, nil
}

func (rc *Receiver) add(req *coltracepb.ExportTraceServiceRequest) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for _, rs := range req.GetResourceSpans() {
		res := attrs(rs.GetResource().GetAttributes())
		for _, ss := range rs.GetScopeSpans() {
			for _, s := range ss.GetSpans() {
				rc.spans = append(rc.spans, Span{Name: s.GetName(), TraceID: hex.EncodeToString(s.GetTraceId()),
					SpanID: hex.EncodeToString(s.GetSpanId()), ParentSpanID: hex.EncodeToString(s.GetParentSpanId()),
					Kind: s.GetKind(), Attrs: attrs(s.GetAttributes()), Resource: res, Status: s.GetStatus().GetCode()})
			}
		}
	}
}

// Spans returns the spans received so far.
func (rc *Receiver) Spans() []Span {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]Span(nil), rc.spans...)
}

// Trace returns the received spans of one trace (hex trace id).
func (rc *Receiver) Trace(traceID string) []Span {
	var out []Span
	for _, s := range rc.Spans() {
		if s.TraceID == traceID {
			out = append(out, s)
		}
	}
	return out
}

// attrs flattens attributes to strings (ints and bools in their usual text form).
func attrs(kvs []*commonpb.KeyValue) map[string]string {
	m := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		v := kv.GetValue()
		switch x := v.GetValue().(type) {
		case *commonpb.AnyValue_StringValue:
			m[kv.GetKey()] = x.StringValue
		case *commonpb.AnyValue_IntValue:
			m[kv.GetKey()] = strconv.FormatInt(x.IntValue, 10)
		case *commonpb.AnyValue_BoolValue:
			m[kv.GetKey()] = strconv.FormatBool(x.BoolValue)
		default:
			m[kv.GetKey()] = v.String()
		}
	}
	return m
}
