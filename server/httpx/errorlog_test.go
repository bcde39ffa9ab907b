package httpx_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/logging"
	"github.com/ternant/ternant/server/platform/redisclient"
)

// The cause of every 500 (the whole wrapped chain) and every panic (value and stack) reaches
// LOG_DIR's error.log as JSON with the request's id, and never the response.
func TestFailureCausesReachErrorLog(t *testing.T) {
	dir := t.TempDir()
	log, closer, err := logging.New(logging.Options{Level: "info", JSON: true, Dir: dir, Out: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/fail", func(w http.ResponseWriter, r *http.Request) {
		httpx.WriteError(w, r, fmt.Errorf("load invoice 42: %w", errors.New("disk on fire")))
	})
	mux.HandleFunc("/panic", func(http.ResponseWriter, *http.Request) { panic("nil map in handler") })
	mux.HandleFunc("/redis", func(w http.ResponseWriter, r *http.Request) {
		httpx.WriteError(w, r, fmt.Errorf("read access session: %w", redisclient.ErrUnavailable))
	})
	h := httpx.Recover(httpx.RequestIDs(httpx.AccessLog(log)(mux)))

	for _, c := range []struct {
		path   string
		status int
	}{{"/fail", 500}, {"/panic", 500}, {"/redis", 503}} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, c.path, nil)
		req.Header.Set("X-Request-Id", "req"+strings.TrimPrefix(c.path, "/"))
		h.ServeHTTP(rec, req)
		if rec.Code != c.status {
			t.Errorf("%s = %d, want %d", c.path, rec.Code, c.status)
		}
		if b := rec.Body.String(); strings.Contains(b, "disk on fire") || strings.Contains(b, "nil map") {
			t.Errorf("%s leaks its cause: %s", c.path, b)
		}
		if c.status == 503 && rec.Header().Get("Retry-After") == "" {
			t.Errorf("%s: 503 without Retry-After", c.path)
		}
	}
	if err := closer.Close(); err != nil {
		t.Fatal(err)
	}

	lines := readJSONLines(t, filepath.Join(dir, "error.log"))
	byID := map[string]map[string]any{}
	for _, l := range lines {
		id, _ := l["request_id"].(string)
		byID[id] = l
	}
	if l := byID["reqfail"]; l == nil || l["err"] != "load invoice 42: disk on fire" || l["status"] != float64(500) {
		t.Errorf("error.log line of the 500 = %v, want its cause chain and status", l)
	}
	if l := byID["reqpanic"]; l == nil || l["panic"] != "nil map in handler" || !strings.Contains(fmt.Sprint(l["stack"]), "errorlog_test.go") {
		t.Errorf("error.log line of the panic = %v, want its value and stack", l)
	}
	if l := byID["reqredis"]; l == nil || !strings.Contains(fmt.Sprint(l["err"]), "redis unavailable") {
		t.Errorf("error.log line of the 503 = %v, want its cause", l)
	}
	if len(lines) != 3 {
		t.Errorf("error.log has %d lines, want one per failed request: %v", len(lines), lines)
	}
}

func readJSONLines(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("error.log line is not JSON: %q", sc.Text())
		}
		out = append(out, m)
	}
	return out
}

// Failures of a dependency are 503 with Retry-After, never 500: the database's, Redis's, and a
// deadline's.
func TestDependencyFailuresAre503(t *testing.T) {
	for _, err := range []error{
		fmt.Errorf("list: %w", db.ErrUnavailable),
		fmt.Errorf("list: %w", db.ErrPoolTimeout),
		fmt.Errorf("read access session: %w", redisclient.ErrUnavailable),
		fmt.Errorf("report: %w", context.DeadlineExceeded),
	} {
		rec := httptest.NewRecorder()
		httpx.WriteError(rec, httptest.NewRequest(http.MethodGet, "/", nil), err)
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != "1" {
			t.Errorf("%v = %d Retry-After %q, want 503 with Retry-After 1", err, rec.Code, rec.Header().Get("Retry-After"))
		}
	}
}
