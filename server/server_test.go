package server_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/ternant/ternant/internal/testenv"
	"github.com/ternant/ternant/server"
	"github.com/ternant/ternant/server/config"
	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/servertest"
)

func TestHealthEndpoints(t *testing.T) {
	inst := servertest.Start(t, nil)

	r := inst.Get(t, "/api/v1/health", "")
	if r.Status != http.StatusOK {
		t.Fatalf("health: %d %s", r.Status, r.Body)
	}
	body := r.Map(t)
	for _, k := range []string{"status", "timestamp", "uptime", "database", "memory", "nodeVersion"} {
		if _, ok := body[k]; !ok {
			t.Errorf("health body lacks %q: %s", k, r.Body)
		}
	}
	if body["status"] != "ok" || body["database"] != "connected" {
		t.Errorf("health = %s", r.Body)
	}

	r = inst.Get(t, "/api/v1/health/ping", "")
	if m := r.Map(t); r.Status != 200 || m["message"] != "pong" || m["timestamp"] == nil {
		t.Errorf("ping = %d %s", r.Status, r.Body)
	}
	if r := inst.Get(t, "/healthz", ""); r.Status != 200 {
		t.Errorf("healthz = %d", r.Status)
	}
	if r := inst.Get(t, "/readyz", ""); r.Status != 200 || !strings.Contains(string(r.Body), `"redis":"ok"`) {
		t.Errorf("readyz = %d %s", r.Status, r.Body)
	}
	for path, want := range map[string]string{
		"/api/v1/no-such-route":             `{"message":"Cannot GET /api/v1/no-such-route","error":"Not Found","statusCode":404}`,
		"/api/v1/apartment?limit=100":       `{"message":"Cannot GET /api/v1/apartment?limit=100","error":"Not Found","statusCode":404}`,
		"/api/v1/no-such-route?q=a%20b&x=1": `{"message":"Cannot GET /api/v1/no-such-route?q=a%20b&x=1","error":"Not Found","statusCode":404}`,
	} {
		if r := inst.Get(t, path, ""); r.Status != 404 || string(r.Body) != want {
			t.Errorf("unknown route %s = %d %s", path, r.Status, r.Body)
		}
	}
}

// startBehindProxies runs a server whose MariaDB and Redis connections pass through proxies the
// test can break.
func startBehindProxies(t *testing.T, mutate func(*config.Config)) (*servertest.Instance, *testenv.Proxy, *testenv.Proxy) {
	t.Helper()
	dsn := testenv.MySQL(t)
	redisAddr := testenv.RedisAddr(t)
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	dbProxy := testenv.NewProxy(t, cfg.Addr)
	redisProxy := testenv.NewProxy(t, redisAddr)
	cfg.Addr = dbProxy.Addr
	inst := servertest.StartWith(t, cfg.FormatDSN(), redisProxy.Addr, testenv.RedisPrefix(t, redisAddr), true, mutate)
	return inst, dbProxy, redisProxy
}

