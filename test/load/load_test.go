package load

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestRunCountsAndPercentiles(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := hits.Add(1)
		if r.Header.Get("Authorization") != "Bearer tok" {
			w.WriteHeader(401)
			return
		}
		if r.URL.Path == "/slow" {
			time.Sleep(5 * time.Millisecond)
		}
		if r.URL.Path == "/flaky" && n%2 == 0 {
			w.WriteHeader(500)
			return
		}
		w.WriteHeader(200)
	}))
	defer srv.Close()
	c := NewClient(srv.URL, 8)
	c.Token = "tok"
	mix := Mix{Name: "t", Requests: []Request{
		{Name: "fast", Method: "GET", Path: "/fast"},
		{Name: "slow", Method: "GET", Path: "/slow"},
		{Name: "flaky", Method: "GET", Path: "/flaky"},
	}}
	res := c.Run(context.Background(), mix, 4, 300*time.Millisecond, 0)
	if res.Total.Requests != int(hits.Load()) && res.Total.Requests > int(hits.Load()) {
		t.Errorf("counted %d requests, server saw %d", res.Total.Requests, hits.Load())
	}
	fast, slow, flaky := res.Endpoints[0], res.Endpoints[1], res.Endpoints[2]
	if fast.Requests == 0 || fast.Errors != 0 || slow.P50 < 5*time.Millisecond || fast.P50 >= slow.P50 {
		t.Errorf("fast %+v slow %+v", fast, slow)
	}
	if flaky.Errors == 0 || flaky.Errors == flaky.Requests || !strings.HasPrefix(flaky.FirstError, "500") {
		t.Errorf("flaky %+v", flaky)
	}
	if md := Markdown([]Result{res}); !strings.Contains(md, "| t | 4 | slow |") || !strings.Contains(md, "**all**") {
		t.Errorf("markdown:\n%s", md)
	}
}

// TestThinkPacesIterations: with a think time each worker runs one iteration per pause, so the
// k6 mix offers the script's load instead of running flat out.
func TestThinkPacesIterations(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) }))
	defer srv.Close()
	c := NewClient(srv.URL, 4)
	mix := Mix{Name: "paced", Think: 100 * time.Millisecond, Requests: []Request{{Name: "a", Method: "GET", Path: "/"}}}
	res := c.Run(context.Background(), mix, 2, 450*time.Millisecond, 0)
	// 2 workers x at most 5 iterations in 450 ms; flat out they would run thousands.
	if n := res.Total.Requests; n < 2 || n > 10 {
		t.Errorf("paced run sent %d requests, want 2..10", n)
	}
}
