package backup

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

func TestSplitter(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string
		rest     string
	}{
		{"two statements", "SET a = 1;\nSET b = 2;\n", []string{"SET a = 1", "SET b = 2"}, ""},
		{"multi-line statement", "CREATE TABLE t (\n  a int\n);\n", []string{"CREATE TABLE t (\n  a int\n)"}, ""},
		{"semicolons in quotes", "INSERT INTO t VALUES ('a;\\n', \"b;\", 'it\\'s;');\n", []string{"INSERT INTO t VALUES ('a;\\n', \"b;\", 'it\\'s;')"}, ""},
		{"backtick with semicolon", "SELECT `we;ird` FROM t;\n", []string{"SELECT `we;ird` FROM t"}, ""},
		{"comments", "-- a comment; with semicolon\n# another;\nSELECT 1 /* c; */ ;\nSELECT 2; -- tail;\n", []string{"SELECT 1 /* c; */", "SELECT 2"}, ""},
		{"delimiter", "DELIMITER ;;\nCREATE TRIGGER x BEGIN\n  SET a = 1;\n  SET b = 2;\nEND;;\nDELIMITER ;\nSELECT 3;\n",
			[]string{"CREATE TRIGGER x BEGIN\n  SET a = 1;\n  SET b = 2;\nEND", "SELECT 3"}, ""},
		{"unfinished", "SELECT 1;\nINSERT INTO t VALUES (1),\n(2", []string{"SELECT 1"}, "INSERT INTO t VALUES (1),\n(2"},
		{"unclosed quote", "SELECT 'abc;\n", nil, "SELECT 'abc;"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSplitter()
			var got []string
			for _, line := range strings.SplitAfter(tc.in, "\n") {
				got = append(got, s.feed([]byte(line))...)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("statements = %q, want %q", got, tc.want)
			}
			if s.rest() != tc.rest {
				t.Errorf("rest = %q, want %q", s.rest(), tc.rest)
			}
		})
	}
}

func TestNames(t *testing.T) {
	at := time.Date(2026, 12, 3, 18, 30, 5, 123456789, time.FixedZone("x", 3600))
	name := NameFor(at)
	if name != "20261203T173005.123Z.sql.gz" {
		t.Fatalf("NameFor = %q", name)
	}
	got, ok := TimeOf(name)
	if !ok || !got.Equal(at.Truncate(time.Millisecond)) {
		t.Errorf("TimeOf(%q) = %v, %v", name, got, ok)
	}
	for _, bad := range []string{"latest", "20261203T173005Z.sql.gz", "20261203T173005.123Z.sql", ".20261203T173005.123Z.sql.gz.partial-1", "x/20261203T173005.123Z.sql.gz"} {
		if _, ok := TimeOf(bad); ok {
			t.Errorf("TimeOf(%q) accepted", bad)
		}
	}
}

func day(d int) time.Time { return time.Date(2026, 11, d, 3, 0, 0, 0, time.UTC) }

// storeWith is a directory store holding backups taken on the given days of November, plus
// files that are not backups (which retention must never touch).
func storeWith(t *testing.T, days ...int) (*dirStore, []string) {
	t.Helper()
	dir := t.TempDir()
	var names []string
	for _, d := range days {
		n := NameFor(day(d))
		names = append(names, n)
		if err := os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, other := range []string{"README", "20261101T030000Z.sql.gz", ".20261130T030000.000Z.sql.gz.partial-9"} {
		os.WriteFile(filepath.Join(dir, other), []byte("keep"), 0o600)
	}
	return &dirStore{dir: dir}, names
}

func TestPrune(t *testing.T) {
	now := day(20).Add(time.Hour)
	for _, tc := range []struct {
		name   string
		days   []int
		keep   int // index into days of the backup just written
		r      Retention
		remain []int
		err    bool
	}{
		{"off", []int{1, 2, 3}, 2, Retention{}, []int{1, 2, 3}, false},
		{"keep last 2", []int{1, 2, 3, 4}, 3, Retention{KeepLast: 2}, []int{3, 4}, false},
		{"keep last 1 is the new one", []int{1, 2, 3}, 2, Retention{KeepLast: 1}, []int{3}, false},
		{"keep last more than stored", []int{1, 2}, 1, Retention{KeepLast: 5}, []int{1, 2}, false},
		{"max age 7 days", []int{1, 10, 14, 19, 20}, 4, Retention{MaxAge: 7 * 24 * time.Hour}, []int{14, 19, 20}, false},
		{"both rules: either deletes", []int{12, 14, 16, 18, 20}, 4, Retention{KeepLast: 4, MaxAge: 7 * 24 * time.Hour}, []int{14, 16, 18, 20}, false},
		{"the new backup survives its own age", []int{1, 2}, 1, Retention{MaxAge: time.Hour}, []int{2}, false},
		{"the new backup survives even if others look newer", []int{1, 2, 3}, 0, Retention{KeepLast: 1}, []int{1, 3}, false},
		{"new backup not listed: nothing deleted", []int{1, 2, 3}, -1, Retention{KeepLast: 1}, []int{1, 2, 3}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, names := storeWith(t, tc.days...)
			keep := "20261130T000000.000Z.sql.gz"
			if tc.keep >= 0 {
				keep = names[tc.keep]
			}
			_, err := Prune(context.Background(), st, tc.r, keep, now)
			if (err != nil) != tc.err {
				t.Fatalf("err = %v", err)
			}
			objs, _ := st.List(context.Background())
			var got []int
			for _, o := range objs {
				got = append(got, o.Time.Day())
			}
			sort.Ints(got)
			if !reflect.DeepEqual(got, tc.remain) {
				t.Errorf("remaining days %v, want %v", got, tc.remain)
			}
			entries, _ := os.ReadDir(st.dir)
			if len(entries) != len(tc.remain)+3 {
				t.Errorf("other files touched: %d entries", len(entries))
			}
		})
	}
}

