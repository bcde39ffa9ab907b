// Package memlimit gives the Go runtime a soft memory limit below the container's: a process that
// does not know its cgroup's limit grows its heap to twice the live data before collecting, and
// is killed by the kernel long before the garbage collector would have helped.
package memlimit

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
)

// Share is the part of the container's memory the runtime aims to stay under; the rest is
// headroom for what the Go runtime does not count (thread stacks, the binary's pages).
const Share = 0.9

// cgroupFiles are where cgroup v2 and v1 publish the memory limit, under the cgroup root.
var cgroupFiles = []string{"memory.max", "memory/memory.limit_in_bytes"}

// noLimit is at or above what cgroup v1 reports when a group has no limit (a page-rounded
// MaxInt64).
const noLimit = int64(1) << 60

// FromCgroup sets the runtime's memory limit to Share of the cgroup limit found under root
// (/sys/fs/cgroup in production) unless GOMEMLIMIT is set, and returns the limit it set (0 when it
// left the runtime alone: no limit, no cgroup, or GOMEMLIMIT decides).
func FromCgroup(root string) (int64, error) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return 0, nil
	}
	for _, name := range cgroupFiles {
		raw, err := os.ReadFile(filepath.Join(root, name))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("read memory limit: %w", err)
		}
		s := strings.TrimSpace(string(raw))
		if s == "max" {
			return 0, nil
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("parse memory limit %s %q: %w", name, s, err)
		}
		if n <= 0 || n >= noLimit {
			return 0, nil
		}
		limit := int64(float64(n) * Share)
		debug.SetMemoryLimit(limit)
		return limit, nil
	}
	return 0, nil
}
