// Package servertest runs a complete Ternant server for HTTP tests: a fresh migrated MariaDB
// database, the shared Redis under a unique key prefix, and an httptest.Server in front of the real
// handler. It also offers a small JSON client.
package servertest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/ternant/ternant/internal/testenv"
	"github.com/ternant/ternant/server"
	"github.com/ternant/ternant/server/config"
)

// Instance is a running test server.
type Instance struct {
	*server.Server
	URL  string
	HTTP *httptest.Server
	DSN  string

	contract contract
}

// Config returns the configuration tests start from: the given database and Redis, cheap bcrypt,
// and limits high enough not to interfere unless a test lowers them.
func Config(t testing.TB, dsn, redisAddr string) *config.Config {
	t.Helper()
	env := map[string]string{
		"NODE_ENV": "test", "DB_DSN": dsn, "REDIS_URL": "redis://" + redisAddr + "/0",
		"BCRYPT_COST": "4", "THROTTLE_LIMIT": "100000", "THROTTLE_LOGIN_LIMIT": "100000",
		"LOG_LEVEL": "error",
	}
	cfg, err := config.LoadFrom(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// Start runs a server on a fresh database. mutate, if non-nil, adjusts the configuration first.
func Start(t testing.TB, mutate func(*config.Config)) *Instance {
	t.Helper()
	dsn := testenv.MySQL(t)
	addr := testenv.RedisAddr(t)
	return StartWith(t, dsn, addr, testenv.RedisPrefix(t, addr), true, mutate)
}

// StartOptions runs a server on a fresh database with the given server options (a tracer
// provider, say); the database and Redis prefix options are set here.
func StartOptions(t testing.TB, opts server.Options, mutate func(*config.Config)) *Instance {
	t.Helper()
	addr := testenv.RedisAddr(t)
	opts.Migrate, opts.RedisKeyPrefix = true, testenv.RedisPrefix(t, addr)
	return start(t, testenv.MySQL(t), addr, opts, mutate)
}

// StartWith runs a server on the given stores (two instances may share them).
func StartWith(t testing.TB, dsn, redisAddr, prefix string, migrate bool, mutate func(*config.Config)) *Instance {
	t.Helper()
	return start(t, dsn, redisAddr, server.Options{Migrate: migrate, RedisKeyPrefix: prefix}, mutate)
}

func start(t testing.TB, dsn, redisAddr string, opts server.Options, mutate func(*config.Config)) *Instance {
	t.Helper()
	cfg := Config(t, dsn, redisAddr)
	if mutate != nil {
		mutate(cfg)
	}
	level := slog.LevelError
	if os.Getenv("TEST_LOG") != "" {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	srv, err := server.New(context.Background(), cfg, log, opts)
	if err != nil {
		t.Fatalf("start server: %v", err)
	}
	hs := httptest.NewServer(srv.Handler)
	t.Cleanup(func() {
		hs.Close()
		srv.Close()
	})
	return &Instance{Server: srv, URL: hs.URL, HTTP: hs, DSN: dsn}
}

// Response is a finished request.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test on error.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %d response %q: %v", r.Status, r.Body, err)
	}
}

// Map decodes the body as a JSON object.
func (r *Response) Map(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	r.JSON(t, &m)
	return m
}

// Request is a request to send; Body may be a string, []byte, or any value to JSON-encode.
type Request struct {
	Method, Path, Token string
	Body                any
	Header              http.Header
}

// Do sends req to the instance and checks the exchange against the server's API document. Path
// is relative to the server root, e.g. /api/v1/health.
func (i *Instance) Do(t testing.TB, req Request) *Response {
	t.Helper()
	sent := encodeBody(t, req.Body)
	resp := Do(t, i.URL, req)
	i.checkContract(t, req, sent, resp)
	return resp
}

func encodeBody(t testing.TB, body any) []byte {
	switch b := body.(type) {
	case nil:
		return nil
	case string:
		return []byte(b)
	case []byte:
		return b
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
}

// Do sends req to base.
func Do(t testing.TB, base string, req Request) *Response {
	t.Helper()
	var body io.Reader
	if raw := encodeBody(t, req.Body); raw != nil {
		body = bytes.NewReader(raw)
	}
	hr, err := http.NewRequest(req.Method, base+req.Path, body)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if req.Token != "" {
		hr.Header.Set("Authorization", "Bearer "+req.Token)
	}
	for k, vs := range req.Header {
		hr.Header[k] = vs
	}
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.Path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: raw}
}

// Get is Do for a GET.
func (i *Instance) Get(t testing.TB, path, token string) *Response {
	t.Helper()
	return i.Do(t, Request{Method: http.MethodGet, Path: path, Token: token})
}
