package cache

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/ternant/ternant/internal/testenv"
	"github.com/ternant/ternant/server/platform/metrics/metricstest"
)

type item struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// testCache is a cache on the shared test Redis under a key prefix unique to the test.
func testCache(t *testing.T) (*Cache, *redis.Client, string) {
	t.Helper()
	addr := testenv.RedisAddr(t)
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { rdb.Close() })
	prefix := testenv.RedisPrefix(t, addr)
	return New(rdb, prefix, nil), rdb, prefix
}

// counted returns a loader that counts its calls and returns item{name, calls}.
func counted(name string, calls *atomic.Int64) func(context.Context) (item, error) {
	return func(context.Context) (item, error) {
		return item{Name: name, Count: int(calls.Add(1))}, nil
	}
}

func value(t *testing.T, name, metric string) float64 {
	return metricstest.Value(t, metric, map[string]string{"cache": name})
}

func TestFetchCachesWithTTLUnderPrefix(t *testing.T) {
	c, rdb, prefix := testCache(t)
	ctx := context.Background()
	var calls atomic.Int64
	const name = "test_ttl"
	hits, misses := value(t, name, "cache_hits_total"), value(t, name, "cache_misses_total")

	for i := range 3 {
		got, err := Fetch(ctx, c, name, "thing:1", 90*time.Second, counted("a", &calls))
		if err != nil {
			t.Fatal(err)
		}
		if got != (item{"a", 1}) {
			t.Fatalf("call %d = %+v, want the first load", i, got)
		}
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("loader ran %d times, want 1", n)
	}
	if d := value(t, name, "cache_hits_total") - hits; d != 2 {
		t.Errorf("cache_hits_total rose by %v, want 2", d)
	}
	if d := value(t, name, "cache_misses_total") - misses; d != 1 {
		t.Errorf("cache_misses_total rose by %v, want 1", d)
	}
	ttl, err := rdb.PTTL(ctx, prefix+"thing:1").Result()
	if err != nil || ttl <= 80*time.Second || ttl > 90*time.Second {
		t.Errorf("PTTL of %sthing:1 = %v, %v; want just under 90s", prefix, ttl, err)
	}
}

func TestFetchCollapsesConcurrentMisses(t *testing.T) {
	c, _, _ := testCache(t)
	var calls atomic.Int64
	load := func(context.Context) (item, error) {
		time.Sleep(50 * time.Millisecond)
		return item{Name: "x", Count: int(calls.Add(1))}, nil
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 50 {
		wg.Go(func() {
			<-start
			got, err := Fetch(context.Background(), c, "test_flight", "k", time.Minute, load)
			if err != nil || got.Count != 1 {
				t.Errorf("Fetch = %+v, %v; want the single load", got, err)
			}
		})
	}
	close(start)
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Errorf("50 concurrent misses ran the loader %d times, want 1", n)
	}
}

func TestFetchDoesNotCacheErrors(t *testing.T) {
	c, _, _ := testCache(t)
	boom := errors.New("boom")
	var calls atomic.Int64
	load := func(context.Context) (item, error) {
		if calls.Add(1) == 1 {
			return item{}, boom
		}
		return item{Name: "ok"}, nil
	}
	if _, err := Fetch(context.Background(), c, "test_err", "k", time.Minute, load); !errors.Is(err, boom) {
		t.Fatalf("first Fetch error = %v, want boom", err)
	}
	got, err := Fetch(context.Background(), c, "test_err", "k", time.Minute, load)
	if err != nil || got.Name != "ok" {
		t.Fatalf("second Fetch = %+v, %v; want a fresh load", got, err)
	}
}

func TestInvalidateDropsValue(t *testing.T) {
	c, rdb, prefix := testCache(t)
	ctx := context.Background()
	var calls atomic.Int64
	if _, err := Fetch(ctx, c, "test_inv", "a", time.Minute, counted("a", &calls)); err != nil {
		t.Fatal(err)
	}
	if _, err := Fetch(ctx, c, "test_inv", "b", time.Minute, counted("b", &calls)); err != nil {
		t.Fatal(err)
	}
	c.Invalidate(ctx, "a", "b")
	if n, _ := rdb.Exists(ctx, prefix+"a", prefix+"b").Result(); n != 0 {
		t.Errorf("%d invalidated keys still exist", n)
	}
	got, err := Fetch(ctx, c, "test_inv", "a", time.Minute, counted("a", &calls))
	if err != nil || got.Count != 3 {
		t.Errorf("Fetch after invalidation = %+v, %v; want a third load", got, err)
	}
}

