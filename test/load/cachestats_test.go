package load

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestCacheCountersFromMetrics(t *testing.T) {
	hits := 10
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/metrics" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, "# HELP cache_hits_total x\ncache_hits_total{cache=\"dashboard\"} %d\ncache_hits_total{cache=\"list:apartments\"} 5\n", hits)
		fmt.Fprint(w, "cache_misses_total{cache=\"dashboard\"} 1\ncache_misses_total{cache=\"user\"} 0\ncache_loads_total{cache=\"dashboard\"} 99\n")
	}))
	defer srv.Close()
	c := NewClient(srv.URL, 1)
	before, err := c.ReadCacheCounters(context.Background())
	if err != nil || before != (CacheCounters{Hits: 15, Misses: 1}) {
		t.Fatalf("counters = %+v, %v; want 15 hits, 1 miss", before, err)
	}
	hits = 28 // 18 more hits, no more misses
	after, _ := c.ReadCacheCounters(context.Background())
	if r := HitRatio(before, after); r != 1 {
		t.Errorf("ratio = %v, want 1", r)
	}
	if r := HitRatio(before, before); r != -1 {
		t.Errorf("ratio without reads = %v, want -1", r)
	}
	if r := HitRatio(CacheCounters{}, CacheCounters{Hits: 3, Misses: 1}); r != 0.75 {
		t.Errorf("ratio = %v, want 0.75", r)
	}
}
