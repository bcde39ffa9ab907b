package auth

import (
	"testing"
	"time"
)

func TestLockFor(t *testing.T) {
	cases := []struct {
		failures int64
		want     time.Duration
	}{
		{0, 0}, {1, 0}, {2, 0}, {3, 5 * time.Minute}, {4, 5 * time.Minute}, {5, 15 * time.Minute}, {50, 15 * time.Minute},
	}
	for _, c := range cases {
		if got := lockFor(c.failures); got != c.want {
			t.Errorf("lockFor(%d) = %v, want %v", c.failures, got, c.want)
		}
	}
}

func TestIPLockFor(t *testing.T) {
	for failures, want := range map[int64]time.Duration{3: 0, 5: 0, 99: 0, 100: 15 * time.Minute, 500: 15 * time.Minute} {
		if got := ipLockFor(failures); got != want {
			t.Errorf("ipLockFor(%d) = %v, want %v", failures, got, want)
		}
	}
}

// TestLooseEmailKey: emails that match no account are still counted by one key per spelling
// family (case, accents, width, trailing spaces), and different emails keep different keys.
func TestLooseEmailKey(t *testing.T) {
	same := []string{"victim@x.test", "VICTIM@X.TEST", "víctim@x.test", "ｖｉｃｔｉｍ@x.test", "victim@x.test  "}
	for _, s := range same[1:] {
		if looseEmailKey(s) != looseEmailKey(same[0]) {
			t.Errorf("looseEmailKey(%q) differs from %q's", s, same[0])
		}
	}
	if looseEmailKey("victim@x.test") == looseEmailKey("victor@x.test") {
		t.Error("different emails share a key")
	}
}
