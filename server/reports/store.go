package reports

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/money"
)

// Range is a report's optional date range; a zero bound is open.
type Range struct {
	Start, End time.Time
}

// dateCond appends "col >= start AND col <= end" for a DATE column.
func (r Range) dateCond(col string, conds []string, args []any) ([]string, []any) {
	if !r.Start.IsZero() {
		conds, args = append(conds, col+" >= ?"), append(args, dbtypes.DateOf(r.Start))
	}
	if !r.End.IsZero() {
		conds, args = append(conds, col+" <= ?"), append(args, dbtypes.DateOf(r.End))
	}
	return conds, args
}

// timeCond appends "col >= start AND col < end" for a TIMESTAMP column, end exclusive.
func (r Range) timeCond(col string, conds []string, args []any) ([]string, []any) {
	if !r.Start.IsZero() {
		conds, args = append(conds, col+" >= ?"), append(args, r.Start)
	}
	if !r.End.IsZero() {
		conds, args = append(conds, col+" < ?"), append(args, r.End)
	}
	return conds, args
}

// store runs the report queries; every one filters on company_id and active rows, and every sum
// is a DECIMAL sum read into exact amounts.
type store struct{}

type units struct {
	Total    int `db:"total"`
	Occupied int `db:"occupied"`
}

func (store) units(ctx context.Context, q db.Queryer, companyID string) (units, error) {
	var u units
	err := q.Get(ctx, &u, `SELECT COUNT(*) AS total, COALESCE(SUM(status = 'occupied'), 0) AS occupied
		FROM apartments WHERE company_id = ? AND is_active = 1`, companyID)
	if err != nil {
		return u, fmt.Errorf("count units: %w", err)
	}
	return u, nil
}

type leases struct {
	Count int          `db:"n"`
	Rent  money.Amount `db:"rent"`
}

func (store) activeLeases(ctx context.Context, q db.Queryer, companyID string) (leases, error) {
	var l leases
	err := q.Get(ctx, &l, `SELECT COUNT(*) AS n, COALESCE(SUM(monthly_rent), 0) AS rent FROM occupancies
		WHERE company_id = ? AND is_active = 1 AND status = 'active'`, companyID)
	if err != nil {
		return l, fmt.Errorf("sum active leases: %w", err)
	}
	return l, nil
}

type open struct {
	Outstanding   money.Amount `db:"outstanding"`
	OverdueCount  int          `db:"overdue_n"`
	OverdueAmount money.Amount `db:"overdue_amount"`
}

// openInvoices sums what draft, sent and overdue invoices still owe, and the part past due.
func (store) openInvoices(ctx context.Context, q db.Queryer, companyID string, today dbtypes.Date) (open, error) {
	var o open
	err := q.Get(ctx, &o, `SELECT COALESCE(SUM(total_amount - amount_paid), 0) AS outstanding,
		COALESCE(SUM(due_date < ?), 0) AS overdue_n,
		COALESCE(SUM(CASE WHEN due_date < ? THEN total_amount - amount_paid ELSE 0 END), 0) AS overdue_amount
		FROM invoices WHERE company_id = ? AND is_active = 1 AND status IN ('draft', 'sent', 'overdue')`, today, today, companyID)
	if err != nil {
		return o, fmt.Errorf("sum open invoices: %w", err)
	}
	return o, nil
}

type monthRow struct {
	Month       string       `db:"month"`
	Revenue     money.Amount `db:"revenue"`
	Collected   money.Amount `db:"collected"`
	Outstanding money.Amount `db:"outstanding"`
}

// months sums invoiced, collected and outstanding amounts per invoice month (cancelled invoices
// are not revenue).
func (store) months(ctx context.Context, q db.Queryer, companyID string, r Range) ([]monthRow, error) {
	conds, args := r.dateCond("invoice_date", []string{"company_id = ?", "is_active = 1", "status <> 'cancelled'"}, []any{companyID})
	var rows []monthRow
	err := q.Select(ctx, &rows, `SELECT DATE_FORMAT(invoice_date, '%Y-%m') AS month, SUM(total_amount) AS revenue,
		SUM(amount_paid) AS collected, SUM(total_amount - amount_paid) AS outstanding FROM invoices
		WHERE `+strings.Join(conds, " AND ")+` GROUP BY month ORDER BY month`, args...)
	if err != nil {
		return nil, fmt.Errorf("sum invoices by month: %w", err)
	}
	return rows, nil
}

