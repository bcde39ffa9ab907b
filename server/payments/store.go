package payments

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/money"
)

// store is the payments table. Every statement filters on company_id.
type store struct{}

const paymentColumns = `id, company_id, invoice_id, amount, paid_at, method, reference, metadata, notes, is_active,
	created_at, updated_at`

// Insert writes a new payment.
func (store) Insert(ctx context.Context, q db.Queryer, p *Payment) error {
	_, err := q.Exec(ctx, `INSERT INTO payments (`+paymentColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.CompanyID, p.InvoiceID, p.Amount, p.PaidAt, p.Method, p.Reference, p.Metadata, p.Notes, p.IsActive,
		p.CreatedAt, p.UpdatedAt)
	if err != nil {
		return fmt.Errorf("insert payment: %w", err)
	}
	return nil
}

// Get reads one payment of the company; lock adds FOR UPDATE (q must then be a transaction).
func (store) Get(ctx context.Context, q db.Queryer, companyID, id string, lock bool) (*Payment, error) {
	query := `SELECT ` + paymentColumns + ` FROM payments WHERE company_id = ? AND id = ?`
	if lock {
		query += ` FOR UPDATE`
	}
	var p Payment
	if err := q.Get(ctx, &p, query, companyID, id); err != nil {
		return nil, fmt.Errorf("load payment %s: %w", id, err)
	}
	return &p, nil
}

// Update writes every editable column.
func (store) Update(ctx context.Context, q db.Queryer, p *Payment) error {
	_, err := q.Exec(ctx, `UPDATE payments SET amount = ?, paid_at = ?, method = ?, reference = ?, metadata = ?,
		notes = ?, is_active = ?, updated_at = ? WHERE company_id = ? AND id = ?`, p.Amount, p.PaidAt, p.Method,
		p.Reference, p.Metadata, p.Notes, p.IsActive, p.UpdatedAt, p.CompanyID, p.ID)
	if err != nil {
		return fmt.Errorf("update payment %s: %w", p.ID, err)
	}
	return nil
}

// Filter selects payments for the list endpoints.
type Filter struct {
	InvoiceID       string
	IncludeInactive bool
	// From/To keep payments with from <= paidAt < to (zero = unbounded).
	From, To time.Time
}

func (f Filter) where(companyID string) (string, []any) {
	conds := []string{"company_id = ?"}
	args := []any{companyID}
	if !f.IncludeInactive {
		conds = append(conds, "is_active = 1")
	}
	if f.InvoiceID != "" {
		conds, args = append(conds, "invoice_id = ?"), append(args, f.InvoiceID)
	}
	if !f.From.IsZero() {
		conds, args = append(conds, "paid_at >= ?"), append(args, f.From)
	}
	if !f.To.IsZero() {
		conds, args = append(conds, "paid_at < ?"), append(args, f.To)
	}
	return strings.Join(conds, " AND "), args
}

// Key is the filter as a cache field: the same for every page of one list.
func (f Filter) Key() string {
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339Nano)
	}
	return "invoice=" + f.InvoiceID + "&inactive=" + strconv.FormatBool(f.IncludeInactive) +
		"&from=" + stamp(f.From) + "&to=" + stamp(f.To)
}

// Page returns one page of payments, newest paidAt first.
func (store) Page(ctx context.Context, q db.Queryer, companyID string, f Filter, page httpx.Page) ([]*Payment, error) {
	where, args := f.where(companyID)
	out := []*Payment{}
	err := q.Select(ctx, &out, `SELECT `+paymentColumns+` FROM payments WHERE `+where+
		` ORDER BY paid_at DESC, created_at DESC, id DESC LIMIT ? OFFSET ?`, append(args, page.Limit, page.Offset)...)
	if err != nil {
		return nil, fmt.Errorf("list payments: %w", err)
	}
	return out, nil
}

// Count counts the payments the filter selects, before paging.
func (store) Count(ctx context.Context, q db.Queryer, companyID string, f Filter) (int, error) {
	where, args := f.where(companyID)
	var total int
	if err := q.Get(ctx, &total, `SELECT COUNT(*) FROM payments WHERE `+where, args...); err != nil {
		return 0, fmt.Errorf("count payments: %w", err)
	}
	return total, nil
}

// Stats sums active payments per method, exactly, within the filter's dates.
func (store) Stats(ctx context.Context, q db.Queryer, companyID string, f Filter) (Stats, error) {
	where, args := f.where(companyID)
	var rows []struct {
		Method string       `db:"method"`
		Count  int          `db:"n"`
		Amount money.Amount `db:"amount"`
	}
	err := q.Select(ctx, &rows, `SELECT method, COUNT(*) AS n, COALESCE(SUM(amount), 0) AS amount FROM payments
		WHERE `+where+` GROUP BY method ORDER BY method`, args...)
	if err != nil {
		return Stats{}, fmt.Errorf("payment stats: %w", err)
	}
	st := Stats{ByMethod: map[string]*MethodStats{}}
	var total money.Amount
	for _, r := range rows {
		st.TotalPayments += r.Count
		if total, err = total.Add(r.Amount); err != nil {
			return Stats{}, fmt.Errorf("payment stats: %w", err)
		}
		st.ByMethod[r.Method] = &MethodStats{Count: r.Count, Amount: money.Number(r.Amount)}
	}
	st.TotalAmount = money.Number(total)
	return st, nil
}
