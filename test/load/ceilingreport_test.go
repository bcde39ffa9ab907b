package load

import (
	"strings"
	"testing"
	"time"
)

func run(mix string, clients int, rps, cpuCores float64) Result {
	return Result{Mix: mix, Concurrency: clients, ServerCPU: cpuCores,
		Endpoints: []EndpointResult{{Name: "GET /" + mix}},
		Total:     EndpointResult{Throughput: rps, P99: 20 * time.Millisecond}}
}

// TestCeilingTable checks the report's arithmetic: ceilings measured twice are averaged, each
// Ternant figure is a share of ceiling (b), and CPU per request is cores ÷ throughput.
func TestCeilingTable(t *testing.T) {
	ceiling := []Result{
		run(MixCeilingRedis, 50, 9000, 0.4), run(MixCeilingRedis, 50, 11000, 0.4),
		run(MixCeilingMySQL, 50, 5000, 0.5),
	}
	before := []Result{run("stats", 50, 2000, 0.4)}
	after := []Result{run("stats", 50, 6000, 0.6)}
	got := CeilingTable(ceiling, before, after)
	for _, want := range []string{
		"| ceiling (b): one Redis GET | 50 | 10000 | 20.0 | 40 |",
		"| GET /stats | 50 | 2000 | 6000 | 3.0× | 20 % | 60 % | 120 % | 20.0 | 20.0 | 200 | 100 |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("table lacks %q:\n%s", want, got)
		}
	}
}