// TestInvalidateDuringLoadKeepsStaleValueOut: a load that read the old state before a write must
// not store it after the writer's invalidation.
func TestInvalidateDuringLoadKeepsStaleValueOut(t *testing.T) {
	c, rdb, prefix := testCache(t)
	ctx := context.Background()
	started, release := make(chan struct{}), make(chan struct{})
	slow := func(context.Context) (item, error) {
		close(started)
		<-release
		return item{Name: "old"}, nil
	}
	done := make(chan item)
	go func() {
		v, err := Fetch(ctx, c, "test_race", "k", time.Minute, slow)
		if err != nil {
			t.Error(err)
		}
		done <- v
	}()
	<-started
	c.Invalidate(ctx, "k") // the write commits while the load is in flight
	close(release)
	if v := <-done; v.Name != "old" {
		t.Fatalf("in-flight caller got %+v", v)
	}
	if n, _ := rdb.Exists(ctx, prefix+"k").Result(); n != 0 {
		t.Fatal("the stale load was stored after the invalidation")
	}
	got, err := Fetch(ctx, c, "test_race", "k", time.Minute, func(context.Context) (item, error) { return item{Name: "new"}, nil })
	if err != nil || got.Name != "new" {
		t.Errorf("next Fetch = %+v, %v; want the new state", got, err)
	}
}

