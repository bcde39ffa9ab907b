package faults

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ternant/ternant/internal/testenv"
	"github.com/ternant/ternant/server/config"
	"github.com/ternant/ternant/server/servertest"
)

// The bounds the suite configures (and asserts against), small so the suite stays short. Redis
// keeps its defaults (REDIS_TIMEOUT 500 ms).
const (
	clients        = 50
	queryTimeout   = 2 * time.Second // DB_QUERY_TIMEOUT
	acquireTimeout = 2 * time.Second // DB_POOL_ACQUIRE_TIMEOUT
	connectTimeout = time.Second     // DB_CONNECT_TIMEOUT
	// recoveryBound is how soon after the dependency is back every request must succeed again.
	recoveryBound = 5 * time.Second
	faultFor      = 3 * time.Second
	holdAfter     = 6 * time.Second
)

// suite is the server under test, its private stores and the load's target.
type suite struct {
	inst  *servertest.Instance
	redis *proc
	mysql *proc
	rdb   *redis.Client
	sqldb *sql.DB
	tg    target
}

func TestFaults(t *testing.T) {
	testenv.Integration(t)
	s := setup(t)

	var all []result
	var reports []string
	scenario := func(name, failing string, bound time.Duration, inject, restore func()) {
		t.Run(name, func(t *testing.T) {
			rs, rep := s.run(t, name, failing, bound, inject, restore)
			all = append(all, rs...)
			reports = append(reports, rep)
		})
	}

	// A frozen Redis holds a command for REDIS_TIMEOUT (500 ms); the rate limit decides in process
	// after its own 500 ms, and a request makes at most a few Redis calls.
	redisBound := 2500 * time.Millisecond
	// A frozen MySQL: the wait for a connection, then the statement's deadline.
	mysqlBound := acquireTimeout + queryTimeout + 2*time.Second

	// Redis stopped and started again on its data directory: the access sessions come back from
	// the AOF, and the token issued before the restart works without a new login.
	var sessionsBefore, sessionsAfter int
	scenario("redis-stopped", "redis", redisBound, func() {
		sessionsBefore = s.sessionKeys(t)
		s.redis.stop()
	}, func() {
		s.redis.start()
		sessionsAfter = s.sessionKeys(t)
	})
	if sessionsAfter != sessionsBefore || sessionsAfter == 0 {
		t.Errorf("sessions before the Redis restart %d, after %d: the AOF must keep them", sessionsBefore, sessionsAfter)
	}
	if r := s.get(t, "/api/v1/auth/me", s.tg.token); r.status != http.StatusOK {
		t.Errorf("the session issued before the Redis restart: GET /auth/me = %d, want 200", r.status)
	}
	scenario("redis-frozen", "redis", redisBound, s.redis.freeze, s.redis.thaw)
	scenario("mysql-stopped", "database", mysqlBound, s.mysql.stop, s.mysql.start)
	scenario("mysql-frozen", "database", mysqlBound, s.mysql.freeze, s.mysql.thaw)
	t.Run("sigterm", func(t *testing.T) { all = append(all, s.sigterm(t)...) })

	s.checkPayments(t, all)
	s.checkTTLs(t)
	t.Logf("fault suite figures (%d clients):\n%s", clients, strings.Join(reports, "\n"))
}

