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
