package faults

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ternant/ternant/internal/testenv"
	"github.com/ternant/ternant/server/platform/cache"
	"github.com/ternant/ternant/server/platform/metrics/metricstest"
	"github.com/ternant/ternant/server/platform/redisclient"
)

// A Redis at maxmemory under noeviction refuses cache writes: the read is answered from MySQL (here
// the loader), counted in cache_writes_refused_total, and the cache keeps reading from Redis (no
// bypass, which would cost every other cached read its hits).
func TestCacheWriteRefusedByFullRedisIsABypass(t *testing.T) {
	testenv.Integration(t)
	r := startRedis(t, "2mb")
	rdb := redisclient.New(redisclient.Options{Addr: r.addr()})
	t.Cleanup(func() { rdb.Close() })
	ctx := context.Background()

	if err := rdb.Set(ctx, "company:cached", `{"name":"kept"}`, 0).Err(); err != nil {
		t.Fatal(err)
	}
	fill := strings.Repeat("x", 64<<10)
	var full error
	for i := 0; i < 1000 && full == nil; i++ {
		full = rdb.Set(ctx, "filler:"+strconv.Itoa(i), fill, 0).Err()
	}
	if !redisclient.OutOfMemory(full) {
		t.Fatalf("filling Redis ended with %v, want an OOM refusal", full)
	}
	if !errors.Is(full, redisclient.ErrUnavailable) {
		t.Errorf("an OOM refusal is not marked unavailable: %v", full)
	}

	c := cache.New(rdb, "", nil)
	type company struct{ Name string }
	refused0 := metricstest.Value(t, "cache_writes_refused_total", map[string]string{"cache": cache.Company})
	errs0 := metricstest.Value(t, "cache_errors_total", map[string]string{"cache": cache.Company, "operation": "set"})
	loads := 0
	got, err := cache.Fetch(ctx, c, cache.Company, "company:new", time.Minute, func(context.Context) (company, error) {
		loads++
		return company{Name: "computed"}, nil
	})
	if err != nil || got.Name != "computed" || loads != 1 {
		t.Fatalf("Fetch with Redis full = %+v, %v (loads %d)", got, err, loads)
	}
	if d := metricstest.Value(t, "cache_writes_refused_total", map[string]string{"cache": cache.Company}) - refused0; d != 1 {
		t.Errorf("cache_writes_refused_total rose by %v, want 1", d)
	}
	if d := metricstest.Value(t, "cache_errors_total", map[string]string{"cache": cache.Company, "operation": "set"}) - errs0; d != 0 {
		t.Errorf("a refused write counted as a Redis failure (%v)", d)
	}
	if n, err := rdb.Exists(ctx, "company:new").Result(); err != nil || n != 0 {
		t.Errorf("the refused value is in Redis: %d %v", n, err)
	}
	// Reads still use Redis right away: the value stored before the refusal is a hit.
	got, err = cache.Fetch(ctx, c, cache.Company, "company:cached", time.Minute, func(context.Context) (company, error) {
		loads++
		return company{Name: "recomputed"}, nil
	})
	if err != nil || got.Name != "kept" || loads != 1 {
		t.Errorf("a cached value after a refused write = %+v, %v (loads %d): the cache stopped reading Redis", got, err, loads)
	}
}