func setup(t *testing.T) *suite {
	t.Helper()
	s := &suite{redis: startRedis(t, "64mb"), mysql: startMariaDB(t)}
	s.inst = servertest.StartWith(t, s.mysql.dsn("ternant"), s.redis.addr(), "", true, func(c *config.Config) {
		c.DB.QueryTimeout, c.DB.AcquireTimeout, c.DB.ConnectTimeout = queryTimeout, acquireTimeout, connectTimeout
		c.DB.PoolSize = 20
	})
	s.rdb = redis.NewClient(&redis.Options{Addr: s.redis.addr()})
	t.Cleanup(func() { s.rdb.Close() })
	var err error
	if s.sqldb, err = sql.Open("mysql", s.mysql.dsn("ternant")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.sqldb.Close() })

	token, companyID := s.inst.RegisterCompany(t, "faults")
	s.tg = target{base: s.inst.URL, token: token, companyID: companyID}
	compound := s.create(t, "/compounds", map[string]any{"name": "Fault Court", "addressLine": "1 Fault Road", "city": "Nairobi", "country": "Kenya"})
	for i := range 4 {
		apartment := s.create(t, "/apartments", map[string]any{"compoundId": compound, "unitNumber": fmt.Sprintf("F-%d", i+1)})
		tenant := s.create(t, "/tenants", map[string]any{"firstName": "Fay", "lastName": "Ult", "email": fmt.Sprintf("tenant%d@faults.test", i)})
		lease := s.create(t, "/occupancies", map[string]any{"tenantId": tenant, "apartmentId": apartment,
			"leaseStartDate": "2030-01-01", "leaseEndDate": "2030-12-31", "monthlyRent": 1000000})
		s.tg.invoices = append(s.tg.invoices, s.create(t, "/invoices/generate-rent", map[string]any{"occupancyId": lease, "month": "2030-01"}))
	}
	return s
}

func (s *suite) create(t *testing.T, path string, body any) string {
	t.Helper()
	resp := s.inst.Do(t, servertest.Request{Method: http.MethodPost, Path: "/api/v1" + path, Token: s.tg.token, Body: body})
	if resp.Status != http.StatusCreated {
		t.Fatalf("POST %s: %d %s", path, resp.Status, resp.Body)
	}
	var out struct{ ID string }
	resp.JSON(t, &out)
	return out.ID
}

func (s *suite) get(t *testing.T, path, token string) result {
	t.Helper()
	h := http.Header{}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	return do(&http.Client{Timeout: clientTimeout}, "check", http.MethodGet, s.inst.URL+path, h, nil)
}

