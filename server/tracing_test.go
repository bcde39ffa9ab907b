package server_test

import (
	"net/http"
	"strings"
	"testing"

	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"

	"github.com/ternant/ternant/server/config"
	"github.com/ternant/ternant/server/identity"
	"github.com/ternant/ternant/server/platform/tracing"
	"github.com/ternant/ternant/server/platform/tracing/tracingtest"
	"github.com/ternant/ternant/server/servertest"
)

// TestTracingOffByDefault: without OTEL_EXPORTER_OTLP_ENDPOINT the server runs on the no-op
// provider (no exporter; no hook is installed), and requests carrying a traceparent are served
// as usual.
func TestTracingOffByDefault(t *testing.T) {
	inst := servertest.Start(t, nil)
	if tracing.Enabled(inst.TracerProvider) {
		t.Fatalf("tracing on without an endpoint: %T", inst.TracerProvider)
	}
	r := inst.Do(t, servertest.Request{Method: http.MethodGet, Path: "/api/v1/health",
		Header: http.Header{"Traceparent": {"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}}})
	if r.Status != http.StatusOK {
		t.Fatalf("health: %d", r.Status)
	}
}

// TestTracingExportsRequestSpans runs the server with OTEL settings pointing at an in-process OTLP
// receiver, through the real exporter: a request to a real route on MariaDB and Redis arrives as
// a server span named by the route pattern, continuing the caller's traceparent, with the SQL
// statements and Redis commands it ran as child spans of the same trace. The server's shutdown
// flushes the spans.
func TestTracingExportsRequestSpans(t *testing.T) {
	rc := tracingtest.NewHTTP(t)
	inst := servertest.Start(t, func(c *config.Config) {
		c.Tracing = config.Tracing{Endpoint: rc.URL, Protocol: config.ProtocolHTTP, ServiceName: "ternant-e2e"}
	})
	if !tracing.Enabled(inst.TracerProvider) {
		t.Fatal("tracing not on with an endpoint set")
	}
	owner, company := inst.RegisterCompany(t, "traced")
	_, userID := inst.CreateUser(t, company, identity.Staff)

	const traceID, parentID = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	r := inst.Do(t, servertest.Request{Method: http.MethodGet, Path: "/api/v1/users/" + userID, Token: owner,
		Header: http.Header{"Traceparent": {"00-" + traceID + "-" + parentID + "-01"}}})
	if r.Status != http.StatusOK {
		t.Fatalf("GET user: %d %s", r.Status, r.Body)
	}
	if r := inst.Get(t, "/api/v1/companies/"+company, owner); r.Status != http.StatusOK {
		t.Fatalf("GET company: %d %s", r.Status, r.Body)
	}
	if err := inst.Server.Close(); err != nil { // graceful shutdown flushes the batch
		t.Fatal(err)
	}

	spans := rc.Trace(traceID)
	var server *tracingtest.Span
	for i, s := range spans {
		if s.Kind == tracepb.Span_SPAN_KIND_SERVER {
			server = &spans[i]
		}
	}
	if server == nil {
		t.Fatalf("no server span in trace %s; received %d spans in all", traceID, len(rc.Spans()))
	}
	if server.Name != "GET /api/v1/users/{id}" || server.ParentSpanID != parentID {
		t.Errorf("server span %q with parent %q, want GET /api/v1/users/{id} under %s", server.Name, server.ParentSpanID, parentID)
	}
	if server.Attrs["http.route"] != "/api/v1/users/{id}" || server.Attrs["http.response.status_code"] != "200" {
		t.Errorf("server span attributes %v", server.Attrs)
	}
	if server.Resource["service.name"] != "ternant-e2e" {
		t.Errorf("resource %v", server.Resource)
	}
	var sqlSpans, redisSpans int
	for _, s := range spans {
		if s.SpanID == server.SpanID {
			continue
		}
		switch s.Attrs["db.system"] {
		case "mysql":
			sqlSpans++
			if s.ParentSpanID != server.SpanID {
				t.Errorf("SQL span %q parent %s, want the server span %s", s.Name, s.ParentSpanID, server.SpanID)
			}
			if s.Attrs["db.operation"] != "select" || !strings.Contains(s.Attrs["db.query.text"], "?") {
				t.Errorf("SQL span attributes %v", s.Attrs)
			}
			if strings.Contains(s.Attrs["db.query.text"], userID) {
				t.Errorf("SQL span holds a bound value: %v", s.Attrs["db.query.text"])
			}
		case "redis":
			redisSpans++
			if s.ParentSpanID != server.SpanID {
				t.Errorf("Redis span %q parent %s, want the server span %s", s.Name, s.ParentSpanID, server.SpanID)
			}
		default:
			t.Errorf("unexpected span %+v", s)
		}
	}
	if sqlSpans == 0 || redisSpans == 0 {
		t.Errorf("trace has %d SQL and %d Redis spans, want both", sqlSpans, redisSpans)
	}

	// A request without a traceparent starts a trace of its own.
	var root *tracingtest.Span
	for _, s := range rc.Spans() {
		if s.Name == "GET /api/v1/companies/{id}" {
			root = &s
		}
	}
	if root == nil || root.ParentSpanID != "" || root.TraceID == traceID {
		t.Errorf("company request span = %+v, want a new root span", root)
	}
}
