package metrics

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// Business gauges, one series per active company. They are refreshed by a background loop with a
// single grouped query, never computed during a scrape, so scrapes stay cheap whatever the data size.
var (
	activeTenants = promauto.NewGaugeVec(prometheus.GaugeOpts{
		Name: "active_tenants_total",
		Help: "Tenants (renters) with status active that are not soft-deleted, per company.",
	}, []string{"company_id"})

	activeOccupancies = promauto.NewGaugeVec(prometheus.GaugeOpts{
		Name: "active_occupancies_total",
		Help: "Leases with status active that are not soft-deleted, per company.",
	}, []string{"company_id"})

	totalRevenue = promauto.NewGaugeVec(prometheus.GaugeOpts{
		Name: "total_revenue",
		Help: "Sum of amounts paid on active invoices, per company, in the company's currency units.",
	}, []string{"company_id"})

	businessRefreshed = promauto.NewGauge(prometheus.GaugeOpts{
		Name: "business_metrics_last_refresh_timestamp_seconds",
		Help: "Unix time of the last successful refresh of the per-company gauges.",
	})
)

// Selecter runs a query into a slice; *db.DB satisfies it.
type Selecter interface {
	Select(ctx context.Context, dest any, query string, args ...any) error
}

// businessQuery reads every active company's figures in one round trip; companies with no tenants,
// leases or payments still get a row (zeros), so their series exist.
const businessQuery = `
SELECT c.id AS company_id,
       COALESCE(t.n, 0) AS tenants,
       COALESCE(o.n, 0) AS occupancies,
       COALESCE(i.paid, 0) AS revenue
FROM companies c
LEFT JOIN (SELECT company_id, COUNT(*) AS n FROM tenants
           WHERE is_active = 1 AND status = 'active' GROUP BY company_id) t ON t.company_id = c.id
LEFT JOIN (SELECT company_id, COUNT(*) AS n FROM occupancies
           WHERE is_active = 1 AND status = 'active' GROUP BY company_id) o ON o.company_id = c.id
LEFT JOIN (SELECT company_id, SUM(amount_paid) AS paid FROM invoices
           WHERE is_active = 1 GROUP BY company_id) i ON i.company_id = c.id
WHERE c.is_active = 1`

type businessRow struct {
	CompanyID   string `db:"company_id"`
	Tenants     int64  `db:"tenants"`
	Occupancies int64  `db:"occupancies"`
	Revenue     string `db:"revenue"`
}

// Business keeps the per-company gauges current for one database.
type Business struct {
	db  Selecter
	log *slog.Logger

	mu   sync.Mutex
	seen map[string]struct{} // company ids this collector has set, to delete the ones that vanish
}

// NewBusiness returns a collector reading db.
func NewBusiness(db Selecter, log *slog.Logger) *Business {
	return &Business{db: db, log: log, seen: map[string]struct{}{}}
}

// Refresh reads the figures once and updates the gauges. Series of companies that were deactivated
// since the last refresh are removed.
func (b *Business) Refresh(ctx context.Context) error {
	var rows []businessRow
	if err := b.db.Select(ctx, &rows, businessQuery); err != nil {
		return fmt.Errorf("refresh business metrics: %w", err)
	}
	now := make(map[string]struct{}, len(rows))
	for _, r := range rows {
		revenue, err := strconv.ParseFloat(r.Revenue, 64)
		if err != nil {
			return fmt.Errorf("refresh business metrics: revenue %q of company %s: %w", r.Revenue, r.CompanyID, err)
		}
		activeTenants.WithLabelValues(r.CompanyID).Set(float64(r.Tenants))
		activeOccupancies.WithLabelValues(r.CompanyID).Set(float64(r.Occupancies))
		totalRevenue.WithLabelValues(r.CompanyID).Set(revenue)
		now[r.CompanyID] = struct{}{}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for id := range b.seen {
		if _, ok := now[id]; !ok {
			deleteCompany(id)
		}
	}
	b.seen = now
	businessRefreshed.SetToCurrentTime()
	return nil
}

// forget removes every series this collector set.
func (b *Business) forget() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for id := range b.seen {
		deleteCompany(id)
	}
	b.seen = map[string]struct{}{}
}

func deleteCompany(id string) {
	activeTenants.DeleteLabelValues(id)
	activeOccupancies.DeleteLabelValues(id)
	totalRevenue.DeleteLabelValues(id)
}

// Start refreshes now and then every interval until the returned Closer is closed, which also
// removes this collector's series. A failed refresh is logged and keeps the previous values.
func (b *Business) Start(interval time.Duration) io.Closer {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			rctx, rcancel := context.WithTimeout(ctx, interval)
			if err := b.Refresh(rctx); err != nil && ctx.Err() == nil {
				b.log.Warn("business metrics refresh failed", "err", err)
			}
			rcancel()
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return closerFunc(func() error {
		cancel()
		<-done
		b.forget()
		return nil
	})
}

type closerFunc func() error

func (f closerFunc) Close() error { return f() }
