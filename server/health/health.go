// Package health serves TernantApp's /health and /health/ping plus Kubernetes' /healthz (process
// alive) and /readyz (database and Redis reachable).
package health

import (
	"context"
	"net/http"
	"runtime"
	"runtime/metrics"
	"sync"
	"time"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/identity"
)

// Pinger is anything with a reachability check (the DB, the Redis client adapter).
type Pinger interface {
	Ping(ctx context.Context) error
}

// Handler serves the health endpoints.
type Handler struct {
	DB      Pinger
	Redis   Pinger // nil when the server runs without Redis
	Started time.Time
	Version string
}

// probeTimeout bounds each dependency check so a hung dependency cannot hang the probe.
const probeTimeout = 2 * time.Second

// Routes are the /api/v1 health routes (public).
func (h *Handler) Routes() []httpx.Route {
	return []httpx.Route{
		{Method: http.MethodGet, Pattern: "/health", Access: identity.Public, Handler: h.health,
			Doc: httpx.Doc{Summary: "Service health (TernantApp's body; always 200, status ok or degraded)", Response: healthBody{}}},
		{Method: http.MethodGet, Pattern: "/health/ping", Access: identity.Public, Handler: h.ping,
			Doc: httpx.Doc{Summary: "Liveness ping", Response: pingBody{}}},
	}
}

type memory struct {
	RSS       uint64 `json:"rss"`
	HeapTotal uint64 `json:"heapTotal"`
	HeapUsed  uint64 `json:"heapUsed"`
	External  uint64 `json:"external"`
}

type healthBody struct {
	Status      string  `json:"status"`
	Timestamp   string  `json:"timestamp"`
	Uptime      float64 `json:"uptime"`
	Database    string  `json:"database"`
	Memory      memory  `json:"memory"`
	NodeVersion string  `json:"nodeVersion"`
}

// health is TernantApp's GET /health: 200 with status ok or degraded (it never fails the request).
func (h *Handler) health(w http.ResponseWriter, r *http.Request) {
	body := healthBody{
		Status:      "ok",
		Timestamp:   time.Now().UTC().Format("2006-01-02T15:04:05.000Z"),
		Uptime:      time.Since(h.Started).Seconds(),
		Database:    "connected",
		NodeVersion: runtime.Version(),
	}
	ctx, cancel := context.WithTimeout(r.Context(), probeTimeout)
	defer cancel()
	if err := h.DB.Ping(ctx); err != nil {
		body.Status, body.Database = "degraded", "disconnected"
	}
	body.Memory = readMemory()
	httpx.OK(w, body)
}

type pingBody struct {
	Message   string `json:"message"`
	Timestamp string `json:"timestamp"`
}

func (h *Handler) ping(w http.ResponseWriter, _ *http.Request) {
	httpx.OK(w, pingBody{Message: "pong", Timestamp: time.Now().UTC().Format("2006-01-02T15:04:05.000Z")})
}

// Live is GET /healthz: the process serves requests.
func (h *Handler) Live(w http.ResponseWriter, _ *http.Request) {
	httpx.OK(w, map[string]string{"status": "ok"})
}

// Ready is GET /readyz: 200 when the database and Redis answer, else 503 naming what failed. The
// dependencies are probed at the same time, each with its own deadline, so a hung database cannot
// make Redis look unreachable (or the other way round).
func (h *Handler) Ready(w http.ResponseWriter, r *http.Request) {
	probes := map[string]Pinger{"database": h.DB}
	if h.Redis != nil {
		probes["redis"] = h.Redis
	}
	results := make(map[string]error, len(probes))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for name, p := range probes {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(r.Context(), probeTimeout)
			defer cancel()
			err := p.Ping(ctx)
			mu.Lock()
			results[name] = err
			mu.Unlock()
		})
	}
	wg.Wait()
	checks := map[string]string{}
	failed := []string{}
	for _, name := range []string{"database", "redis"} {
		err, probed := results[name]
		switch {
		case !probed:
		case err != nil:
			checks[name] = "unreachable"
			failed = append(failed, name)
		default:
			checks[name] = "ok"
		}
	}
	if len(failed) > 0 {
		httpx.WriteJSON(w, http.StatusServiceUnavailable, map[string]any{
			"status": "unavailable", "failing": failed, "checks": checks, "statusCode": http.StatusServiceUnavailable,
		})
		return
	}
	httpx.OK(w, map[string]any{"status": "ok", "checks": checks})
}

// memorySamples are the runtime/metrics read for the health body. Unlike runtime.ReadMemStats they
// do not stop the world, which matters on an endpoint load balancers and k6 poll constantly.
var memorySamples = []string{
	"/memory/classes/total:bytes",
	"/memory/classes/heap/objects:bytes",
	"/memory/classes/heap/unused:bytes",
	"/memory/classes/heap/free:bytes",
	"/memory/classes/heap/released:bytes",
	"/memory/classes/heap/stacks:bytes",
	"/memory/classes/os-stacks:bytes",
}

// readMemory fills TernantApp's memory object (Node's names) from the Go runtime.
func readMemory() memory {
	samples := make([]metrics.Sample, len(memorySamples))
	for i, name := range memorySamples {
		samples[i].Name = name
	}
	metrics.Read(samples)
	v := func(i int) uint64 {
		if samples[i].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return samples[i].Value.Uint64()
	}
	return memory{
		RSS:       v(0),
		HeapTotal: v(1) + v(2) + v(3) + v(4),
		HeapUsed:  v(1),
		External:  v(5) + v(6),
	}
}