// run puts the server under load, breaks a dependency for faultFor, brings it back, and checks
// and reports what the clients saw.
func (s *suite) run(t *testing.T, name, failing string, bound time.Duration, inject, restore func()) ([]result, string) {
	s.waitHealthy(t)
	l := startLoad(s.tg, clients)
	time.Sleep(1500 * time.Millisecond)
	injected := time.Now()
	inject()
	time.Sleep(faultFor / 3)
	// /readyz names the failing dependency, and only it, within its probe deadline (2 s).
	ready := s.get(t, "/readyz", "")
	if want := `"failing":["` + failing + `"]`; ready.status != http.StatusServiceUnavailable || !strings.Contains(ready.body, want) {
		t.Errorf("/readyz with the %s down = %d %s, want 503 with %s", failing, ready.status, ready.body, want)
	}
	if ready.took() > 2500*time.Millisecond {
		t.Errorf("/readyz took %s", ready.took().Round(time.Millisecond))
	}
	time.Sleep(faultFor - faultFor/3 - ready.took())
	restore()
	restored := time.Now()
	time.Sleep(holdAfter)
	rs := l.finish()

	during, after := window(rs, injected, restored), window(rs, restored, time.Now())
	var before []result
	for _, r := range rs {
		if r.end.Before(injected) {
			before = append(before, r)
		}
	}
	t.Logf("%s: load from %s, fault at %s, back at %s", name, rs[0].start.UTC().Format("15:04:05.000"),
		injected.UTC().Format("15:04:05.000"), restored.UTC().Format("15:04:05.000"))
	for _, r := range before {
		if r.status >= 300 || r.err != nil {
			t.Errorf("before the fault: %s = %d %v at %s", r.kind, r.status, r.err, r.start.UTC().Format("15:04:05.000"))
			break
		}
	}
	var first503 time.Duration
	var lat503 []time.Duration
	for _, r := range rs {
		switch {
		case r.status == http.StatusServiceUnavailable:
			if !r.retryAfter {
				t.Errorf("%s: 503 without Retry-After", r.kind)
			}
			if !r.start.Before(injected) {
				lat503 = append(lat503, r.took())
				if first503 == 0 {
					first503 = r.end.Sub(injected)
				}
			}
		case r.status == 0 || r.err != nil:
			t.Errorf("%s: no answer or a failure that is not 503 after %s: status %d %v", r.kind, r.took().Round(time.Millisecond), r.status, r.err)
		case r.status >= 300:
			t.Errorf("%s: status %d, want 2xx or 503: %s", r.kind, r.status, r.body)
		}
		if r.kind == "ping" && r.status != http.StatusOK {
			t.Errorf("ping (public, no database, rate limit falls back in process) = %d during %s", r.status, name)
		}
	}
	// The bound is the dependency's timeouts on top of what the loaded server took before the
	// fault (on a busy machine, or under -race, queueing for the CPU adds to every request).
	limit := bound + slowest(before)
	if d := slowest(append(during, after...)); d > limit {
		t.Errorf("a request took %s, past the bound of %s (%s + the slowest request before the fault)", d.Round(time.Millisecond), limit.Round(time.Millisecond), bound)
	}
	if len(lat503) == 0 {
		t.Errorf("no request failed while the dependency was down: the fault did not bite")
	}
	// Recovery: how long after the dependency answered again the last failed request was sent.
	var recovery time.Duration
	shown := 0
	for _, r := range after {
		if r.status != http.StatusOK && r.status != http.StatusCreated {
			recovery = max(recovery, r.start.Sub(restored))
			if r.start.Sub(restored) > recoveryBound && shown < 5 {
				shown++
				t.Logf("failed %s after the restore: %s %d %s", r.start.Sub(restored).Round(time.Millisecond), r.kind, r.status, r.body)
			}
		}
	}
	if recovery > recoveryBound {
		t.Errorf("a request sent %s after the dependency returned still failed (bound %s)", recovery.Round(time.Millisecond), recoveryBound)
	}
	sort.Slice(lat503, func(i, j int) bool { return lat503[i] < lat503[j] })
	p50, p100 := time.Duration(0), time.Duration(0)
	if n := len(lat503); n > 0 {
		p50, p100 = lat503[n/2], lat503[n-1]
	}
	rep := fmt.Sprintf("| %s | %s | %s / %s | %s | %s | %s |", name,
		first503.Round(time.Millisecond), p50.Round(time.Millisecond), p100.Round(time.Millisecond),
		slowest(during).Round(time.Millisecond), recovery.Round(time.Millisecond), formatMix(mix(during)))
	return rs, rep
}

