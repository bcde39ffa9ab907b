package load

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/ternant/ternant/server/seed"
	"github.com/ternant/ternant/server/servertest"
)

// k6Call is one request the k6 script makes.
type k6Call struct {
	Method, Path string
}

var (
	// http.get(`${BASE_URL}/path`...) and http.get(`${BASE_URL}${path}`...)
	k6CallRE = regexp.MustCompile("http\\.(get|post|put|patch|del)\\(\\s*`\\$\\{BASE_URL\\}([^`]*)`")
	// every use of k6's http module, to notice a call k6CallRE does not understand
	k6AnyCallRE = regexp.MustCompile(`\bhttp\.\w+\(`)
	// for (const path of ['/api/v1/a', '/api/v1/b'])
	k6LoopRE   = regexp.MustCompile(`for \(const (\w+) of \[([^\]]*)\]\)`)
	k6StringRE = regexp.MustCompile(`'([^']*)'`)
	k6EnvRE    = regexp.MustCompile(`__ENV\.(\w+) \|\| '([^']*)'`)
)

// k6Script reads test/load/k6.js and returns its requests and the defaults of its __ENV settings.
func k6Script(t *testing.T) (calls []k6Call, defaults map[string]string) {
	t.Helper()
	raw, err := os.ReadFile("k6.js")
	if err != nil {
		t.Fatal(err)
	}
	src := string(raw)
	loops := map[string][]string{}
	for _, m := range k6LoopRE.FindAllStringSubmatch(src, -1) {
		for _, s := range k6StringRE.FindAllStringSubmatch(m[2], -1) {
			loops[m[1]] = append(loops[m[1]], s[1])
		}
	}
	matched := k6CallRE.FindAllStringSubmatch(src, -1)
	if n := len(k6AnyCallRE.FindAllString(src, -1)); n != len(matched) {
		t.Fatalf("k6.js makes %d http calls, the test understands %d: teach k6CallRE the new form", n, len(matched))
	}
	for _, m := range matched {
		method := strings.ToUpper(m[1])
		if method == "DEL" {
			method = http.MethodDelete
		}
		if v, ok := strings.CutPrefix(m[2], "${"); ok {
			name := strings.TrimSuffix(v, "}")
			if len(loops[name]) == 0 {
				t.Fatalf("k6.js requests ${%s}, which is no loop over a list of paths", name)
			}
			for _, p := range loops[name] {
				calls = append(calls, k6Call{method, p})
			}
			continue
		}
		calls = append(calls, k6Call{method, m[2]})
	}
	defaults = map[string]string{}
	for _, m := range k6EnvRE.FindAllStringSubmatch(src, -1) {
		defaults[m[1]] = m[2]
	}
	return calls, defaults
}

// TestK6ScriptParses checks k6.js is valid JavaScript as k6 reads it: an ES module.
func TestK6ScriptParses(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is needed to check k6.js (apt-get install nodejs): %v", err)
	}
	f, err := os.Open("k6.js")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := exec.Command(node, "--check", "--input-type=module")
	cmd.Stdin = f
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("node --check k6.js: %v\n%s", err, out)
	}
}

// TestK6ScriptMatchesTheAPI holds the k6 script to the server: every path it requests is in the
// route table, and its requests, made against a real server with the demo data, succeed and
// answer what its checks look for (tokens.accessToken, health status ok, data.totalUnits).
func TestK6ScriptMatchesTheAPI(t *testing.T) {
	calls, defaults := k6Script(t)
	if len(calls) < 5 {
		t.Fatalf("found only %d requests in k6.js: %v", len(calls), calls)
	}
	inst := servertest.Start(t, nil)

	routes := chi.NewRouter()
	prefix := "/" + inst.Config.APIPrefix + "/v1"
	for _, rt := range inst.Routes() {
		routes.Method(rt.Method, prefix+rt.Pattern, http.NotFoundHandler())
	}
	for _, c := range calls {
		path, _, _ := strings.Cut(c.Path, "?")
		if !routes.Match(chi.NewRouteContext(), c.Method, path) {
			t.Errorf("k6.js requests %s %s, which is not in the server's route table", c.Method, c.Path)
		}
	}
	if t.Failed() {
		return
	}

	if _, err := seed.Demo(context.Background(), inst.DB, seed.Options{Seed: 1, BcryptCost: 4}); err != nil {
		t.Fatal(err)
	}
	token := ""
	for _, c := range calls {
		if c.Method == http.MethodPost && c.Path == prefix+"/auth/login" {
			token = inst.Login(t, defaults["EMAIL"], defaults["PASSWORD"]) // reads tokens.accessToken
		}
	}
	if token == "" {
		t.Fatal("k6.js does not log in through POST /api/v1/auth/login with its EMAIL and PASSWORD defaults")
	}
	for _, c := range calls {
		if c.Method != http.MethodGet {
			continue
		}
		r := inst.Get(t, c.Path, token)
		if r.Status != http.StatusOK {
			t.Errorf("GET %s as the demo owner: %d %s", c.Path, r.Status, r.Body)
			continue
		}
		switch c.Path {
		case prefix + "/health":
			if s := r.Map(t)["status"]; s != "ok" {
				t.Errorf("health status %v, k6 checks for ok", s)
			}
		case prefix + "/dashboard/stats":
			data, _ := r.Map(t)["data"].(map[string]any)
			if _, ok := data["totalUnits"]; !ok {
				t.Errorf("dashboard stats has no data.totalUnits, which k6 checks: %s", r.Body)
			}
		}
	}
}