func TestReadinessNamesTheFailingDependency(t *testing.T) {
	inst, dbProxy, redisProxy := startBehindProxies(t, nil)

	if r := inst.Get(t, "/readyz", ""); r.Status != 200 {
		t.Fatalf("readyz with both up = %d %s", r.Status, r.Body)
	}

	dbProxy.Break()
	r := inst.Get(t, "/readyz", "")
	if r.Status != http.StatusServiceUnavailable || !strings.Contains(string(r.Body), `"failing":["database"]`) {
		t.Errorf("readyz with DB down = %d %s", r.Status, r.Body)
	}
	h := inst.Get(t, "/api/v1/health", "")
	if m := h.Map(t); h.Status != 200 || m["status"] != "degraded" || m["database"] != "disconnected" {
		t.Errorf("health with DB down = %d %s", h.Status, h.Body)
	}
	if r := inst.Get(t, "/healthz", ""); r.Status != 200 {
		t.Errorf("liveness must not depend on the DB: %d", r.Status)
	}
	dbProxy.Restore()

	redisProxy.Break()
	r = inst.Get(t, "/readyz", "")
	if r.Status != http.StatusServiceUnavailable || !strings.Contains(string(r.Body), `"failing":["redis"]`) {
		t.Errorf("readyz with Redis down = %d %s", r.Status, r.Body)
	}
	redisProxy.Restore()

	deadline := time.Now().Add(10 * time.Second)
	for {
		r = inst.Get(t, "/readyz", "")
		if r.Status == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("readyz did not recover: %d %s", r.Status, r.Body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// With DB_POOL_SIZE=1 and the one connection held, a request needing the database fails fast with
// 503 and Retry-After instead of hanging.
func TestPoolExhaustionAnswers503(t *testing.T) {
	inst := servertest.Start(t, func(c *config.Config) {
		c.DB.PoolSize = 1
		c.DB.AcquireTimeout = 200 * time.Millisecond
	})
	hold := make(chan struct{})
	held := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = inst.DB.InTx(context.Background(), func(*db.Tx) error {
			close(held)
			<-hold
			return nil
		})
	}()
	<-held
	defer func() { close(hold); wg.Wait() }()

	// A handler shaped like every store-backed handler: query, and on error WriteError.
	h := func(w http.ResponseWriter, r *http.Request) {
		var n int
		if err := inst.DB.Get(r.Context(), &n, "SELECT 1"); err != nil {
			httpx.WriteError(w, r, err)
			return
		}
		httpx.OK(w, n)
	}
	rec := &recorder{header: http.Header{}}
	start := time.Now()
	h(rec, (&http.Request{Method: "GET"}).WithContext(context.Background()))
	took := time.Since(start)
	if rec.status != http.StatusServiceUnavailable || rec.header.Get("Retry-After") == "" {
		t.Errorf("status %d headers %v body %s", rec.status, rec.header, rec.body)
	}
	if took > 2*time.Second {
		t.Errorf("took %s; the acquire timeout is 200ms", took)
	}
	if !strings.Contains(rec.body, `"statusCode":503`) {
		t.Errorf("body %s", rec.body)
	}

	// The health probe reports degraded promptly rather than hanging.
	r := inst.Get(t, "/api/v1/health", "")
	if m := r.Map(t); m["status"] != "degraded" {
		t.Errorf("health during exhaustion = %s", r.Body)
	}
}

type recorder struct {
	header http.Header
	status int
	body   string
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(s int)           { r.status = s }
func (r *recorder) Write(b []byte) (int, error) { r.body += string(b); return len(b), nil }

// After SIGTERM (context cancel) the server finishes an in-flight request and refuses new
// connections.
func TestGracefulShutdown(t *testing.T) {
	inst := servertest.Start(t, nil)
	entered := make(chan struct{})
	inner := inst.Handler
	inst.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			close(entered)
			time.Sleep(700 * time.Millisecond)
			_, _ = io.WriteString(w, "done")
			return
		}
		inner.ServeHTTP(w, r)
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	runErr := make(chan error, 1)
	go func() { runErr <- inst.Run(ctx, l) }()

	type result struct {
		body string
		err  error
	}
	slow := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + addr + "/slow")
		if err != nil {
			slow <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		slow <- result{string(b), err}
	}()
	<-entered
	cancel()
	time.Sleep(100 * time.Millisecond)

	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: time.Second}
	if _, err := c.Get("http://" + addr + "/healthz"); err == nil {
		t.Error("a new connection was accepted after shutdown began")
	}
	res := <-slow
	if res.err != nil || res.body != "done" {
		t.Errorf("in-flight request: body %q err %v", res.body, res.err)
	}
	if err := <-runErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		t.Errorf("Run returned %v", err)
	}
}

func TestNoDatabaseWithoutEmbeddedEngine(t *testing.T) {
	cfg, err := config.LoadFrom(func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	_, err = server.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), server.Options{})
	if err == nil || !strings.Contains(err.Error(), "DB_DSN") {
		t.Errorf("err = %v, want a message naming DB_DSN", err)
	}
}
