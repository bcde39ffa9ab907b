package metrics

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"github.com/ternant/ternant/server/platform/db"
)

// Database metrics: statements through db.Options.OnQuery, pool figures through a collector that
// reads sql.DBStats at scrape time.
var (
	dbQueries = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "db_queries_total",
		Help: "SQL statements run, by operation (select, insert, update, delete, other).",
	}, []string{"operation"})

	dbQueryErrors = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "db_query_errors_total",
		Help: "SQL statements that failed, by operation.",
	}, []string{"operation"})

	dbQueryDuration = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "db_query_duration_seconds",
		Help:    "SQL statement latency by operation, excluding the wait for a pooled connection.",
		Buckets: []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5},
	}, []string{"operation"})

	pools = &poolCollector{pools: map[*poolEntry]struct{}{}}
)

// The per-statement series, found without allocating.
var (
	queriesByOp  = newByLabel(dbQueries.WithLabelValues)
	durationByOp = newByLabel(dbQueryDuration.WithLabelValues)
)

// operations are the values of the operation label (db.Operation's results).
var operations = []string{"select", "insert", "update", "delete", "other"}

func init() {
	prometheus.MustRegister(pools)
	// Pre-create every operation's series so dashboards and alerts see zeros, not absent data.
	for _, op := range operations {
		dbQueries.WithLabelValues(op)
		dbQueryErrors.WithLabelValues(op)
		dbQueryDuration.WithLabelValues(op)
	}
}

// ObserveQuery records one statement. Its signature is db.Options.OnQuery's, so the server wires
// it as `db.Options{OnQuery: metrics.ObserveQuery}`.
func ObserveQuery(_ context.Context, q db.Query) {
	queriesByOp.get(q.Operation).Inc()
	durationByOp.get(q.Operation).Observe(q.Duration.Seconds())
	if q.Err != nil && !errors.Is(q.Err, sql.ErrNoRows) {
		dbQueryErrors.WithLabelValues(q.Operation).Inc()
	}
}

// PoolStats is what the pool collector reads: *db.DB satisfies it.
type PoolStats interface {
	Stats() sql.DBStats
}

type poolEntry struct{ src PoolStats }

// TrackPool adds a connection pool to the db_connections_* figures until the returned Closer is
// closed (with the pool). Several pools in one process (tests start several servers) are summed.
func TrackPool(src PoolStats) io.Closer {
	e := &poolEntry{src: src}
	pools.mu.Lock()
	pools.pools[e] = struct{}{}
	pools.mu.Unlock()
	return e
}

// Close stops tracking the pool; it is idempotent.
func (e *poolEntry) Close() error {
	pools.mu.Lock()
	delete(pools.pools, e)
	pools.mu.Unlock()
	return nil
}

// poolCollector exports sql.DBStats of every tracked pool.
type poolCollector struct {
	mu    sync.Mutex
	pools map[*poolEntry]struct{}
}

var (
	descActive = prometheus.NewDesc("db_connections_active",
		"Connections in use by a statement or transaction.", nil, nil)
	descIdle = prometheus.NewDesc("db_connections_idle",
		"Open connections waiting in the pool.", nil, nil)
	descOpen = prometheus.NewDesc("db_connections_open",
		"Open connections, in use or idle.", nil, nil)
	descMax = prometheus.NewDesc("db_connections_max",
		"Configured maximum of open connections (DB_POOL_SIZE).", nil, nil)
	descWaits = prometheus.NewDesc("db_connections_wait_total",
		"Times a caller had to wait for a free connection.", nil, nil)
	descWaitSeconds = prometheus.NewDesc("db_connections_wait_seconds_total",
		"Total time callers spent waiting for a free connection.", nil, nil)
	descClosedIdle = prometheus.NewDesc("db_connections_closed_total",
		"Connections closed by the pool, by reason (max_idle, max_idle_time, max_lifetime).", []string{"reason"}, nil)
)

// Describe implements prometheus.Collector.
func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descActive, descIdle, descOpen, descMax, descWaits, descWaitSeconds, descClosedIdle} {
		ch <- d
	}
}

// Collect implements prometheus.Collector. With no pool tracked it exports nothing, so a process
// without a database shows no misleading zeros.
func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	if len(c.pools) == 0 {
		c.mu.Unlock()
		return
	}
	var sum sql.DBStats
	for e := range c.pools {
		s := e.src.Stats()
		sum.MaxOpenConnections += s.MaxOpenConnections
		sum.OpenConnections += s.OpenConnections
		sum.InUse += s.InUse
		sum.Idle += s.Idle
		sum.WaitCount += s.WaitCount
		sum.WaitDuration += s.WaitDuration
		sum.MaxIdleClosed += s.MaxIdleClosed
		sum.MaxIdleTimeClosed += s.MaxIdleTimeClosed
		sum.MaxLifetimeClosed += s.MaxLifetimeClosed
	}
	c.mu.Unlock()
	ch <- prometheus.MustNewConstMetric(descActive, prometheus.GaugeValue, float64(sum.InUse))
	ch <- prometheus.MustNewConstMetric(descIdle, prometheus.GaugeValue, float64(sum.Idle))
	ch <- prometheus.MustNewConstMetric(descOpen, prometheus.GaugeValue, float64(sum.OpenConnections))
	ch <- prometheus.MustNewConstMetric(descMax, prometheus.GaugeValue, float64(sum.MaxOpenConnections))
	ch <- prometheus.MustNewConstMetric(descWaits, prometheus.CounterValue, float64(sum.WaitCount))
	ch <- prometheus.MustNewConstMetric(descWaitSeconds, prometheus.CounterValue, sum.WaitDuration.Seconds())
	ch <- prometheus.MustNewConstMetric(descClosedIdle, prometheus.CounterValue, float64(sum.MaxIdleClosed), "max_idle")
	ch <- prometheus.MustNewConstMetric(descClosedIdle, prometheus.CounterValue, float64(sum.MaxIdleTimeClosed), "max_idle_time")
	ch <- prometheus.MustNewConstMetric(descClosedIdle, prometheus.CounterValue, float64(sum.MaxLifetimeClosed), "max_lifetime")
}
