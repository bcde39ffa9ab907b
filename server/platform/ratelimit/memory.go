package ratelimit

import (
	"sync"
	"time"
)

// sweepEvery is how often expired keys are dropped from the in-process limiter.
const sweepEvery = time.Minute

// memory is GCRA in process: per key, the theoretical arrival time of the next event.
type memory struct {
	mu        sync.Mutex
	tat       map[string]time.Time
	now       func() time.Time
	lastSweep time.Time
}

func newMemory(now func() time.Time) *memory {
	return &memory{tat: map[string]time.Time{}, now: now, lastSweep: now()}
}

func (m *memory) allow(key string, lim Limit) Result {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if now.Sub(m.lastSweep) > sweepEvery {
		for k, t := range m.tat {
			if !t.After(now) {
				delete(m.tat, k)
			}
		}
		m.lastSweep = now
	}
	emission := lim.Period / time.Duration(lim.Rate)
	burst := emission * time.Duration(lim.Rate)
	tat := m.tat[key]
	if tat.Before(now) {
		tat = now
	}
	next := tat.Add(emission)
	allowAt := next.Add(-burst)
	if now.Before(allowAt) {
		return Result{Allowed: false, Limit: lim.Rate, Remaining: 0,
			RetryAfter: allowAt.Sub(now), ResetAfter: tat.Sub(now)}
	}
	m.tat[key] = next
	r := Result{Allowed: true, Limit: lim.Rate, ResetAfter: next.Sub(now)}
	r.Remaining = remaining(lim, r)
	return r
}
