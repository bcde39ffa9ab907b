package load

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Markdown renders results as one table: a row per endpoint per level.
func Markdown(results []Result) string {
	var b strings.Builder
	b.WriteString("| mix | clients | endpoint | req/s | p50 ms | p95 ms | p99 ms | max ms | errors | server RSS MB | server CPU | cache hits |\n")
	b.WriteString("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	ms := func(d time.Duration) string { return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 2, 64) }
	for _, r := range results {
		rows := append(append([]EndpointResult{}, r.Endpoints...), r.Total)
		for _, e := range rows {
			rss, cpu, hits := "", "", ""
			if e.Name == "total" && r.ServerRSSMB > 0 {
				rss = fmt.Sprintf("%.0f", r.ServerRSSMB)
				cpu = fmt.Sprintf("%.2f", r.ServerCPU)
			}
			if e.Name == "total" && r.CacheHitRatio >= 0 {
				hits = fmt.Sprintf("%.1f%%", 100*r.CacheHitRatio)
			}
			errs := strconv.Itoa(e.Errors)
			if e.Requests > 0 && e.Errors > 0 {
				errs = fmt.Sprintf("%d (%.2f%%)", e.Errors, 100*float64(e.Errors)/float64(e.Requests))
			}
			name := e.Name
			if name == "total" {
				name = "**all**"
			}
			fmt.Fprintf(&b, "| %s | %d | %s | %.0f | %s | %s | %s | %s | %s | %s | %s | %s |\n",
				r.Mix, r.Concurrency, name, e.Throughput, ms(e.P50), ms(e.P95), ms(e.P99), ms(e.Max), errs, rss, cpu, hits)
		}
	}
	return b.String()
}

// ProcessSample is a process's resident memory and cumulative CPU time.
type ProcessSample struct {
	RSSBytes int64
	CPU      time.Duration
	At       time.Time
}

// SampleProcess reads /proc for pid (Linux).
func SampleProcess(pid int) (ProcessSample, error) {
	s := ProcessSample{At: time.Now()}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return s, err
	}
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			s.RSSBytes = kb * 1024
		}
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return s, err
	}
	// Fields after the command name (which may hold spaces) start after the last ')'.
	f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+2:]))
	if len(f) > 12 {
		ut, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		s.CPU = time.Duration(ut+st) * (time.Second / 100) // USER_HZ is 100 on Linux
	}
	return s, nil
}

// CPUCores is the average number of cores the process used between a and b.
func CPUCores(a, b ProcessSample) float64 {
	wall := b.At.Sub(a.At)
	if wall <= 0 {
		return 0
	}
	return float64(b.CPU-a.CPU) / float64(wall)
}
