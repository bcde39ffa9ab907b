package cache

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// countOf returns a count function that counts its calls and answers n.
func countOf(n int, calls *atomic.Int64) func(context.Context) (int, error) {
	return func(context.Context) (int, error) {
		calls.Add(1)
		return n, nil
	}
}

func TestListCacheCachePerFilterAndInvalidateAll(t *testing.T) {
	c, rdb, prefix := testCache(t)
	ctx := context.Background()
	tot := NewListCache(c, "things", time.Minute)
	var active, all atomic.Int64
	hits := value(t, "list:things", "cache_hits_total")

	for range 3 {
		if n, err := tot.Count(ctx, "co1", "inactive=false", countOf(7, &active)); err != nil || n != 7 {
			t.Fatalf("Count = %d, %v; want 7", n, err)
		}
		if n, err := tot.Count(ctx, "co1", "inactive=true", countOf(9, &all)); err != nil || n != 9 {
			t.Fatalf("Count = %d, %v; want 9", n, err)
		}
	}
	if active.Load() != 1 || all.Load() != 1 {
		t.Fatalf("counted %d and %d times, want once per filter", active.Load(), all.Load())
	}
	if d := value(t, "list:things", "cache_hits_total") - hits; d != 4 {
		t.Errorf("cache_hits_total{cache=totals:things} rose by %v, want 4", d)
	}
	key := prefix + ListKey("things", "co1")
	if ttl, err := rdb.PTTL(ctx, key).Result(); err != nil || ttl <= 50*time.Second || ttl > time.Minute {
		t.Errorf("PTTL of %s = %v, %v; want just under a minute", key, ttl, err)
	}

	// Another company's counts are its own, and survive co1's invalidation.
	var other atomic.Int64
	if n, _ := tot.Count(ctx, "co2", "inactive=false", countOf(2, &other)); n != 2 {
		t.Fatalf("co2 count = %d, want 2", n)
	}
	tot.Invalidate(ctx, "co1")
	if n, _ := tot.Count(ctx, "co1", "inactive=false", countOf(8, &active)); n != 8 {
		t.Errorf("count after invalidation = %d, want the recount 8", n)
	}
	if n, _ := tot.Count(ctx, "co1", "inactive=true", countOf(10, &all)); n != 10 {
		t.Errorf("other filter after invalidation = %d, want the recount 10", n)
	}
	if n, _ := tot.Count(ctx, "co2", "inactive=false", countOf(99, &other)); n != 2 || other.Load() != 1 {
		t.Errorf("co2 after co1's invalidation = %d (%d counts), want the cached 2", n, other.Load())
	}
}

// TestListCacheRefillDoesNotExtendTTL: filling a second field later must not push back the hash's
// expiry, or a busy list could keep a count that missed a write forever.
func TestListCacheRefillDoesNotExtendTTL(t *testing.T) {
	c, rdb, prefix := testCache(t)
	ctx := context.Background()
	tot := NewListCache(c, "ttl", 2*time.Second)
	var calls atomic.Int64
	tot.Count(ctx, "co", "a", countOf(1, &calls))
	time.Sleep(1100 * time.Millisecond)
	tot.Count(ctx, "co", "b", countOf(2, &calls))
	ttl, err := rdb.PTTL(ctx, prefix+ListKey("ttl", "co")).Result()
	if err != nil || ttl > time.Second {
		t.Errorf("PTTL after a later fill = %v, %v; want at most the 1 s left of the first", ttl, err)
	}
}

// TestListCacheInvalidateDuringCountKeepsStaleOut: a count that started before a write commits must
// not be stored, and a read after the write must not join it.
func TestListCacheInvalidateDuringCountKeepsStaleOut(t *testing.T) {
	c, rdb, prefix := testCache(t)
	ctx := context.Background()
	tot := NewListCache(c, "race", time.Minute)
	started, release := make(chan struct{}), make(chan struct{})
	done := make(chan int)
	go func() {
		n, err := tot.Count(ctx, "co", "f", func(context.Context) (int, error) {
			close(started)
			<-release
			return 5, nil
		})
		if err != nil {
			t.Error(err)
		}
		done <- n
	}()
	<-started
	tot.Invalidate(ctx, "co")
	var calls atomic.Int64
	if n, err := tot.Count(ctx, "co", "f", countOf(6, &calls)); err != nil || n != 6 {
		t.Errorf("read after the write = %d, %v; want a fresh count 6, not the in-flight one", n, err)
	}
	close(release)
	if n := <-done; n != 5 {
		t.Errorf("in-flight caller got %d, want 5", n)
	}
	got, err := rdb.HGet(ctx, prefix+ListKey("race", "co"), "total:f").Result()
	if err != nil || got != "6" {
		t.Errorf("stored count = %q, %v; want 6 (the stale 5 kept out)", got, err)
	}
}

