package memlimit

import (
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
)

// cgroup writes a fake cgroup root (the real one belongs to the test runner) with file = content.
func cgroup(t *testing.T, file, content string) string {
	t.Helper()
	root := t.TempDir()
	p := filepath.Join(root, file)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

func TestFromCgroupFakeRoot(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	t.Cleanup(func() { debug.SetMemoryLimit(math.MaxInt64) })
	for _, tc := range []struct {
		name, file, content string
		want                int64
	}{
		{"cgroup v2 limit", "memory.max", "268435456\n", 241591910},
		{"cgroup v2 without limit", "memory.max", "max\n", 0},
		{"cgroup v1 limit", "memory/memory.limit_in_bytes", "536870912\n", 483183820},
		{"cgroup v1 without limit", "memory/memory.limit_in_bytes", "9223372036854771712\n", 0},
		{"no cgroup files", "unrelated", "1", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			debug.SetMemoryLimit(math.MaxInt64)
			got, err := FromCgroup(cgroup(t, tc.file, tc.content))
			if err != nil || got != tc.want {
				t.Fatalf("FromCgroup = %d, %v; want %d", got, err, tc.want)
			}
			want := tc.want
			if want == 0 {
				want = math.MaxInt64
			}
			if cur := debug.SetMemoryLimit(-1); cur != want {
				t.Errorf("runtime limit = %d, want %d", cur, want)
			}
		})
	}
}

func TestFromCgroupLeavesGOMEMLIMITAloneFake(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "64MiB")
	if got, err := FromCgroup(cgroup(t, "memory.max", "268435456")); err != nil || got != 0 {
		t.Errorf("FromCgroup with GOMEMLIMIT set = %d, %v; want 0 (left alone)", got, err)
	}
}

func TestFromCgroupRejectsGarbageFake(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	if _, err := FromCgroup(cgroup(t, "memory.max", "lots")); err == nil {
		t.Error("an unparsable limit was accepted")
	}
}
