// Package propertytest is the HTTP test kit of the property domain (compounds, apartments, tenants,
// occupancies): a running server with two registered companies, request shortcuts, factories for
// each resource, error-shape assertions and JSON golden files (refreshed with -update).
package propertytest

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/ternant/ternant/internal/testenv"
	"github.com/ternant/ternant/server/servertest"
)

var update = flag.Bool("update", false, "rewrite golden files with the current responses")

// Env is a running server with two companies: A (the caller in most tests) and B (the stranger
// whose ids must stay invisible to A).
type Env struct {
	*servertest.Instance
	// A and B are the owners' access tokens; AID and BID the company ids.
	A, B     string
	AID, BID string
}

// Start runs a server on a fresh database and registers companies A and B.
func Start(t testing.TB) *Env {
	t.Helper()
	return StartOn(t, servertest.Start(t, nil))
}

// Call sends a request with token under /api/v1.
func (e *Env) Call(t testing.TB, token, method, path string, body any) *servertest.Response {
	t.Helper()
	return e.Do(t, servertest.Request{Method: method, Path: "/api/v1" + path, Token: token, Body: body})
}

// Must sends a request and fails the test unless it answers want; it returns the decoded object
// (nil for an empty body).
func (e *Env) Must(t testing.TB, want int, token, method, path string, body any) map[string]any {
	t.Helper()
	r := e.Call(t, token, method, path, body)
	if r.Status != want {
		t.Fatalf("%s %s = %d %s, want %d", method, path, r.Status, r.Body, want)
	}
	if len(r.Body) == 0 {
		return nil
	}
	return r.Map(t)
}

// List sends a GET expected to answer 200 with an array and returns it with X-Total-Count.
func (e *Env) List(t testing.TB, token, path string) ([]map[string]any, string) {
	t.Helper()
	r := e.Call(t, token, http.MethodGet, path, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("GET %s = %d %s", path, r.Status, r.Body)
	}
	var out []map[string]any
	r.JSON(t, &out)
	return out, r.Header.Get("X-Total-Count")
}

// ExpectError asserts TernantApp's error body: status, and message (a string, or the first entry
// of the validation array).
func ExpectError(t testing.TB, r *servertest.Response, status int, message string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status = %d %s, want %d %q", r.Status, r.Body, status, message)
	}
	var body struct {
		Message    json.RawMessage `json:"message"`
		Error      string          `json:"error"`
		StatusCode int             `json:"statusCode"`
	}
	r.JSON(t, &body)
	if body.StatusCode != status || body.Error != http.StatusText(status) {
		t.Errorf("error body = %s", r.Body)
	}
	var one string
	if json.Unmarshal(body.Message, &one) == nil {
		if one != message {
			t.Errorf("message = %q, want %q", one, message)
		}
		return
	}
	var many []string
	if err := json.Unmarshal(body.Message, &many); err != nil {
		t.Fatalf("message is neither string nor array: %s", r.Body)
	}
	for _, m := range many {
		if m == message {
			return
		}
	}
	t.Errorf("messages = %q, want one to be %q", many, message)
}

var (
	uuidPattern = regexp.MustCompile(`"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"`)
	isoPattern  = regexp.MustCompile(`"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z"`)
)

// Golden compares a JSON body, pretty-printed with ids and timestamps masked, with
// testdata/<name>.json; -update rewrites the file. Everything else, value types included (strings
// for decimals, YYYY-MM-DD dates, booleans, nulls, nested objects), must match exactly.
func Golden(t testing.TB, name string, body []byte) {
	t.Helper()
	masked := uuidPattern.ReplaceAll(body, []byte(`"<uuid>"`))
	masked = isoPattern.ReplaceAll(masked, []byte(`"<timestamp>"`))
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, masked, "", "  "); err != nil {
		t.Fatalf("golden %s: invalid JSON %s: %v", name, body, err)
	}
	pretty.WriteByte('\n')
	path := filepath.Join("testdata", name+".json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, pretty.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if !bytes.Equal(want, pretty.Bytes()) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, pretty.Bytes(), want)
	}
}

// ID returns m["id"] as a string.
func ID(t testing.TB, m map[string]any) string {
	t.Helper()
	id, ok := m["id"].(string)
	if !ok || id == "" {
		t.Fatalf("no id in %v", m)
	}
	return id
}

// Day returns today's UTC date shifted by n days, as YYYY-MM-DD.
func Day(n int) string { return time.Now().UTC().AddDate(0, 0, n).Format(time.DateOnly) }

// StartOn registers companies A and B on a running instance (for example one on the embedded
// engine).
func StartOn(t testing.TB, inst *servertest.Instance) *Env {
	t.Helper()
	e := &Env{Instance: inst}
	suffix := testenv.Unique()
	e.A, e.AID = inst.RegisterCompany(t, "a-"+suffix)
	e.B, e.BID = inst.RegisterCompany(t, "b-"+suffix)
	return e
}