func TestPageTotalSparesTheCountOnTheLastPage(t *testing.T) {
	c, _, _ := testCache(t)
	tot := NewListCache(c, "pages", time.Minute)
	ctx := context.Background()
	for _, tc := range []struct {
		name             string
		n, limit, offset int
		want             int
		wantCount        bool
	}{
		{"short first page", 3, 10, 0, 3, false},
		{"empty first page", 0, 10, 0, 0, false},
		{"short later page", 4, 10, 20, 24, false},
		{"full page", 10, 10, 0, 42, true},
		{"past the end", 0, 10, 50, 42, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int64
			got, err := tot.PageTotal(ctx, "co-"+tc.name, "f", tc.n, tc.limit, tc.offset, countOf(42, &calls))
			if err != nil || got != tc.want || (calls.Load() == 1) != tc.wantCount {
				t.Errorf("PageTotal = %d, %v after %d counts; want %d (count: %v)", got, err, calls.Load(), tc.want, tc.wantCount)
			}
		})
	}
	var nilTotals *ListCache
	var calls atomic.Int64
	if n, err := nilTotals.PageTotal(ctx, "co", "f", 10, 10, 0, countOf(11, &calls)); err != nil || n != 11 {
		t.Errorf("nil ListCache PageTotal = %d, %v; want a direct count 11", n, err)
	}
	nilTotals.Invalidate(ctx, "co") // a no-op, not a panic
}

func TestListCachePagesDroppedWithTheCounts(t *testing.T) {
	c, _, _ := testCache(t)
	ctx := context.Background()
	l := NewListCache(c, "pages", time.Minute)
	var loads atomic.Int64
	load := func(body string) func(context.Context) ([]byte, error) {
		return func(context.Context) ([]byte, error) {
			loads.Add(1)
			return []byte(body), nil
		}
	}
	for range 3 {
		if got, err := l.Page(ctx, "co", "f&limit=1", load("v1")); err != nil || string(got) != "v1" {
			t.Fatalf("Page = %q, %v; want v1", got, err)
		}
	}
	var counts atomic.Int64
	l.Count(ctx, "co", "f", countOf(3, &counts))
	if loads.Load() != 1 {
		t.Fatalf("page loaded %d times, want once", loads.Load())
	}
	l.Invalidate(ctx, "co")
	if got, _ := l.Page(ctx, "co", "f&limit=1", load("v2")); string(got) != "v2" {
		t.Errorf("page after invalidation = %q, want the reload v2", got)
	}
	if n, _ := l.Count(ctx, "co", "f", countOf(4, &counts)); n != 4 {
		t.Errorf("count after invalidation = %d, want the recount 4", n)
	}
	var nilList *ListCache
	if got, _ := nilList.Page(ctx, "co", "f", load("direct")); string(got) != "direct" {
		t.Errorf("nil ListCache Page = %q, want the direct load", got)
	}
}

// TestReadAfterWriteOnAnotherReplicaDoesNotJoinOldLoad: replica B is loading a page from the old
// state when replica A commits a write and invalidates; a read on B after that must compute the
// new state, not join B's load in flight.
func TestReadAfterWriteOnAnotherReplicaDoesNotJoinOldLoad(t *testing.T) {
	a, rdb, prefix := testCache(t)
	b := New(rdb, prefix, nil)
	la, lb := NewListCache(a, "replicas", time.Minute), NewListCache(b, "replicas", time.Minute)
	ctx := context.Background()
	started, release := make(chan struct{}), make(chan struct{})
	old := make(chan []byte)
	go func() {
		v, err := lb.Page(ctx, "co", "f", func(context.Context) ([]byte, error) {
			close(started)
			<-release
			return []byte("old"), nil
		})
		if err != nil {
			t.Error(err)
		}
		old <- v
	}()
	<-started
	la.Invalidate(ctx, "co")                                // the write on replica A has committed
	rctx, cancel := context.WithTimeout(ctx, 2*time.Second) // joining the old load would block
	defer cancel()
	got, err := lb.Page(rctx, "co", "f", func(context.Context) ([]byte, error) { return []byte("new"), nil })
	close(release)
	<-old
	if err != nil || string(got) != "new" {
		t.Errorf("read on replica B after the write = %q, %v; want new", got, err)
	}
}
