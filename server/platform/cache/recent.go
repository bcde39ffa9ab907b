package cache

import (
	"sync"
	"time"
)

// recentFor is how long a finished load still answers callers that read the same version before
// it was stored. A request's gate reads the entry ahead of the handler; under load a miss read
// there can reach the cache after the flight it would have joined has finished, and without this
// it would compute the value a second time.
const recentFor = time.Second

// recentLoads keeps the last value each flight (entry at one version) produced, for recentFor.
// Answering from it is the same as joining the flight while it ran: a caller that read the same
// version saw no invalidation since the load began.
type recentLoads struct {
	mu    sync.Mutex
	byKey map[string]recentLoad
}

type recentLoad struct {
	raw []byte
	at  time.Time
}

// get returns the value flight produced less than recentFor before now.
func (r *recentLoads) get(flight string, now time.Time) ([]byte, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	l, ok := r.byKey[flight]
	if !ok || now.Sub(l.at) >= recentFor {
		return nil, false
	}
	return l.raw, true
}

// put records what flight produced at now, dropping expired records so the map stays small.
func (r *recentLoads) put(flight string, raw []byte, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.byKey == nil {
		r.byKey = make(map[string]recentLoad)
	}
	if len(r.byKey) >= 256 {
		for k, l := range r.byKey {
			if now.Sub(l.at) >= recentFor {
				delete(r.byKey, k)
			}
		}
	}
	r.byKey[flight] = recentLoad{raw: raw, at: now}
}
