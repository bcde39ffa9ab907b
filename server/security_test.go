package server_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/ternant/ternant/internal/testenv"
	"github.com/ternant/ternant/server/config"
	"github.com/ternant/ternant/server/servertest"
)

// securityHeaders are the headers every response must carry, with their exact values ("" means
// present with any value).
var securityHeaders = map[string]string{
	"Content-Security-Policy":      "",
	"Strict-Transport-Security":    "max-age=31536000; includeSubDomains; preload",
	"X-Frame-Options":              "DENY",
	"X-Content-Type-Options":       "nosniff",
	"Referrer-Policy":              "strict-origin-when-cross-origin",
	"Cross-Origin-Opener-Policy":   "same-origin",
	"Cross-Origin-Resource-Policy": "same-origin",
	"X-XSS-Protection":             "0",
}

func assertSecurityHeaders(t *testing.T, label string, resp *servertest.Response) {
	t.Helper()
	for h, want := range securityHeaders {
		got := resp.Header.Get(h)
		if got == "" || (want != "" && got != want) {
			t.Errorf("%s (%d): %s = %q, want %q", label, resp.Status, h, got, want)
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); csp != "" {
		if !containsAll(csp, "default-src 'self'", "script-src 'self'") || containsAll(csp, "unsafe-inline") {
			t.Errorf("%s: weak CSP %q", label, csp)
		}
	}
	for _, h := range []string{"X-Powered-By", "Server"} {
		if v := resp.Header.Get(h); v != "" {
			t.Errorf("%s: banner header %s: %q", label, h, v)
		}
	}
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		found := false
		for i := 0; i+len(sub) <= len(s); i++ {
			if s[i:i+len(sub)] == sub {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// TestSecurityHeadersOnEveryStatus checks the headers on a 200, 400, 401, 404, 429 and 503.
func TestSecurityHeadersOnEveryStatus(t *testing.T) {
	inst := servertest.Start(t, func(c *config.Config) { c.ThrottleLimit = 8 })
	token, _ := inst.RegisterCompany(t, "headers-co")
	cases := []struct {
		want int
		req  servertest.Request
	}{
		{http.StatusOK, servertest.Request{Method: http.MethodGet, Path: "/api/v1/auth/me", Token: token}},
		{http.StatusBadRequest, servertest.Request{Method: http.MethodPost, Path: "/api/v1/auth/login", Body: `{"email":1`}},
		{http.StatusUnauthorized, servertest.Request{Method: http.MethodGet, Path: "/api/v1/users"}},
		{http.StatusNotFound, servertest.Request{Method: http.MethodGet, Path: "/api/v1/no-such-route"}},
		{http.StatusNotFound, servertest.Request{Method: http.MethodGet, Path: "/outside-the-api"}},
	}
	for _, c := range cases {
		resp := inst.Do(t, c.req)
		if resp.Status != c.want {
			t.Fatalf("%s %s: got %d %s, want %d", c.req.Method, c.req.Path, resp.Status, resp.Body, c.want)
		}
		assertSecurityHeaders(t, c.req.Method+" "+c.req.Path, resp)
	}

	// 429: the throttle allows 8 requests per client; the register and the cases above used some.
	var limited *servertest.Response
	for i := 0; i < 20 && limited == nil; i++ {
		if resp := inst.Get(t, "/api/v1/health/ping", ""); resp.Status == http.StatusTooManyRequests {
			limited = resp
		}
	}
	if limited == nil {
		t.Fatal("no 429 after 20 requests with THROTTLE_LIMIT=8")
	}
	assertSecurityHeaders(t, "429", limited)

	// 503: an instance whose Redis is unreachable cannot check sessions. (Its rate limiter falls
	// back to process memory, so the request gets as far as authentication.)
	broken := servertest.StartWith(t, inst.DSN, "127.0.0.1:1", inst.KeyPrefix, false, nil)
	resp := broken.Get(t, "/api/v1/auth/me", token)
	if resp.Status != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("unreachable Redis: got %d %s, want 503 with Retry-After", resp.Status, resp.Body)
	}
	assertSecurityHeaders(t, "503", resp)
}

// TestRateLimitExactAcrossInstances runs two servers on one database, one Redis and one key
// prefix: a client gets exactly THROTTLE_LIMIT requests per window between them, then 429 from
// whichever instance it hits.
func TestRateLimitExactAcrossInstances(t *testing.T) {
	const limit = 7
	dsn := testenv.MySQL(t)
	addr := testenv.RedisAddr(t)
	prefix := testenv.RedisPrefix(t, addr)
	// A long window: under a loaded machine a one-minute GCRA window would refill between requests.
	mutate := func(c *config.Config) { c.ThrottleLimit = limit; c.ThrottleTTL = time.Hour }
	a := servertest.StartWith(t, dsn, addr, prefix, true, mutate)
	b := servertest.StartWith(t, dsn, addr, prefix, false, mutate)
	insts := []*servertest.Instance{a, b}

	for i := 0; i < limit; i++ {
		inst := insts[i%2]
		resp := inst.Get(t, "/api/v1/health/ping", "")
		if resp.Status != http.StatusOK {
			t.Fatalf("request %d on instance %d: got %d, want 200", i+1, i%2, resp.Status)
		}
		if got, want := resp.Header.Get("X-RateLimit-Remaining"), strconv.Itoa(limit-1-i); got != want {
			t.Errorf("request %d: X-RateLimit-Remaining = %s, want %s", i+1, got, want)
		}
		if got := resp.Header.Get("X-RateLimit-Limit"); got != strconv.Itoa(limit) {
			t.Errorf("request %d: X-RateLimit-Limit = %s", i+1, got)
		}
		if resp.Header.Get("X-RateLimit-Reset") == "" {
			t.Errorf("request %d: no X-RateLimit-Reset", i+1)
		}
	}
	for i, inst := range insts {
		resp := inst.Get(t, "/api/v1/health/ping", "")
		if resp.Status != http.StatusTooManyRequests {
			t.Fatalf("request %d on instance %d: got %d, want 429", limit+1+i, i, resp.Status)
		}
		ra, err := strconv.Atoi(resp.Header.Get("Retry-After"))
		if err != nil || ra < 1 || ra > 3600 {
			t.Errorf("instance %d: Retry-After = %q", i, resp.Header.Get("Retry-After"))
		}
		if resp.Header.Get("X-RateLimit-Remaining") != "0" {
			t.Errorf("instance %d: X-RateLimit-Remaining = %q, want 0", i, resp.Header.Get("X-RateLimit-Remaining"))
		}
		if msg := resp.Map(t)["message"]; msg != "ThrottlerException: Too Many Requests" {
			t.Errorf("instance %d: message %v", i, msg)
		}
	}
}

// TestRateLimitPerUser checks that an authenticated client is limited by user, not by address:
// two users behind one address have a window each.
func TestRateLimitPerUser(t *testing.T) {
	const limit = 4
	inst := servertest.Start(t, func(c *config.Config) { c.ThrottleLimit = limit })
	// Registration and logins use the address's window; create the tokens through the database path
	// of another instance with a high limit sharing the prefix.
	setup := servertest.StartWith(t, inst.DSN, testenv.RedisAddr(t), inst.KeyPrefix, false, nil)
	_, company := setup.RegisterCompany(t, "per-user")
	tokens := []string{setup.UserToken(t, company, "STAFF"), setup.UserToken(t, company, "ADMIN")}
	for u, tok := range tokens {
		for i := 0; i < limit; i++ {
			if resp := inst.Get(t, "/api/v1/auth/me", tok); resp.Status != http.StatusOK {
				t.Fatalf("user %d request %d: %d %s", u, i+1, resp.Status, resp.Body)
			}
		}
		if resp := inst.Get(t, "/api/v1/auth/me", tok); resp.Status != http.StatusTooManyRequests {
			t.Fatalf("user %d request %d: got %d, want 429", u, limit+1, resp.Status)
		}
	}
	// The address itself still has its own window.
	if resp := inst.Get(t, "/api/v1/health/ping", ""); resp.Status != http.StatusOK {
		t.Fatalf("anonymous request after users were limited: %d", resp.Status)
	}
}

// TestCORS: only CORS_ORIGINS are allowed, with credentials, and preflights are answered.
func TestCORS(t *testing.T) {
	inst := servertest.Start(t, func(c *config.Config) { c.CORSOrigins = []string{"https://app.example.com"} })
	pre := inst.Do(t, servertest.Request{Method: http.MethodOptions, Path: "/api/v1/auth/login", Header: http.Header{
		"Origin": {"https://app.example.com"}, "Access-Control-Request-Method": {"POST"},
		"Access-Control-Request-Headers": {"content-type,authorization"}}})
	if pre.Status >= 300 {
		t.Fatalf("preflight: %d", pre.Status)
	}
	if got := pre.Header.Get("Access-Control-Allow-Origin"); got != "https://app.example.com" {
		t.Errorf("preflight allow-origin %q", got)
	}
	if pre.Header.Get("Access-Control-Allow-Credentials") != "true" {
		t.Error("preflight does not allow credentials")
	}
	assertSecurityHeaders(t, "preflight", pre)

	evil := inst.Do(t, servertest.Request{Method: http.MethodGet, Path: "/api/v1/health/ping",
		Header: http.Header{"Origin": {"https://evil.example.com"}}})
	if got := evil.Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("foreign origin allowed: %q", got)
	}
}
