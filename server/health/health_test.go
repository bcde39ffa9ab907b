package health

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestReadMemoryReportsTheRuntime(t *testing.T) {
	m := readMemory()
	if m.RSS == 0 || m.HeapUsed == 0 || m.HeapTotal < m.HeapUsed || m.RSS < m.HeapTotal || m.External == 0 {
		t.Errorf("memory figures inconsistent: %+v", m)
	}
}

// fakePinger stands in for a dependency: hung blocks until the probe's deadline.
type fakePinger struct{ hung bool }

func (p fakePinger) Ping(ctx context.Context) error {
	if p.hung {
		<-ctx.Done()
		return ctx.Err()
	}
	return nil
}

// With fake pingers: a hung database is blamed alone (Redis is probed with its own deadline), and
// the probe answers within its deadline rather than the sum of both.
func TestReadyBlamesOnlyTheHungDependency_FakePingers(t *testing.T) {
	for _, c := range []struct {
		db, redis bool
		want      string
	}{
		{true, false, `"failing":["database"]`},
		{false, true, `"failing":["redis"]`},
		{true, true, `"failing":["database","redis"]`},
	} {
		t.Run(c.want, func(t *testing.T) {
			t.Parallel()
			h := &Handler{DB: fakePinger{hung: c.db}, Redis: fakePinger{hung: c.redis}}
			rec := httptest.NewRecorder()
			start := time.Now()
			h.Ready(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
			took := time.Since(start)
			if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), c.want) {
				t.Errorf("db hung %v, redis hung %v: %d %s, want %s", c.db, c.redis, rec.Code, rec.Body, c.want)
			}
			if took > probeTimeout+time.Second {
				t.Errorf("readyz took %s, the probe deadline is %s", took, probeTimeout)
			}
		})
	}
}
