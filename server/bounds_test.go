package server_test

import (
	"strconv"
	"testing"

	"github.com/ternant/ternant/internal/propertytest"
	"github.com/ternant/ternant/server/platform/cache"
)

// TestListCacheKeepsBoundedPages: only common page sizes and the first pages are cached, so
// clients sending every limit and offset cannot grow a list's cache; the answers are the same.
func TestListCacheKeepsBoundedPages(t *testing.T) {
	e := propertytest.Start(t)
	e.Tenant(t, e.A, "Only")
	key := e.KeyPrefix + cache.ListKey("tenants", e.AID)
	fields := func() int64 {
		n, err := e.Redis.HLen(t.Context(), key).Result()
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	rows, total := e.List(t, e.A, "/tenants")
	if len(rows) != 1 || total != "1" {
		t.Fatalf("list = %d rows, total %s", len(rows), total)
	}
	cached := fields()
	if cached == 0 {
		t.Fatal("the default page was not cached")
	}
	for limit := 2; limit <= 1000; limit += 37 {
		for _, offset := range []int{0, 3, 5000} {
			path := "/tenants?limit=" + strconv.Itoa(limit) + "&offset=" + strconv.Itoa(offset)
			rows, total := e.List(t, e.A, path)
			if total != "1" || (offset == 0) != (len(rows) == 1) {
				t.Fatalf("%s = %d rows, total %s", path, len(rows), total)
			}
		}
	}
	if got := fields(); got > cached+1 { // the total of the filter may be stored once more
		t.Errorf("list cache grew from %d to %d fields over odd limits and offsets", cached, got)
	}
}
