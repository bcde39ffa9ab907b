package load

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// CacheCounters is the server's cache_hits_total and cache_misses_total, summed over caches.
type CacheCounters struct {
	Hits, Misses float64
}

// ReadCacheCounters scrapes the server's /metrics (no METRICS_TOKEN) for its cache counters.
func (c *Client) ReadCacheCounters(ctx context.Context) (CacheCounters, error) {
	var cc CacheCounters
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.Base+"/metrics", nil)
	if err != nil {
		return cc, err
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return cc, fmt.Errorf("scrape metrics: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return cc, fmt.Errorf("scrape metrics: %s", resp.Status)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		var into *float64
		switch {
		case strings.HasPrefix(line, "cache_hits_total{"):
			into = &cc.Hits
		case strings.HasPrefix(line, "cache_misses_total{"):
			into = &cc.Misses
		default:
			continue
		}
		v, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
		if err != nil {
			return cc, fmt.Errorf("scrape metrics: %q: %w", line, err)
		}
		*into += v
	}
	return cc, sc.Err()
}

// HitRatio is the share of reads answered from the cache between before and after (0..1), or -1
// when there were none.
func HitRatio(before, after CacheCounters) float64 {
	h, m := after.Hits-before.Hits, after.Misses-before.Misses
	if h+m <= 0 {
		return -1
	}
	return h / (h + m)
}