// waitHealthy waits until both dependencies answer and an authenticated request succeeds, so
// each scenario starts from a recovered server whatever the previous one left behind.
func (s *suite) waitHealthy(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ready, me := s.get(t, "/readyz", ""), s.get(t, "/api/v1/auth/me", s.tg.token)
		if ready.status == http.StatusOK && me.status == http.StatusOK {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server did not recover within 30s: /readyz %d %s, /auth/me %d", ready.status, ready.body, me.status)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// sessionKeys counts the access sessions in the private Redis.
func (s *suite) sessionKeys(t *testing.T) int {
	t.Helper()
	keys, err := s.rdb.Keys(context.Background(), "session:access:*").Result()
	if err != nil {
		t.Fatalf("count sessions: %v", err)
	}
	return len(keys)
}

// sigterm serves on a real listener until the process receives SIGTERM, under load: in-flight
// requests finish, the server stops within SHUTDOWN_TIMEOUT, and nothing answers 5xx.
func (s *suite) sigterm(t *testing.T) []result {
	s.waitHealthy(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- s.inst.Run(ctx, ln) }()
	tg := s.tg
	tg.base = "http://" + ln.Addr().String()
	l := startLoad(tg, clients)
	time.Sleep(1500 * time.Millisecond)
	sent := time.Now()
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var took time.Duration
	select {
	case err := <-done:
		took = time.Since(sent)
		if err != nil {
			t.Errorf("Run after SIGTERM: %v", err)
		}
	case <-time.After(s.inst.Config.ShutdownTimeout + 5*time.Second):
		t.Fatalf("the server did not stop within SHUTDOWN_TIMEOUT (%s) of SIGTERM", s.inst.Config.ShutdownTimeout)
	}
	time.Sleep(300 * time.Millisecond)
	rs := l.finish()
	refused := 0
	for _, r := range rs {
		switch {
		case r.status == 0 && r.start.After(sent):
			refused++ // a new request after shutdown began: connection refused or closed
		case r.status == 0:
			// A request sent just before SIGTERM on a keep-alive connection the server closed as
			// idle; it never reached a handler, so nothing was done.
			refused++
		case r.status >= 500:
			t.Errorf("%s during shutdown: %d %v", r.kind, r.status, r.err)
		}
	}
	if c, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		c.Close()
		t.Errorf("the listener still accepts connections after shutdown")
	}
	t.Logf("SIGTERM: stopped in %s; %s; %d requests refused after shutdown began", took.Round(time.Millisecond), formatMix(mix(rs)), refused)
	return rs
}

// checkPayments: every payment acknowledged with 201 is in the database, and every invoice's
// amountPaid (and the company's totals kept by triggers) equal the sum of its payments, so no
// payment was half written whatever failed while it was recorded.
func (s *suite) checkPayments(t *testing.T, rs []result) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	acked, attempted := 0, 0
	for _, r := range rs {
		if r.kind != "payment" {
			continue
		}
		attempted++
		if r.paymentID == "" {
			continue
		}
		acked++
		var n int
		if err := s.sqldb.QueryRowContext(ctx, "SELECT COUNT(*) FROM payments WHERE id = ? AND is_active = 1", r.paymentID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("payment %s was acknowledged with 201 but is not recorded", r.paymentID)
		}
	}
	var stored int
	if err := s.sqldb.QueryRowContext(ctx, "SELECT COUNT(*) FROM payments").Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored < acked || stored > attempted {
		t.Errorf("payments stored %d; acknowledged %d, attempted %d", stored, acked, attempted)
	}
	rows, err := s.sqldb.QueryContext(ctx, `SELECT i.id, i.amount_paid, COALESCE(SUM(p.amount), 0) FROM invoices i
		LEFT JOIN payments p ON p.invoice_id = i.id AND p.is_active = 1 GROUP BY i.id, i.amount_paid`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, paid, sum string
		if err := rows.Scan(&id, &paid, &sum); err != nil {
			t.Fatal(err)
		}
		if paid != sum {
			t.Errorf("invoice %s: amountPaid %s but its payments sum to %s", id, paid, sum)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var totals, direct string
	if err := s.sqldb.QueryRowContext(ctx, `SELECT (SELECT COALESCE(SUM(amount_paid), 0) FROM invoice_totals),
		(SELECT COALESCE(SUM(amount_paid), 0) FROM invoices WHERE is_active = 1)`).Scan(&totals, &direct); err != nil {
		t.Fatal(err)
	}
	if totals != direct {
		t.Errorf("invoice_totals says %s paid, the invoices %s", totals, direct)
	}
	t.Logf("payments: %d attempted, %d acknowledged, %d stored; every invoice's amountPaid matches its payments", attempted, acked, stored)
}

// checkTTLs: every key the server wrote expires (noeviction never makes room, so a key without a
// TTL would stay until deleted).
func (s *suite) checkTTLs(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	var bad []string
	n := 0
	iter := s.rdb.Scan(ctx, 0, "*", 1000).Iterator()
	for iter.Next(ctx) {
		n++
		ttl, err := s.rdb.PTTL(ctx, iter.Val()).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			t.Fatal(err)
		}
		if ttl == -1 {
			bad = append(bad, iter.Val())
		}
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Errorf("%d of %d Redis keys have no TTL: %v", len(bad), n, bad[:min(len(bad), 10)])
	}
}
