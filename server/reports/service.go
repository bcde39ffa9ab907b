package reports

import (
	"context"
	"log/slog"
	"math/big"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/money"
)

// DefaultTTL is how long a computed report is served from the cache.
const DefaultTTL = 300 * time.Second

// Service computes and caches the reports.
type Service struct {
	DB    *db.DB
	store store
	// Now returns the current time (tests pin it); nil means time.Now.
	Now   func() time.Time
	cache *cache
}

// NewService returns the service; rdb may be nil (no caching). prefix namespaces the cache keys.
func NewService(d *db.DB, rdb *redis.Client, prefix string, ttl time.Duration, log *slog.Logger) *Service {
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	return &Service{DB: d, cache: &cache{rdb: rdb, prefix: prefix, ttl: ttl, log: log}}
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// cached serves kind for the company and range from the cache, computing and storing it on a miss.
func cached[T any](ctx context.Context, s *Service, kind, companyID string, r Range, compute func() (T, error)) (T, error) {
	key := s.cache.key(kind, companyID, rangeKey(r))
	var v T
	if s.cache.get(ctx, key, &v) {
		return v, nil
	}
	v, err := compute()
	if err != nil {
		return v, err
	}
	s.cache.set(ctx, key, v)
	return v, nil
}

func rangeKey(r Range) string {
	f := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.UTC().Format(time.RFC3339Nano)
	}
	return f(r.Start) + "|" + f(r.End)
}

// ClearCache is DELETE /reports/cache.
func (s *Service) ClearCache(ctx context.Context, companyID string) error {
	return s.cache.clear(ctx, companyID)
}

// KPIs is GET /reports/kpis.
func (s *Service) KPIs(ctx context.Context, companyID string, r Range) (KPIs, error) {
	return cached(ctx, s, "kpis", companyID, r, func() (KPIs, error) {
		var k KPIs
		u, err := s.store.units(ctx, s.DB, companyID)
		if err != nil {
			return k, err
		}
		l, err := s.store.activeLeases(ctx, s.DB, companyID)
		if err != nil {
			return k, err
		}
		o, err := s.store.openInvoices(ctx, s.DB, companyID, dbtypes.DateOf(s.now()))
		if err != nil {
			return k, err
		}
		months, err := s.store.months(ctx, s.DB, companyID, r)
		if err != nil {
			return k, err
		}
		revenue, paid, _, err := totals(months)
		if err != nil {
			return k, err
		}
		return KPIs{
			TotalUnits: u.Total, OccupiedUnits: u.Occupied, VacantUnits: u.Total - u.Occupied,
			OccupancyRate:           rate(int64(u.Occupied), int64(u.Total)),
			MonthlyRecurringRevenue: Num(l.Rent), OutstandingAmount: Num(o.Outstanding),
			CollectionRate:  rate(int64(paid), int64(revenue)),
			OverdueInvoices: o.OverdueCount, OverdueAmount: Num(o.OverdueAmount), TotalRevenue: Num(revenue),
			ActiveTenants: l.Count, AverageRent: Num(average(l.Rent, l.Count)),
		}, nil
	})
}

// totals adds up the monthly rows.
func totals(months []monthRow) (revenue, paid, outstanding money.Amount, err error) {
	for _, m := range months {
		if revenue, err = sum(revenue, m.Revenue); err != nil {
			return
		}
		if paid, err = sum(paid, m.Collected); err != nil {
			return
		}
		if outstanding, err = sum(outstanding, m.Outstanding); err != nil {
			return
		}
	}
	return
}

