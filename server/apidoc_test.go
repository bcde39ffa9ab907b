package server_test

import (
	"net/http"
	"testing"

	"github.com/ternant/ternant/server/servertest"
)

// TestEveryRouteIsDocumented: a route without a Doc would escape the OpenAPI document and the
// contract checks every HTTP test runs, so adding one fails here.
func TestEveryRouteIsDocumented(t *testing.T) {
	inst := servertest.Start(t, nil)
	for _, rt := range inst.Routes() {
		if rt.Doc.Summary == "" {
			t.Errorf("%s %s has no Doc.Summary", rt.Method, rt.Pattern)
		}
		// /metrics answers the Prometheus text format, which has no JSON schema.
		if rt.Doc.Response == nil && rt.Method == http.MethodGet && rt.Pattern != "/metrics" {
			t.Errorf("%s %s documents no response body", rt.Method, rt.Pattern)
		}
	}
	r := inst.Get(t, "/api/docs-json", "")
	if r.Status != http.StatusOK || r.Map(t)["openapi"] != "3.0.3" {
		t.Fatalf("/api/docs-json: %d", r.Status)
	}
	paths := r.Map(t)["paths"].(map[string]any)
	if len(paths) == 0 {
		t.Fatal("no paths")
	}
}