type methodRow struct {
	Method string       `db:"method"`
	Amount money.Amount `db:"amount"`
}

func (store) methods(ctx context.Context, q db.Queryer, companyID string, r Range) ([]methodRow, error) {
	conds, args := r.timeCond("paid_at", []string{"company_id = ?", "is_active = 1"}, []any{companyID})
	var rows []methodRow
	err := q.Select(ctx, &rows, `SELECT method, SUM(amount) AS amount FROM payments WHERE `+strings.Join(conds, " AND ")+
		` GROUP BY method ORDER BY method`, args...) // enum order: CASH, BANK, MOBILE, CARD, OTHER
	if err != nil {
		return nil, fmt.Errorf("sum payments by method: %w", err)
	}
	return rows, nil
}

type ended struct {
	Count int   `db:"n"`
	Days  int64 `db:"days"`
}

// endedLeases counts ended leases with a move-out date and the days they lasted.
func (store) endedLeases(ctx context.Context, q db.Queryer, companyID string) (ended, error) {
	var e ended
	err := q.Get(ctx, &e, `SELECT COUNT(*) AS n, COALESCE(SUM(DATEDIFF(move_out_date, lease_start_date)), 0) AS days
		FROM occupancies WHERE company_id = ? AND is_active = 1 AND status = 'ended' AND move_out_date IS NOT NULL`, companyID)
	if err != nil {
		return e, fmt.Errorf("sum ended leases: %w", err)
	}
	return e, nil
}

// turnover counts leases ended with a move-out date within the range.
func (store) turnover(ctx context.Context, q db.Queryer, companyID string, r Range) (int, error) {
	conds, args := r.dateCond("move_out_date", []string{"company_id = ?", "is_active = 1", "status = 'ended'"}, []any{companyID})
	var n int
	if err := q.Get(ctx, &n, `SELECT COUNT(*) FROM occupancies WHERE `+strings.Join(conds, " AND "), args...); err != nil {
		return 0, fmt.Errorf("count ended leases: %w", err)
	}
	return n, nil
}

func (store) compounds(ctx context.Context, q db.Queryer, companyID string) ([]CompoundOccupancy, error) {
	rows := []CompoundOccupancy{}
	err := q.Select(ctx, &rows, `SELECT c.id, c.name, COUNT(a.id) AS total, COALESCE(SUM(a.status = 'occupied'), 0) AS occupied
		FROM compounds c LEFT JOIN apartments a ON a.compound_id = c.id AND a.company_id = c.company_id AND a.is_active = 1
		WHERE c.company_id = ? AND c.is_active = 1 GROUP BY c.id, c.name ORDER BY c.name, c.id`, companyID)
	if err != nil {
		return nil, fmt.Errorf("count units by compound: %w", err)
	}
	return rows, nil
}

type agingRow struct {
	Bucket string       `db:"bucket"`
	Count  int          `db:"n"`
	Amount money.Amount `db:"amount"`
}

// aging sums what sent and overdue invoices owe by days past due.
func (store) aging(ctx context.Context, q db.Queryer, companyID string, today dbtypes.Date, r Range) ([]agingRow, error) {
	conds, args := r.dateCond("invoice_date", []string{"company_id = ?", "is_active = 1", "status IN ('sent', 'overdue')",
		"total_amount > amount_paid"}, []any{companyID})
	var rows []agingRow
	err := q.Select(ctx, &rows, `SELECT CASE WHEN DATEDIFF(?, due_date) <= 30 THEN '0-30'
			WHEN DATEDIFF(?, due_date) <= 60 THEN '31-60' WHEN DATEDIFF(?, due_date) <= 90 THEN '61-90' ELSE '90+' END AS bucket,
		COUNT(*) AS n, SUM(total_amount - amount_paid) AS amount FROM invoices WHERE `+strings.Join(conds, " AND ")+
		` GROUP BY bucket`, append([]any{today, today, today}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("age receivables: %w", err)
	}
	return rows, nil
}
