package cache

import (
	"testing"
	"time"
)

// TestRecentLoadsAnswerOnlyTheSameFlightBriefly: a finished load answers its own flight (entry at
// one version) for recentFor, never another version's.
func TestRecentLoadsAnswerOnlyTheSameFlightBriefly(t *testing.T) {
	var r recentLoads
	t0 := time.Unix(1000, 0)
	r.put("k\x00v1", []byte("one"), t0)
	if raw, ok := r.get("k\x00v1", t0.Add(recentFor/2)); !ok || string(raw) != "one" {
		t.Fatalf("same flight within recentFor: %q %v", raw, ok)
	}
	if _, ok := r.get("k\x00v2", t0); ok {
		t.Fatal("another version was answered from v1's load")
	}
	if _, ok := r.get("k\x00v1", t0.Add(recentFor)); ok {
		t.Fatal("a load older than recentFor was answered")
	}
	for i := range 300 {
		r.put(string(rune('a'+i%26))+string(rune(i)), nil, t0.Add(2*recentFor))
	}
	if _, ok := r.byKey["k\x00v1"]; ok {
		t.Fatal("an expired record was kept past the size bound")
	}
}
