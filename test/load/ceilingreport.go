package load

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Ceiling mixes: loadgen runs them against `ceiling serve`.
const (
	MixCeilingNothing = "ceiling-nothing"
	MixCeilingRedis   = "ceiling-redis"
	MixCeilingMySQL   = "ceiling-mysql"
)

// CPUPerRequest is the server CPU time one request cost in a run (0 when the server's CPU was not
// sampled).
func (r Result) CPUPerRequest() time.Duration {
	if r.ServerCPU <= 0 || r.Total.Throughput <= 0 {
		return 0
	}
	return time.Duration(math.Round(r.ServerCPU / r.Total.Throughput * float64(time.Second)))
}

// find returns the run of mix at clients; several runs (the ceiling is measured beside every
// endpoint) are averaged: throughput, CPU and RSS as means, p99 as the worst.
func find(rs []Result, mix string, clients int) (Result, bool) {
	var out Result
	n := 0
	for _, r := range rs {
		if r.Mix != mix || r.Concurrency != clients {
			continue
		}
		if n == 0 {
			out = r
		} else {
			out.Total.Throughput += r.Total.Throughput
			out.ServerCPU += r.ServerCPU
			out.ServerRSSMB += r.ServerRSSMB
			out.Total.P99 = max(out.Total.P99, r.Total.P99)
		}
		n++
	}
	if n > 1 {
		out.Total.Throughput /= float64(n)
		out.ServerCPU /= float64(n)
		out.ServerRSSMB /= float64(n)
	}
	return out, n > 0
}

// CeilingTable renders the before/after table (a ceiling measured several times is averaged): for every Ternant mix run at the most common level,
// throughput, p99 and server CPU per request before and after, and throughput as a share of the
// ceiling (b) (one Redis GET per request) — the matching ceiling of a cached read — and of (c) (one
// primary-key read). Runs of the stats mix at other levels add a row each (RSS at 500 clients).
func CeilingTable(ceiling, before, after []Result) string {
	var b strings.Builder
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }
	us := func(d time.Duration) string {
		if d == 0 {
			return "–"
		}
		return fmt.Sprintf("%.0f", float64(d)/float64(time.Microsecond))
	}
	b.WriteString("| run | clients | req/s | p99 ms | server CPU µs/req | server RSS MB |\n|---|---:|---:|---:|---:|---:|\n")
	for _, m := range []struct{ mix, label string }{
		{MixCeilingNothing, "ceiling (a): nothing"},
		{MixCeilingRedis, "ceiling (b): one Redis GET"},
		{MixCeilingMySQL, "ceiling (c): one MariaDB primary-key read"},
	} {
		levels := map[int]bool{}
		for _, r := range ceiling {
			if r.Mix != m.mix || levels[r.Concurrency] {
				continue
			}
			levels[r.Concurrency] = true
			r, _ := find(ceiling, m.mix, r.Concurrency)
			fmt.Fprintf(&b, "| %s | %d | %.0f | %s | %s | %.0f |\n", m.label, r.Concurrency, r.Total.Throughput, ms(r.Total.P99), us(r.CPUPerRequest()), r.ServerRSSMB)
		}
	}
	b.WriteString("\n| endpoint | clients | before req/s | after req/s | after ÷ before | before % of (b) | after % of (b) | after % of (c) | before p99 ms | after p99 ms | before CPU µs/req | after CPU µs/req | before RSS MB | after RSS MB |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	seen := map[string]bool{}
	rows := append(append([]Result{}, after...), before...)
	for _, r := range rows {
		k := fmt.Sprintf("%s@%d", r.Mix, r.Concurrency)
		if seen[k] || strings.HasPrefix(r.Mix, "ceiling-") {
			continue
		}
		seen[k] = true
		bf, hasB := find(before, r.Mix, r.Concurrency)
		af, hasA := find(after, r.Mix, r.Concurrency)
		cb, hasCB := find(ceiling, MixCeilingRedis, r.Concurrency)
		cc, hasCC := find(ceiling, MixCeilingMySQL, r.Concurrency)
		if !hasCB {
			cb, hasCB = find(ceiling, MixCeilingRedis, 50)
		}
		if !hasCC {
			cc, hasCC = find(ceiling, MixCeilingMySQL, 50)
		}
		pct := func(x Result, has bool, c Result, hasC bool) string {
			if !has || !hasC || c.Total.Throughput == 0 {
				return "–"
			}
			return fmt.Sprintf("%.0f %%", 100*x.Total.Throughput/c.Total.Throughput)
		}
		val := func(x Result, has bool, f func(Result) string) string {
			if !has {
				return "–"
			}
			return f(x)
		}
		rps := func(x Result) string { return fmt.Sprintf("%.0f", x.Total.Throughput) }
		p99 := func(x Result) string { return ms(x.Total.P99) }
		cpu := func(x Result) string { return us(x.CPUPerRequest()) }
		rss := func(x Result) string { return fmt.Sprintf("%.0f", x.ServerRSSMB) }
		ratio := "–"
		if hasA && hasB && bf.Total.Throughput > 0 {
			ratio = fmt.Sprintf("%.1f×", af.Total.Throughput/bf.Total.Throughput)
		}
		name := r.Mix
		if len(r.Endpoints) == 1 {
			name = r.Endpoints[0].Name
		}
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			name, r.Concurrency, val(bf, hasB, rps), val(af, hasA, rps), ratio,
			pct(bf, hasB, cb, hasCB), pct(af, hasA, cb, hasCB), pct(af, hasA, cc, hasCC),
			val(bf, hasB, p99), val(af, hasA, p99), val(bf, hasB, cpu), val(af, hasA, cpu),
			val(bf, hasB, rss), val(af, hasA, rss))
	}
	return b.String()
}
