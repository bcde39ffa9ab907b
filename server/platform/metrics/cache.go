package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// Cache metrics, labelled by the cache's name (dashboard, company, user, compound): a bounded set
// chosen by the code, never by a request.
var (
	cacheHits = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "cache_hits_total",
		Help: "Cache reads answered from Redis.",
	}, []string{"cache"})

	cacheMisses = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "cache_misses_total",
		Help: "Cache reads that had to compute the value, including reads while Redis was unavailable.",
	}, []string{"cache"})

	cacheErrors = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "cache_errors_total",
		Help: "Redis operations that failed and were bypassed, by cache and operation (get, set, delete).",
	}, []string{"cache", "operation"})

	cacheWritesRefused = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "cache_writes_refused_total",
		Help: "Cache writes Redis refused because it is full (maxmemory with noeviction); the value was served uncached.",
	}, []string{"cache"})

	cacheLoads = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "cache_loads_total",
		Help: "Computations run to fill a cache; concurrent misses of one key share a single load.",
	}, []string{"cache"})
)

// CacheHit counts a read answered from the cache.
func CacheHit(cache string) { cacheHits.WithLabelValues(cache).Inc() }

// CacheMiss counts a read that was not answered from the cache.
func CacheMiss(cache string) { cacheMisses.WithLabelValues(cache).Inc() }

// CacheWriteRefused counts a value Redis had no room for (out of memory under noeviction).
func CacheWriteRefused(cache string) { cacheWritesRefused.WithLabelValues(cache).Inc() }

// CacheError counts a failed Redis operation that was bypassed.
func CacheError(cache, operation string) { cacheErrors.WithLabelValues(cache, operation).Inc() }

// CacheLoad counts one computation of a cached value.
func CacheLoad(cache string) { cacheLoads.WithLabelValues(cache).Inc() }

// InitCaches pre-creates the series of the named caches, so a cache that has not been read yet
// shows zeros rather than no data. The cache package calls it with its cache names.
func InitCaches(names ...string) {
	for _, n := range names {
		cacheHits.WithLabelValues(n)
		cacheMisses.WithLabelValues(n)
		cacheLoads.WithLabelValues(n)
		cacheErrors.WithLabelValues(n, "get")
		cacheErrors.WithLabelValues(n, "set")
		cacheWritesRefused.WithLabelValues(n)
	}
}

// InitCacheErrors pre-creates one cache_errors_total series.
func InitCacheErrors(cache, operation string) { cacheErrors.WithLabelValues(cache, operation) }
