// Package load is Ternant's load harness: closed-loop clients at fixed concurrency levels running
// the k6 script's request mix (or a write mix), reporting throughput, latency percentiles and
// errors per endpoint, plus the server's RSS and CPU when its pid is known. It talks HTTP only, so
// it measures any server, Ternant or TernantApp.
package load

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"sync"
	"time"
)

// Request is one call of a mix.
type Request struct {
	Name   string
	Method string
	Path   string
	// Body, if set, returns the JSON body for iteration i of worker w.
	Body func(w, i int) any
	// Header, if set, returns extra headers for iteration i of worker w.
	Header func(w, i int) http.Header
	// OK lists the statuses that count as success (default: 2xx).
	OK []int
}

// Mix is the sequence one iteration runs.
type Mix struct {
	Name     string
	Requests []Request
	// Think is the pause after each iteration (the k6 script's sleep(1)); zero runs the workers
	// flat out, so a level's throughput is the server's saturation point.
	Think time.Duration
}

// Client holds the target and credentials.
type Client struct {
	Base  string
	Token string
	HTTP  *http.Client
}

// NewClient makes a client whose connection pool fits the highest concurrency.
func NewClient(base string, maxConns int) *Client {
	tr := &http.Transport{MaxIdleConns: maxConns, MaxIdleConnsPerHost: maxConns, MaxConnsPerHost: maxConns, IdleConnTimeout: 90 * time.Second}
	return &Client{Base: base, HTTP: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
}

// Login signs in and keeps the access token (TernantApp's tokens.accessToken).
func (c *Client) Login(ctx context.Context, email, password string) error {
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Base+"/api/v1/auth/login", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	defer resp.Body.Close()
	var out struct {
		Tokens struct {
			AccessToken string `json:"accessToken"`
		} `json:"tokens"`
	}
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || json.Unmarshal(raw, &out) != nil || out.Tokens.AccessToken == "" {
		return fmt.Errorf("login as %s: %d %s", email, resp.StatusCode, raw)
	}
	c.Token = out.Tokens.AccessToken
	return nil
}

// EndpointResult is one request name's figures at one level.
type EndpointResult struct {
	Name       string        `json:"name"`
	Requests   int           `json:"requests"`
	Errors     int           `json:"errors"`
	Throughput float64       `json:"throughputPerSec"`
	P50        time.Duration `json:"p50Ns"`
	P95        time.Duration `json:"p95Ns"`
	P99        time.Duration `json:"p99Ns"`
	Max        time.Duration `json:"maxNs"`
	// FirstError is one failing status and body, to say why.
	FirstError string `json:"firstError,omitempty"`
}

// Result is one run of a mix at one concurrency.
type Result struct {
	Mix         string           `json:"mix"`
	Concurrency int              `json:"concurrency"`
	Duration    time.Duration    `json:"durationNs"`
	Endpoints   []EndpointResult `json:"endpoints"`
	Total       EndpointResult   `json:"total"`
	ServerRSSMB float64          `json:"serverRssMB,omitempty"`
	ServerCPU   float64          `json:"serverCpuCores,omitempty"`
	// CacheHitRatio is the share of the server's cache reads answered from Redis during the run
	// (0..1; -1 when the run read no cache).
	CacheHitRatio float64 `json:"cacheHitRatio"`
}

type sample struct {
	d   time.Duration
	err string
	ok  bool
}

// Run drives mix with `concurrency` closed-loop workers for d. ramp > 0 starts the workers evenly
// over that time (the spike profile).
func (c *Client) Run(ctx context.Context, mix Mix, concurrency int, d, ramp time.Duration) Result {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	per := make([][][]sample, concurrency) // worker -> request index -> samples
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < concurrency; w++ {
		per[w] = make([][]sample, len(mix.Requests))
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			// Workers start evenly over the ramp; with a think time they also start evenly over one
			// pause, as k6's ramping spreads its VUs, instead of all iterating in lockstep.
			if delay := (ramp + mix.Think) * time.Duration(w) / time.Duration(concurrency); delay > 0 {
				select {
				case <-time.After(delay):
				case <-ctx.Done():
					return
				}
			}
			for i := 0; ctx.Err() == nil; i++ {
				for k, r := range mix.Requests {
					s := c.do(ctx, r, w, i)
					if ctx.Err() != nil && !s.ok {
						return // cut off by the deadline: not a server error
					}
					per[w][k] = append(per[w][k], s)
				}
				if mix.Think > 0 {
					select {
					case <-time.After(mix.Think):
					case <-ctx.Done():
					}
				}
			}
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)
	res := Result{Mix: mix.Name, Concurrency: concurrency, Duration: elapsed}
	var all []sample
	for k, r := range mix.Requests {
		var ss []sample
		for w := range per {
			ss = append(ss, per[w][k]...)
		}
		all = append(all, ss...)
		res.Endpoints = append(res.Endpoints, summarize(r.Name, ss, elapsed))
	}
	res.Total = summarize("total", all, elapsed)
	return res
}

func (c *Client) do(ctx context.Context, r Request, w, i int) sample {
	var body io.Reader
	if r.Body != nil {
		raw, _ := json.Marshal(r.Body(w, i))
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, c.Base+r.Path, body)
	if err != nil {
		return sample{err: err.Error()}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	if r.Header != nil {
		for k, vs := range r.Header(w, i) {
			req.Header[k] = vs
		}
	}
	t0 := time.Now()
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return sample{d: time.Since(t0), err: err.Error()}
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	d := time.Since(t0)
	if ok(r.OK, resp.StatusCode) {
		return sample{d: d, ok: true}
	}
	if len(raw) > 200 {
		raw = raw[:200]
	}
	return sample{d: d, err: fmt.Sprintf("%d %s", resp.StatusCode, raw)}
}

func ok(allowed []int, status int) bool {
	if len(allowed) == 0 {
		return status >= 200 && status < 300
	}
	for _, a := range allowed {
		if a == status {
			return true
		}
	}
	return false
}

func summarize(name string, ss []sample, elapsed time.Duration) EndpointResult {
	e := EndpointResult{Name: name, Requests: len(ss)}
	if len(ss) == 0 {
		return e
	}
	ds := make([]time.Duration, len(ss))
	for i, s := range ss {
		ds[i] = s.d
		if !s.ok {
			e.Errors++
			if e.FirstError == "" {
				e.FirstError = s.err
			}
		}
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	pct := func(p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
	e.P50, e.P95, e.P99, e.Max = pct(0.50), pct(0.95), pct(0.99), ds[len(ds)-1]
	e.Throughput = float64(len(ss)) / elapsed.Seconds()
	return e
}
