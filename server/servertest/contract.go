package servertest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// contract checks traffic against the server's own OpenAPI document: every response, and every
// request the server accepted, must match it. A mismatch fails the test that sent the request.
type contract struct {
	once   sync.Once
	router routers.Router
	err    error
}

func (i *Instance) loadContract() (routers.Router, error) {
	i.contract.once.Do(func() {
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(i.APIDocument())
		if err != nil {
			i.contract.err = err
			return
		}
		if err := doc.Validate(context.Background()); err != nil {
			i.contract.err = err
			return
		}
		// The document names a relative server; match this instance's absolute URL.
		doc.Servers = openapi3.Servers{{URL: i.URL + "/" + i.Config.APIPrefix + "/v1"}}
		i.contract.router, i.contract.err = legacy.NewRouter(doc)
	})
	return i.contract.router, i.contract.err
}

// checkContract validates one exchange. Paths outside the API prefix (probes, metrics, docs) are
// not part of the document.
func (i *Instance) checkContract(t testing.TB, req Request, sent []byte, resp *Response) {
	t.Helper()
	prefix := "/" + i.Config.APIPrefix + "/v1/"
	if !strings.HasPrefix(req.Path, prefix) || req.Method == http.MethodOptions {
		return // probes, metrics and docs are outside the document; CORS preflights are answered by middleware
	}
	router, err := i.loadContract()
	if err != nil {
		t.Fatalf("OpenAPI document does not load: %v", err)
	}
	u, _ := url.Parse(i.URL + req.Path)
	hr, _ := http.NewRequest(req.Method, u.String(), bytes.NewReader(sent))
	if sent != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	for k, vs := range req.Header {
		hr.Header[k] = vs
	}
	route, params, err := router.FindRoute(hr)
	if err != nil {
		if resp.Status == http.StatusNotFound {
			return // an unknown route answered 404, as it should
		}
		t.Errorf("contract: %s %s is not in the API document (%v) but answered %d", req.Method, req.Path, err, resp.Status)
		return
	}
	if route.Operation.Summary == "" {
		// Not documented yet: TestEveryRouteIsDocumented in package server names such routes.
		return
	}
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true, MultiError: true}
	in := &openapi3filter.RequestValidationInput{Request: hr, PathParams: params, Route: route, Options: opts}
	if resp.Status >= 200 && resp.Status < 300 && req.Header.Get("Content-Type") == "" {
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			t.Errorf("contract: %s %s was accepted (%d) but the request does not match the document: %v", req.Method, req.Path, resp.Status, err)
		}
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: resp.Status, Header: resp.Header,
		Body: io.NopCloser(bytes.NewReader(resp.Body)), Options: opts,
	}
	if len(resp.Body) == 0 {
		out.Options = &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true, ExcludeResponseBody: true}
	}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("contract: %s %s answered %d %s, which does not match the document: %v", req.Method, req.Path, resp.Status, truncate(resp.Body), err)
	}
}

func truncate(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "..."
	}
	return string(b)
}
