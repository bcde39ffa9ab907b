// Command loadgen runs Ternant's load harness against a running server and prints a Markdown table
// (and optionally JSON) of throughput, latency percentiles and errors per endpoint and level.
//
//	go run ./test/load/cmd/loadgen -base http://127.0.0.1:3000 -levels 1,50,100,200,500 -duration 20s
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ternant/ternant/test/load"
)

func main() {
	base := flag.String("base", "http://127.0.0.1:3000", "server root URL")
	email := flag.String("email", "owner@sunrise-pm.com", "login email")
	password := flag.String("password", "Password123!", "login password")
	levels := flag.String("levels", "1,50,100,200,500", "comma-separated concurrency levels")
	duration := flag.Duration("duration", 15*time.Second, "time per mix and level")
	mixes := flag.String("mixes", "read,k6,stats,compounds,apartments,tenants,write,spike", "mixes to run: read (the k6 iteration flat out), k6 (the same with the script's sleep(1) and default pages), stats, stats-uncached (for a server with DASHBOARD_CACHE_TTL=0), compounds, apartments, tenants, invoices, payments, write, spike; against `ceiling serve`: ceiling-nothing, ceiling-redis, ceiling-mysql")
	pid := flag.Int("pid", 0, "server process id, to report its RSS and CPU")
	jsonOut := flag.String("json", "", "also write the results as JSON to this file")
	login := flag.Bool("login", true, "log in first (off for the ceiling server, which has no auth)")
	flag.Parse()

	var lv []int
	for _, s := range strings.Split(*levels, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "loadgen: bad level %q\n", s)
			os.Exit(2)
		}
		lv = append(lv, n)
	}
	maxLevel := 500
	for _, n := range lv {
		maxLevel = max(maxLevel, n)
	}
	ctx := context.Background()
	c := load.NewClient(*base, maxLevel)
	if *login {
		if err := c.Login(ctx, *email, *password); err != nil {
			fmt.Fprintln(os.Stderr, "loadgen:", err)
			os.Exit(1)
		}
	}

	var results []load.Result
	run := func(m load.Mix, n int, ramp time.Duration) {
		var before load.ProcessSample
		if *pid > 0 {
			before, _ = load.SampleProcess(*pid)
		}
		cacheBefore, cacheErr := c.ReadCacheCounters(ctx)
		r := c.Run(ctx, m, n, *duration, ramp)
		r.CacheHitRatio = -1
		if cacheAfter, err := c.ReadCacheCounters(ctx); err == nil && cacheErr == nil {
			r.CacheHitRatio = load.HitRatio(cacheBefore, cacheAfter)
		}
		if *pid > 0 {
			after, err := load.SampleProcess(*pid)
			if err == nil {
				r.ServerRSSMB = float64(after.RSSBytes) / (1 << 20)
				r.ServerCPU = load.CPUCores(before, after)
			}
		}
		fmt.Fprintf(os.Stderr, "loadgen: %s x%d: %.0f req/s, p99 %s, %d errors\n", m.Name, n, r.Total.Throughput, r.Total.P99, r.Total.Errors)
		results = append(results, r)
	}
	for _, name := range strings.Split(*mixes, ",") {
		var m load.Mix
		switch strings.TrimSpace(name) {
		case "read":
			m = load.ReadMix()
		case "k6":
			m = load.K6Mix()
		case "stats":
			m = load.Single("stats", "/api/v1/dashboard/stats")
		case "stats-uncached": // the same request, against a server started with DASHBOARD_CACHE_TTL=0
			m = load.Single("stats-uncached", "/api/v1/dashboard/stats")
		case "compounds":
			m = load.Single("compounds", "/api/v1/compounds?limit=100")
		case "apartments":
			m = load.Single("apartments", "/api/v1/apartments?limit=100")
		case "tenants":
			m = load.Single("tenants", "/api/v1/tenants?limit=100")
		case "invoices": // the default page, as the issue measured it
			m = load.Single("invoices", "/api/v1/invoices")
		case "payments":
			m = load.Single("payments", "/api/v1/payments")
		case load.MixCeilingNothing:
			m = load.Single(load.MixCeilingNothing, load.CeilingNothing)
		case load.MixCeilingRedis:
			m = load.Single(load.MixCeilingRedis, load.CeilingRedis)
		case load.MixCeilingMySQL:
			m = load.Single(load.MixCeilingMySQL, load.CeilingMySQL)
		case "write":
			occ, ten, err := occupancies(ctx, c)
			if err != nil {
				fmt.Fprintln(os.Stderr, "loadgen: write mix:", err)
				continue
			}
			m = load.WriteMix(occ, ten)
		case "spike":
			run(load.ReadMix(), maxLevel, 10*time.Second)
			continue
		default:
			fmt.Fprintf(os.Stderr, "loadgen: unknown mix %q\n", name)
			os.Exit(2)
		}
		for _, n := range lv {
			run(m, n, 0)
		}
	}
	fmt.Print(load.Markdown(results))
	if *jsonOut != "" {
		raw, _ := json.MarshalIndent(results, "", "  ")
		if err := os.WriteFile(*jsonOut, raw, 0o600); err != nil {
			fmt.Fprintln(os.Stderr, "loadgen:", err)
			os.Exit(1)
		}
	}
}

// occupancies lists active leases to write invoices against.
func occupancies(ctx context.Context, c *load.Client) (occ, ten []string, err error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.Base+"/api/v1/occupancies?limit=200", nil)
	req.Header.Set("Authorization", "Bearer "+c.Token)
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	var rows []struct {
		ID       string `json:"id"`
		TenantID string `json:"tenantId"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&rows); err != nil || len(rows) == 0 {
		return nil, nil, fmt.Errorf("list occupancies: status %d, %d rows, %w", resp.StatusCode, len(rows), err)
	}
	for _, r := range rows {
		occ, ten = append(occ, r.ID), append(ten, r.TenantID)
	}
	return occ, ten, nil
}