// Revenue is GET /reports/revenue.
func (s *Service) Revenue(ctx context.Context, companyID string, r Range) (Revenue, error) {
	return cached(ctx, s, "revenue", companyID, r, func() (Revenue, error) {
		var rev Revenue
		months, err := s.store.months(ctx, s.DB, companyID, r)
		if err != nil {
			return rev, err
		}
		revenue, paid, outstanding, err := totals(months)
		if err != nil {
			return rev, err
		}
		methods, err := s.store.methods(ctx, s.DB, companyID, r)
		if err != nil {
			return rev, err
		}
		var all money.Amount
		for _, m := range methods {
			if all, err = sum(all, m.Amount); err != nil {
				return rev, err
			}
		}
		rev = Revenue{TotalRevenue: Num(revenue), TotalPaid: Num(paid), TotalOutstanding: Num(outstanding),
			CollectionRate: rate(int64(paid), int64(revenue)), MonthlyTrend: []MonthRevenue{}, ByPaymentMethod: []MethodRevenue{},
			AverageMonthlyRevenue: Num(average(revenue, len(months)))}
		for _, m := range months {
			rev.MonthlyTrend = append(rev.MonthlyTrend, MonthRevenue{Month: m.Month, Revenue: Num(m.Revenue),
				Collected: Num(m.Collected), Outstanding: Num(m.Outstanding)})
		}
		for _, m := range methods {
			rev.ByPaymentMethod = append(rev.ByPaymentMethod, MethodRevenue{Method: m.Method, Amount: Num(m.Amount),
				Percentage: rate(int64(m.Amount), int64(all))})
		}
		return rev, nil
	})
}

// Occupancy is GET /reports/occupancy.
func (s *Service) Occupancy(ctx context.Context, companyID string, r Range) (Occupancy, error) {
	return cached(ctx, s, "occupancy", companyID, r, func() (Occupancy, error) {
		var o Occupancy
		u, err := s.store.units(ctx, s.DB, companyID)
		if err != nil {
			return o, err
		}
		e, err := s.store.endedLeases(ctx, s.DB, companyID)
		if err != nil {
			return o, err
		}
		turnover, err := s.store.turnover(ctx, s.DB, companyID, r)
		if err != nil {
			return o, err
		}
		comps, err := s.store.compounds(ctx, s.DB, companyID)
		if err != nil {
			return o, err
		}
		for i := range comps {
			comps[i].OccupancyRate = rate(int64(comps[i].Occupied), int64(comps[i].TotalUnits))
		}
		current := rate(int64(u.Occupied), int64(u.Total))
		return Occupancy{
			CurrentOccupancyRate: current, TotalUnits: u.Total, OccupiedUnits: u.Occupied, VacantUnits: u.Total - u.Occupied,
			// Average lease length in 30-day months: days / count / 30, to two decimals.
			AverageLeaseDuration: ratio(big.NewInt(e.Days), big.NewInt(int64(e.Count)*30)),
			MonthlyTrend: []MonthOccupancy{{Month: s.now().Format("2006-01"), OccupancyRate: current,
				Occupied: u.Occupied, Vacant: u.Total - u.Occupied}},
			ByCompound:   comps,
			TurnoverRate: rate(int64(turnover), int64(u.Total)),
		}, nil
	})
}

// Aging is GET /reports/aging.
func (s *Service) Aging(ctx context.Context, companyID string, r Range) (Aging, error) {
	return cached(ctx, s, "aging", companyID, r, func() (Aging, error) {
		today := dbtypes.DateOf(s.now())
		rows, err := s.store.aging(ctx, s.DB, companyID, today, r)
		if err != nil {
			return Aging{}, err
		}
		by := map[string]agingRow{}
		for _, row := range rows {
			by[row.Bucket] = row
		}
		a := Aging{AsOf: today.String(), Buckets: []AgingBucket{}}
		var total money.Amount
		for _, name := range AgingBuckets {
			row := by[name]
			a.Buckets = append(a.Buckets, AgingBucket{Bucket: name, Invoices: row.Count, Amount: Num(row.Amount)})
			a.TotalInvoices += row.Count
			if total, err = sum(total, row.Amount); err != nil {
				return Aging{}, err
			}
		}
		a.TotalOutstanding = Num(total)
		return a, nil
	})
}
