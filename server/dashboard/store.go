package dashboard

import (
	"context"
	"fmt"
	"time"

	"github.com/ternant/ternant/server/platform/db"
)

// statsQuery computes every figure in one round trip: three single-row aggregates over the
// company's apartments, active leases and invoice totals, cross-joined into one row. The apartments
// and leases are counted through (company_id, ...) indexes; the invoices are read pre-summed per
// status and due date from invoice_totals, which triggers keep exact (migration 4), so the cost does
// not grow with the number of invoices. Soft-deleted rows never count. Overdue means status sent or
// overdue with a due date before now (TernantApp counted 'sent' only: nothing marked invoices
// overdue, while Ternant's mark-overdue job does); as in TernantApp, which compares the DATE with the
// current time, an invoice due today is overdue, hence `due_date <= today`.
const statsQuery = `
SELECT a.total_units,
       o.occupied_units, o.rent_sum, o.rent_avg,
       i.revenue, i.billed, i.outstanding, i.overdue_invoices, i.overdue_amount
FROM (SELECT COUNT(*) AS total_units
      FROM apartments WHERE company_id = ? AND is_active = 1) a
CROSS JOIN
     (SELECT COUNT(*) AS occupied_units,
             CAST(COALESCE(SUM(monthly_rent), 0) AS DECIMAL(20,2)) AS rent_sum,
             CAST(COALESCE(AVG(monthly_rent), 0) AS DECIMAL(20,6)) AS rent_avg
      FROM occupancies WHERE company_id = ? AND is_active = 1 AND status = 'active') o
CROSS JOIN
     (SELECT CAST(COALESCE(SUM(amount_paid), 0) AS DECIMAL(20,2)) AS revenue,
             CAST(COALESCE(SUM(total_amount), 0) AS DECIMAL(20,2)) AS billed,
             CAST(COALESCE(SUM(CASE WHEN status <> 'paid' THEN total_amount - amount_paid END), 0) AS DECIMAL(20,2)) AS outstanding,
             CAST(COALESCE(SUM(CASE WHEN status IN ('sent', 'overdue') AND due_date <= ? THEN invoices END), 0) AS SIGNED) AS overdue_invoices,
             CAST(COALESCE(SUM(CASE WHEN status IN ('sent', 'overdue') AND due_date <= ? THEN total_amount - amount_paid END), 0) AS DECIMAL(20,2)) AS overdue_amount
      FROM invoice_totals WHERE company_id = ?) i`

// statsRow is the query's one row; decimals arrive as strings and are parsed exactly. The CASTs
// keep them DECIMAL text on every engine (the embedded dev engine otherwise returns sums as floats).
type statsRow struct {
	TotalUnits      int64  `db:"total_units"`
	OccupiedUnits   int64  `db:"occupied_units"`
	RentSum         string `db:"rent_sum"`
	RentAvg         string `db:"rent_avg"`
	Revenue         string `db:"revenue"`
	Billed          string `db:"billed"`
	Outstanding     string `db:"outstanding"`
	OverdueInvoices int64  `db:"overdue_invoices"`
	OverdueAmount   string `db:"overdue_amount"`
}

// loadStats runs statsQuery for companyID as of now (UTC) and derives the remaining figures.
func loadStats(ctx context.Context, q db.Queryer, companyID string, now time.Time) (Stats, error) {
	today := now.UTC().Format(time.DateOnly)
	var row statsRow
	if err := q.Get(ctx, &row, statsQuery, companyID, companyID, today, today, companyID); err != nil {
		return Stats{}, fmt.Errorf("load dashboard stats of company %s: %w", companyID, err)
	}
	return row.stats()
}

// stats turns the row into the response figures.
func (r statsRow) stats() (Stats, error) {
	var money [5]Hundredths
	for i, s := range []string{r.RentSum, r.Revenue, r.Billed, r.Outstanding, r.OverdueAmount} {
		v, err := ParseHundredths(s)
		if err != nil {
			return Stats{}, fmt.Errorf("dashboard stats: %w", err)
		}
		money[i] = v
	}
	rentSum, revenue, billed, outstanding, overdue := money[0], money[1], money[2], money[3], money[4]
	return Stats{
		TotalUnits:              r.TotalUnits,
		OccupiedUnits:           r.OccupiedUnits,
		VacantUnits:             r.TotalUnits - r.OccupiedUnits,
		OccupancyRate:           percent(r.OccupiedUnits, r.TotalUnits),
		ActiveTenants:           r.OccupiedUnits,
		AverageRent:             Decimal(trimDecimal(r.RentAvg)),
		MonthlyRecurringRevenue: rentSum,
		TotalRevenue:            revenue,
		OutstandingAmount:       outstanding,
		CollectionRate:          percent(int64(revenue), int64(billed)),
		OverdueInvoices:         r.OverdueInvoices,
		OverdueAmount:           overdue,
	}, nil
}
