package config

import (
	"net/url"
	"strings"
)

// Tracing holds the OpenTelemetry settings, read from the standard OTEL_* variables. Tracing is
// off unless an OTLP endpoint is named; the exporter reads the remaining OTEL_EXPORTER_OTLP_*
// variables (headers, timeout, compression, TLS) and the SDK the OTEL_TRACES_SAMPLER* and
// OTEL_BSP_* ones.
type Tracing struct {
	// Endpoint is the OTLP URL spans are sent to (for http/protobuf ending in /v1/traces); empty
	// leaves tracing off.
	Endpoint string
	// Protocol is the OTLP transport: ProtocolHTTP or ProtocolGRPC.
	Protocol string
	// ServiceName is the service.name resource attribute.
	ServiceName string
}

// Enabled reports whether spans are exported.
func (t Tracing) Enabled() bool { return t.Endpoint != "" }

// The OTLP transports the exporter speaks (OTEL_EXPORTER_OTLP_PROTOCOL).
const (
	ProtocolHTTP = "http/protobuf"
	ProtocolGRPC = "grpc"
)

// otlpTracesPath is what OTEL_EXPORTER_OTLP_ENDPOINT (a base URL) is extended by for traces.
const otlpTracesPath = "/v1/traces"

func (r *reader) tracing() Tracing {
	t := Tracing{ServiceName: r.str("OTEL_SERVICE_NAME", "")}
	if t.ServiceName == "" {
		t.ServiceName = "ternant"
	}
	if strings.EqualFold(r.str("OTEL_SDK_DISABLED", ""), "true") {
		return t
	}
	protoName, proto := "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", r.str("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "")
	if proto == "" {
		protoName, proto = "OTEL_EXPORTER_OTLP_PROTOCOL", r.str("OTEL_EXPORTER_OTLP_PROTOCOL", ProtocolHTTP)
	}
	name, endpoint := "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", r.str("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "")
	if endpoint == "" {
		name, endpoint = "OTEL_EXPORTER_OTLP_ENDPOINT", r.str("OTEL_EXPORTER_OTLP_ENDPOINT", "")
		if endpoint != "" && proto == ProtocolHTTP {
			// The base URL gets the signal's path over HTTP; gRPC uses it as it is.
			endpoint = strings.TrimRight(endpoint, "/") + otlpTracesPath
		}
	}
	if endpoint == "" {
		return t
	}
	if proto != ProtocolHTTP && proto != ProtocolGRPC {
		r.fail(protoName, proto, "unsupported OTLP protocol", "http/protobuf or grpc")
		return t
	}
	if u, err := url.Parse(endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		r.fail(name, endpoint, "not an http(s) URL", "a collector URL such as http://otel-collector:4318 (4317 for grpc)")
		return t
	}
	t.Endpoint, t.Protocol = endpoint, proto
	return t
}
