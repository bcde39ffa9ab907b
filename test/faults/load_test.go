package faults

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// clientTimeout is when a load client gives up on a request: a request that reaches it has hung.
const clientTimeout = 15 * time.Second

// thinkTime is each client's pause between requests: 50 clients then offer a few hundred requests
// a second, enough to keep every connection busy without the load generator and the server (one
// process on a shared machine) starving each other of CPU, which would blur what the faults cost.
const thinkTime = 100 * time.Millisecond

// result is one request of the load.
type result struct {
	kind       string
	start, end time.Time
	status     int // 0: no response (transport error)
	retryAfter bool
	err        error
	paymentID  string // a 201 payment's id
	body       string // the start of a non-2xx body
}

func (r result) took() time.Duration { return r.end.Sub(r.start) }

// target is what the load talks to.
type target struct {
	base      string
	token     string
	companyID string
	invoices  []string
}

// paymentSeq numbers the payments' Idempotency-Keys across every load of the run.
var paymentSeq atomic.Int64

// load runs clients that each loop over a mixed set of requests until stopped.
type load struct {
	tg     target
	client *http.Client
	stop   chan struct{}
	wg     sync.WaitGroup

	mu      sync.Mutex
	results []result
}

// kinds is the mix: public ping (rate limit only), cached and uncached authenticated reads, and a
// payment (a MySQL transaction behind an idempotency key).
var kinds = []string{"ping", "dashboard", "dashboard", "company", "company", "tenants", "tenants", "invoices", "invoices", "payment"}

func startLoad(tg target, clients int) *load {
	l := &load{tg: tg, stop: make(chan struct{}),
		client: &http.Client{Timeout: clientTimeout, Transport: &http.Transport{MaxIdleConnsPerHost: clients}}}
	for i := range clients {
		l.wg.Go(func() { l.run(i) })
	}
	return l
}

func (l *load) run(client int) {
	rnd := rand.New(rand.NewPCG(uint64(client), 7))
	for {
		select {
		case <-l.stop:
			return
		default:
		}
		r := l.one(kinds[rnd.IntN(len(kinds))], rnd)
		l.mu.Lock()
		l.results = append(l.results, r)
		l.mu.Unlock()
		time.Sleep(thinkTime)
	}
}

// finish stops the clients and returns every result, in start order.
func (l *load) finish() []result {
	close(l.stop)
	l.wg.Wait()
	l.client.CloseIdleConnections()
	sort.Slice(l.results, func(i, j int) bool { return l.results[i].start.Before(l.results[j].start) })
	return l.results
}

// snapshot returns the results so far.
func (l *load) snapshot() []result {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]result(nil), l.results...)
}

func (l *load) one(kind string, rnd *rand.Rand) result {
	var method, path string
	var body []byte
	h := http.Header{}
	switch kind {
	case "ping":
		method, path = http.MethodGet, "/api/v1/health/ping"
	case "dashboard":
		method, path = http.MethodGet, "/api/v1/dashboard/stats"
	case "company":
		method, path = http.MethodGet, "/api/v1/companies/"+l.tg.companyID
	case "tenants":
		method, path = http.MethodGet, "/api/v1/tenants?limit=10"
	case "invoices":
		method, path = http.MethodGet, "/api/v1/invoices?limit=10"
	case "payment":
		method, path = http.MethodPost, "/api/v1/payments"
		body, _ = json.Marshal(map[string]any{"invoiceId": l.tg.invoices[rnd.IntN(len(l.tg.invoices))],
			"amount": "1.00", "paidAt": "2030-01-03T10:00:00Z", "method": "CASH"})
		h.Set("Content-Type", "application/json")
		h.Set("Idempotency-Key", fmt.Sprintf("fault-%d", paymentSeq.Add(1)))
	}
	if kind != "ping" {
		h.Set("Authorization", "Bearer "+l.tg.token)
	}
	return do(l.client, kind, method, l.tg.base+path, h, body)
}

func do(c *http.Client, kind, method, url string, h http.Header, body []byte) result {
	r := result{kind: kind, start: time.Now()}
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		r.err, r.end = err, time.Now()
		return r
	}
	req.Header = h
	resp, err := c.Do(req)
	if err != nil {
		r.err, r.end = err, time.Now()
		return r
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	r.end = time.Now()
	r.status, r.err = resp.StatusCode, err
	r.retryAfter = resp.Header.Get("Retry-After") != ""
	if kind == "payment" && resp.StatusCode == http.StatusCreated {
		var out struct{ ID string }
		if json.Unmarshal(raw, &out) == nil {
			r.paymentID = out.ID
		}
	}
	if resp.StatusCode >= 300 {
		r.body = string(raw[:min(len(raw), 300)])
	}
	if resp.StatusCode >= 500 && resp.StatusCode != http.StatusServiceUnavailable {
		r.err = fmt.Errorf("%d %s", resp.StatusCode, strings.TrimSpace(string(raw)))
	}
	return r
}

// window is the results whose request started in [from, to).
func window(rs []result, from, to time.Time) []result {
	var out []result
	for _, r := range rs {
		if !r.start.Before(from) && r.start.Before(to) {
			out = append(out, r)
		}
	}
	return out
}

// mix counts results by status ("ok", "503", "500", "conn-error", ...).
func mix(rs []result) map[string]int {
	m := map[string]int{}
	for _, r := range rs {
		switch {
		case r.status == 0:
			m["no-response"]++
		case r.status < 300:
			m["2xx"]++
		default:
			m[fmt.Sprint(r.status)]++
		}
	}
	return m
}

func formatMix(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%d", k, m[k])
	}
	return strings.Join(parts, " ")
}

// slowest is the longest request of rs.
func slowest(rs []result) time.Duration {
	var d time.Duration
	for _, r := range rs {
		d = max(d, r.took())
	}
	return d
}
