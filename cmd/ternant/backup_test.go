package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ternant/ternant/internal/s3test"
	"github.com/ternant/ternant/internal/testenv"
	"github.com/ternant/ternant/server/seed"
	"github.com/ternant/ternant/server/servertest"
)

func TestMain(m *testing.M) {
	s3test.Main()
	os.Exit(m.Run())
}

func TestBackupCommandUsage(t *testing.T) {
	t.Setenv("BACKUP_LOCATION", "")
	for _, tc := range []struct {
		args  []string
		code  int
		out   string
		errIn string
	}{
		{[]string{"backup"}, 2, "", "missing action: create, restore or list"},
		{[]string{"backup", "sideways"}, 2, "", `unknown action "sideways"`},
		{[]string{"backup", "--help"}, 0, "BACKUP_S3_PATH_STYLE", ""},
		{[]string{"backup", "create", "--help"}, 0, "--keep-last", ""},
		{[]string{"backup", "restore", "--help"}, 0, "AWS_SECRET_ACCESS_KEY", ""},
		{[]string{"backup", "create"}, 2, "", "--to is required"},
		{[]string{"backup", "create", "--to", "file:///x", "--max-age", "soon"}, 2, "", `--max-age "soon"`},
		{[]string{"backup", "create", "--to", "file:///x", "--max-age", "-1h"}, 2, "", "want a positive duration"},
		{[]string{"backup", "create", "--to", "file:///x", "--keep-last", "-1"}, 2, "", "--keep-last -1"},
		{[]string{"backup", "restore", "--from", "file:///x", "--at", "yesterday"}, 2, "", `--at "yesterday"`},
		{[]string{"backup", "list"}, 2, "", "--from is required"},
		{[]string{"backup", "list", "--from", "ftp://x/y"}, 1, "", "want s3://bucket/prefix or file:///dir"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(tc.args, &out, &errb)
			if code != tc.code || !strings.Contains(out.String(), tc.out) || !strings.Contains(errb.String(), tc.errIn) {
				t.Errorf("exit %d (want %d)\nstdout %q (want %q)\nstderr %q (want %q)", code, tc.code, out.String(), tc.out, errb.String(), tc.errIn)
			}
		})
	}
}