func TestFetchCallerGivesUpLoadStillFills(t *testing.T) {
	c, _, _ := testCache(t)
	ctx, cancel := context.WithCancel(context.Background())
	release := make(chan struct{})
	var calls atomic.Int64
	load := func(lctx context.Context) (item, error) {
		calls.Add(1)
		<-release
		return item{Name: "v"}, lctx.Err()
	}
	errc := make(chan error)
	go func() {
		_, err := Fetch(ctx, c, "test_cancel", "k", time.Minute, load)
		errc <- err
	}()
	time.Sleep(20 * time.Millisecond)
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled caller got %v, want context.Canceled", err)
	}
	close(release)
	deadline := time.Now().Add(2 * time.Second)
	for {
		got, err := Fetch(context.Background(), c, "test_cancel", "k", time.Minute, load)
		if err == nil && got.Name == "v" && calls.Load() == 1 {
			return // the detached load completed and was cached
		}
		if time.Now().After(deadline) {
			t.Fatalf("Fetch = %+v, %v after %d loads; want the detached load's value", got, err, calls.Load())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestFetchWithoutRedisAlwaysLoads(t *testing.T) {
	var nilClient *redis.Client
	c := New(nilClient, "", nil)
	var calls atomic.Int64
	m0 := value(t, "test_nil", "cache_misses_total")
	for range 3 {
		if _, err := Fetch(context.Background(), c, "test_nil", "k", time.Minute, counted("x", &calls)); err != nil {
			t.Fatal(err)
		}
	}
	c.Invalidate(context.Background(), "k")
	if calls.Load() != 3 || value(t, "test_nil", "cache_misses_total")-m0 != 3 {
		t.Errorf("loads = %d, misses +%v; want 3 and 3", calls.Load(), value(t, "test_nil", "cache_misses_total")-m0)
	}
}

// TestRedisDownBypassesFake stops a fake Redis (miniredis): reads keep working from the loader,
// Redis is skipped during the bypass window, the outage is logged once, and the cache is used
// again when Redis returns.
func TestRedisDownBypassesFake(t *testing.T) {
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr(), MaxRetries: -1})
	t.Cleanup(func() { rdb.Close() })
	var logs bytes.Buffer
	c := New(rdb, "p:", slog.New(slog.NewTextHandler(&logs, nil)))
	c.avail.bypassFor = 200 * time.Millisecond
	ctx := context.Background()
	var calls atomic.Int64
	const name = "test_down"
	fetch := func() item {
		t.Helper()
		v, err := Fetch(ctx, c, name, "k", time.Minute, counted("x", &calls))
		if err != nil {
			t.Fatalf("Fetch with Redis down: %v", err)
		}
		return v
	}

	fetch()
	mr.Close()
	errs0 := metricstest.Value(t, "cache_errors_total", map[string]string{"cache": name, "operation": "get"})
	m0 := value(t, name, "cache_misses_total")
	for range 20 {
		fetch()
	}
	if got := calls.Load(); got != 21 {
		t.Errorf("loader ran %d times, want 21 (every read while down)", got)
	}
	if d := value(t, name, "cache_misses_total") - m0; d != 20 {
		t.Errorf("cache_misses_total rose by %v, want 20", d)
	}
	if d := metricstest.Value(t, "cache_errors_total", map[string]string{"cache": name, "operation": "get"}) - errs0; d != 1 {
		t.Errorf("cache_errors_total{get} rose by %v, want 1 (Redis skipped during the bypass window)", d)
	}
	if n := strings.Count(logs.String(), logCacheUnavailable); n != 1 {
		t.Errorf("logged the outage %d times, want 1:\n%s", n, logs.String())
	}

	if err := mr.Restart(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(250 * time.Millisecond)
	before, h0 := calls.Load(), value(t, name, "cache_hits_total")
	fetch() // the value cached before the outage is still there
	fetch()
	if got, hits := calls.Load()-before, value(t, name, "cache_hits_total")-h0; got != 0 || hits != 2 {
		t.Errorf("after Redis returned: %d loads and %v hits for two reads, want 0 and 2", got, hits)
	}
}

// TestFetchOverwritesValueOfAnOlderShape: a stored value this version cannot decode is computed
// afresh and replaced, not served back as an error.
func TestFetchOverwritesValueOfAnOlderShape(t *testing.T) {
	c, rdb, prefix := testCache(t)
	ctx := context.Background()
	if err := rdb.Set(ctx, prefix+"shape", `"not an item"`, time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int64
	got, err := Fetch(ctx, c, "test_shape", "shape", time.Minute, counted("fresh", &calls))
	if err != nil || got.Name != "fresh" {
		t.Fatalf("Fetch = %+v, %v; want the fresh value", got, err)
	}
	if raw, _ := rdb.Get(ctx, prefix+"shape").Result(); !strings.Contains(raw, "fresh") {
		t.Errorf("stored value = %s, want it replaced", raw)
	}
}

// TestOversizedValueIsServedNotStored: a value over MaxValueBytes answers its caller but never
// reaches Redis, so one large answer cannot fill the cache.
func TestOversizedValueIsServedNotStored(t *testing.T) {
	c, rdb, prefix := testCache(t)
	ctx := context.Background()
	const name = "test_oversized"
	before := value(t, name, "cache_oversized_total")
	big := strings.Repeat("x", MaxValueBytes)
	var calls atomic.Int64
	load := func(context.Context) (item, error) { calls.Add(1); return item{Name: big}, nil }
	for range 2 {
		got, err := Fetch(ctx, c, name, "big:1", time.Minute, load)
		if err != nil || got.Name != big {
			t.Fatalf("Fetch = %d bytes, %v", len(got.Name), err)
		}
	}
	if n, _ := rdb.Exists(ctx, prefix+"big:1").Result(); n != 0 {
		t.Error("oversized value stored in Redis")
	}
	if calls.Load() != 2 || value(t, name, "cache_oversized_total") != before+2 {
		t.Errorf("loads = %d, oversized = %v", calls.Load(), value(t, name, "cache_oversized_total")-before)
	}
	// A value within the limit is still stored.
	if _, err := Fetch(ctx, c, name, "small:1", time.Minute, counted("s", &calls)); err != nil {
		t.Fatal(err)
	}
	if n, _ := rdb.Exists(ctx, prefix+"small:1").Result(); n != 1 {
		t.Error("small value not stored")
	}
}