func TestSelect(t *testing.T) {
	st, names := storeWith(t, 3, 1, 5)
	objs, err := st.List(context.Background())
	if err != nil || len(objs) != 3 {
		t.Fatal(objs, err)
	}
	for _, tc := range []struct {
		name string
		at   time.Time
		want string // "" for ErrNoBackup
	}{
		{"latest", time.Time{}, names[2]},
		{"", time.Time{}, names[2]},
		{names[1], time.Time{}, names[1]},
		{"20261109T030000.000Z.sql.gz", time.Time{}, ""},
		{"", day(3), names[0]},                       // exactly at
		{"", day(4).Add(-time.Nanosecond), names[0]}, // between
		{"", day(30), names[2]},
		{"", day(1).Add(-time.Second), ""}, // before every backup
		{"latest", day(2), names[1]},       // --at wins
	} {
		got, err := Select(objs, tc.name, tc.at)
		switch {
		case tc.want == "" && !errors.Is(err, ErrNoBackup):
			t.Errorf("Select(%q, %v) = %v, %v; want ErrNoBackup", tc.name, tc.at, got, err)
		case tc.want != "" && (err != nil || got.Name != tc.want):
			t.Errorf("Select(%q, %v) = %v, %v; want %s", tc.name, tc.at, got, err, tc.want)
		}
	}
	if _, err := Select(nil, "latest", time.Time{}); !errors.Is(err, ErrNoBackup) {
		t.Errorf("empty store: %v", err)
	}
}

func TestDirStorePutIsAtomic(t *testing.T) {
	dir := t.TempDir()
	st := &dirStore{dir: filepath.Join(dir, "nested", "backups")}
	ctx := context.Background()
	name := NameFor(day(1))
	if _, err := st.Put(ctx, name, errReader{}); err == nil {
		t.Fatal("put of a failing stream succeeded")
	}
	if objs, _ := st.List(ctx); len(objs) != 0 {
		t.Fatalf("a failed put left %v", objs)
	}
	entries, _ := os.ReadDir(st.dir)
	if len(entries) != 0 {
		t.Fatalf("a failed put left files: %v", entries)
	}
	if n, err := st.Put(ctx, name, strings.NewReader("abc")); err != nil || n != 3 {
		t.Fatal(n, err)
	}
	if _, err := st.Put(ctx, name, strings.NewReader("other")); err == nil {
		t.Error("put over an existing backup succeeded")
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("dump failed") }

// BenchmarkSplitter measures the restore's client-side parsing: bytes of dump text cut into
// statements per second (go test -bench Splitter -benchmem ./internal/backup/).
func BenchmarkSplitter(b *testing.B) {
	var dump []byte
	dump = append(dump, "INSERT INTO `invoices` (`id`, `notes`, `lineItems`) VALUES\n"...)
	for i := 0; i < 2000; i++ {
		if i > 0 {
			dump = append(dump, ",\n"...)
		}
		dump = append(dump, "('0b6f7f0e-5d2a-4c1b-9a57-1c2d3e4f5a6b','it\\'s; a note',"...)
		dump = append(dump, `'[{"description":"Rent","amount":1500.00,"quantity":1}]',12345.67,NULL,X'00ff10')`...)
	}
	dump = append(dump, ";\n"...)
	lines := bytes.SplitAfter(dump, []byte("\n"))
	b.SetBytes(int64(len(dump)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := newSplitter()
		n := 0
		for _, l := range lines {
			n += len(s.feed(l))
		}
		if n != 1 {
			b.Fatalf("%d statements", n)
		}
	}
}