func TestParseAge(t *testing.T) {
	for in, want := range map[string]time.Duration{"": 0, "30d": 30 * 24 * time.Hour, "36h": 36 * time.Hour, "90m": 90 * time.Minute} {
		if got, err := parseAge(in); err != nil || got != want {
			t.Errorf("parseAge(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"d", "1.5d", "0", "0d", "-2d", "week"} {
		if _, err := parseAge(bad); err == nil {
			t.Errorf("parseAge(%q) accepted", bad)
		}
	}
}

// backupResult is the agreed JSON line of `backup create`.
type backupResult struct {
	Name, Location         string
	Size                   int64
	StartedAt, CompletedAt time.Time
	SchemaVersion          uint
}

func runOK(t *testing.T, args ...string) (string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run(args, &out, &errb); code != 0 {
		t.Fatalf("%v: exit %d\nstdout %s\nstderr %s", args, code, out.String(), errb.String())
	}
	return out.String(), errb.String()
}

func countRows(t *testing.T, dsn, table string) int {
	t.Helper()
	d, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var n int
	if err := d.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// The commands end to end against MariaDB and a real S3-compatible server: create with the
// agreed JSON result on stdout and in the termination log, retention, list, restore of a backup
// chosen by --at into an empty database, and the refusals.
func TestBackupCommandsAgainstS3(t *testing.T) {
	srv := s3test.Start(t, "ternant-backups")
	t.Setenv("BACKUP_S3_ENDPOINT", srv.Endpoint)
	t.Setenv("BACKUP_S3_REGION", "us-east-1")
	t.Setenv("BACKUP_S3_PATH_STYLE", "true")
	t.Setenv("AWS_ACCESS_KEY_ID", "ternant")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "ternant-secret")
	t.Setenv("BACKUP_LOCATION", "")
	termLog := filepath.Join(t.TempDir(), "termination-log")
	if err := os.WriteFile(termLog, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	old := terminationLog
	terminationLog = termLog
	t.Cleanup(func() { terminationLog = old })

	src := testenv.MySQL(t)
	t.Setenv("DB_DSN", src)
	runOK(t, "seed", "--demo", "--bcrypt-cost", "4")
	const loc = "s3://ternant-backups/prod/db"

	var results []backupResult
	var between time.Time
	for i := 0; i < 3; i++ {
		out, _ := runOK(t, "backup", "create", "--to", loc, "--keep-last", "2")
		var res backupResult
		if err := json.Unmarshal([]byte(out), &res); err != nil || strings.Count(out, "\n") != 1 {
			t.Fatalf("stdout is not one JSON line: %q (%v)", out, err)
		}
		if !strings.HasPrefix(res.Location, loc+"/") || !strings.HasSuffix(res.Name, ".sql.gz") || res.Size == 0 || res.SchemaVersion == 0 || res.CompletedAt.Before(res.StartedAt) {
			t.Errorf("result %+v", res)
		}
		if logged, _ := os.ReadFile(termLog); string(logged) != out {
			t.Errorf("termination log %q, stdout %q", logged, out)
		}
		results = append(results, res)
		if i == 1 {
			time.Sleep(20 * time.Millisecond)
			between = time.Now().UTC()
			time.Sleep(20 * time.Millisecond)
			// A change after the second backup, which a restore of it must not contain.
			d, _ := sql.Open("mysql", src)
			if _, err := d.Exec("UPDATE companies SET name = 'Renamed after backup 2'"); err != nil {
				t.Fatal(err)
			}
			d.Close()
		}
	}
	out, _ := runOK(t, "backup", "list", "--from", loc)
	if strings.Contains(out, results[0].Name) || !strings.Contains(out, results[1].Name) || !strings.Contains(out, results[2].Name) {
		t.Errorf("after --keep-last 2, list shows:\n%s", out)
	}

	dst := testenv.MySQL(t)
	t.Setenv("DB_DSN", dst)
	out, _ = runOK(t, "backup", "restore", "--from", loc, "--at", between.Format(time.RFC3339Nano))
	if !strings.Contains(out, results[1].Name) {
		t.Errorf("--at %s restored %s, want %s", between, out, results[1].Name)
	}
	if logged, _ := os.ReadFile(termLog); string(logged) != out {
		t.Errorf("termination log %q, stdout %q", logged, out)
	}
	if n, want := countRows(t, dst, "invoices"), countRows(t, src, "invoices"); n != want || n == 0 {
		t.Errorf("restored invoices: %d, want %d", n, want)
	}
	if n := countRows(t, dst, "companies WHERE name LIKE 'Renamed%'"); n != 0 {
		t.Errorf("the restore holds %d changes made after its backup", n)
	}

	var stdout, stderr bytes.Buffer
	if code := run([]string{"backup", "restore", "--from", loc}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "--force") {
		t.Errorf("restore into a restored database: exit %d, stderr %q", code, stderr.String())
	}
	if logged, _ := os.ReadFile(termLog); !strings.Contains(string(logged), `"error"`) {
		t.Errorf("termination log after a failure: %q", logged)
	}
	stderr.Reset()
	if code := run([]string{"backup", "restore", "--from", loc, "--at", "2020-01-01T00:00:00Z"}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "no backup found at or before 2020-01-01T00:00:00Z") {
		t.Errorf("--at before every backup: exit %d, stderr %q", code, stderr.String())
	}
	out, _ = runOK(t, "backup", "restore", "--from", loc, "--name", "latest", "--force")
	if !strings.Contains(out, results[2].Name) {
		t.Errorf("latest restored %s, want %s", out, results[2].Name)
	}
	if n := countRows(t, dst, "companies WHERE name LIKE 'Renamed%'"); n == 0 {
		t.Error("the latest backup lacks the change made before it")
	}

	// The restored instance serves: the demo owners sign in with their passwords, and every
	// company's dashboard answers exactly as on the original.
	redisAddr := testenv.RedisAddr(t)
	orig := servertest.StartWith(t, src, redisAddr, testenv.RedisPrefix(t, redisAddr), true, nil)
	restored := servertest.StartWith(t, dst, redisAddr, testenv.RedisPrefix(t, redisAddr), true, nil)
	for _, slug := range []string{"sunrise-pm", "elite-housing", "metro-apartments"} {
		email := "owner@" + slug + ".com"
		a := orig.Get(t, "/api/v1/dashboard/stats", orig.Login(t, email, seed.DemoPassword))
		b := restored.Get(t, "/api/v1/dashboard/stats", restored.Login(t, email, seed.DemoPassword))
		if a.Status != 200 || b.Status != 200 || !bytes.Equal(a.Body, b.Body) {
			t.Errorf("%s dashboard:\noriginal %d %s\nrestored %d %s", slug, a.Status, a.Body, b.Status, b.Body)
		}
		if bytes.Contains(a.Body, []byte(`"totalUnits":0,`)) || !bytes.Contains(a.Body, []byte(`"totalUnits"`)) {
			t.Errorf("%s: a dashboard with nothing to compare: %s", slug, a.Body)
		}
	}

	// A failed create (no database there) writes nothing and deletes nothing.
	t.Setenv("DB_DSN", strings.Replace(dst, "/t_", "/missing_", 1))
	stderr.Reset()
	if code := run([]string{"backup", "create", "--to", loc, "--keep-last", "1"}, &stdout, &stderr); code != 1 {
		t.Errorf("create from a missing database: exit %d, stderr %q", code, stderr.String())
	}
	out, _ = runOK(t, "backup", "list", "--from", loc, "--json")
	if strings.Count(out, "\n") != 2 {
		t.Errorf("after a failed create the location holds:\n%s", out)
	}
}
