package invoices

import (
	"context"
	"fmt"
	"strings"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/money"
)

// store is the invoices table. Every statement filters on company_id.
type store struct{}

const invoiceColumns = `id, company_id, invoice_number, occupancy_id, tenant_id, invoice_date, due_date, status,
	lineItems, subtotal, tax_amount, total_amount, amount_paid, notes, paid_date, is_active, created_at, updated_at`

// Insert writes a new invoice. A duplicate number is db.ErrConflict.
func (store) Insert(ctx context.Context, q db.Queryer, inv *Invoice) error {
	const stmt = `INSERT INTO invoices (id, company_id, invoice_number, occupancy_id, tenant_id, invoice_date,
		due_date, status, lineItems, subtotal, tax_amount, total_amount, amount_paid, notes, paid_date, is_active,
		created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	_, err := q.Exec(ctx, stmt, inv.ID, inv.CompanyID, inv.InvoiceNumber, inv.OccupancyID, inv.TenantID,
		inv.InvoiceDate, inv.DueDate, inv.Status, inv.LineItems, inv.Subtotal, inv.TaxAmount, inv.TotalAmount,
		inv.AmountPaid, inv.Notes, inv.PaidDate, inv.IsActive, inv.CreatedAt, inv.UpdatedAt)
	if err != nil {
		return fmt.Errorf("insert invoice %s: %w", inv.InvoiceNumber, err)
	}
	return nil
}

// Get reads one invoice of the company (active or not). Missing is db.ErrNotFound.
func (store) Get(ctx context.Context, q db.Queryer, companyID, id string) (*Invoice, error) {
	var inv Invoice
	err := q.Get(ctx, &inv, `SELECT `+invoiceColumns+` FROM invoices WHERE company_id = ? AND id = ?`, companyID, id)
	if err != nil {
		return nil, fmt.Errorf("load invoice %s: %w", id, err)
	}
	return &inv, nil
}

// Lock reads one invoice of the company and locks its row until the transaction ends: every
// balance change goes through it, so concurrent payments on one invoice serialise here.
func (store) Lock(ctx context.Context, tx *db.Tx, companyID, id string) (*Invoice, error) {
	var inv Invoice
	err := tx.Get(ctx, &inv, `SELECT `+invoiceColumns+` FROM invoices WHERE company_id = ? AND id = ? FOR UPDATE`, companyID, id)
	if err != nil {
		return nil, fmt.Errorf("lock invoice %s: %w", id, err)
	}
	return &inv, nil
}

// SaveBalance writes amountPaid, status and paidDate.
func (store) SaveBalance(ctx context.Context, q db.Queryer, inv *Invoice) error {
	inv.UpdatedAt = dbtypes.Now()
	_, err := q.Exec(ctx, `UPDATE invoices SET amount_paid = ?, status = ?, paid_date = ?, updated_at = ?
		WHERE company_id = ? AND id = ?`, inv.AmountPaid, inv.Status, inv.PaidDate, inv.UpdatedAt, inv.CompanyID, inv.ID)
	if err != nil {
		return fmt.Errorf("save invoice %s balance: %w", inv.ID, err)
	}
	return nil
}

// Update writes every editable column.
func (store) Update(ctx context.Context, q db.Queryer, inv *Invoice) error {
	inv.UpdatedAt = dbtypes.Now()
	_, err := q.Exec(ctx, `UPDATE invoices SET invoice_number = ?, occupancy_id = ?, tenant_id = ?, invoice_date = ?,
		due_date = ?, status = ?, lineItems = ?, subtotal = ?, tax_amount = ?, total_amount = ?, amount_paid = ?,
		notes = ?, paid_date = ?, is_active = ?, updated_at = ? WHERE company_id = ? AND id = ?`,
		inv.InvoiceNumber, inv.OccupancyID, inv.TenantID, inv.InvoiceDate, inv.DueDate, inv.Status, inv.LineItems,
		inv.Subtotal, inv.TaxAmount, inv.TotalAmount, inv.AmountPaid, inv.Notes, inv.PaidDate, inv.IsActive,
		inv.UpdatedAt, inv.CompanyID, inv.ID)
	if err != nil {
		return fmt.Errorf("update invoice %s: %w", inv.ID, err)
	}
	return nil
}

// Filter selects invoices for the list endpoints.
type Filter struct {
	Status          string
	IncludeInactive bool
	TenantID        string
	OccupancyID     string
	// DueBefore keeps invoices due strictly before the day (overdue).
	DueBefore *dbtypes.Date
	// DueFrom/DueTo keep invoices due within [from, to] (due soon).
	DueFrom, DueTo *dbtypes.Date
	// Open keeps invoices that are neither paid nor cancelled.
	Open bool
	// OrderByDue orders by due date ascending instead of invoice date descending.
	OrderByDue bool
}

func (f Filter) where(companyID string) (string, []any) {
	conds := []string{"company_id = ?"}
	args := []any{companyID}
	add := func(c string, a ...any) { conds = append(conds, c); args = append(args, a...) }
	if !f.IncludeInactive {
		add("is_active = 1")
	}
	if f.TenantID != "" {
		add("tenant_id = ?", f.TenantID)
	}
	if f.OccupancyID != "" {
		add("occupancy_id = ?", f.OccupancyID)
	}
	conds, args = f.statusAndDue(conds, args)
	return strings.Join(conds, " AND "), args
}

// statusAndDue appends the filter's conditions on status and due date, the columns invoice_totals
// is keyed by.
func (f Filter) statusAndDue(conds []string, args []any) ([]string, []any) {
	add := func(c string, a ...any) { conds = append(conds, c); args = append(args, a...) }
	if f.Status != "" {
		add("status = ?", f.Status)
	}
	if f.Open {
		add("status NOT IN ('paid', 'cancelled')")
	}
	if f.DueBefore != nil {
		add("due_date < ?", *f.DueBefore)
	}
	if f.DueFrom != nil {
		add("due_date >= ?", *f.DueFrom)
	}
	if f.DueTo != nil {
		add("due_date <= ?", *f.DueTo)
	}
	return conds, args
}

// count counts the invoices the filter selects. When it selects active invoices by status and due
// date only, invoice_totals (kept exact by triggers) answers from a few hundred pre-summed rows
// instead of the company's whole index range.
func (f Filter) count(ctx context.Context, q db.Queryer, companyID string) (int, error) {
	query, args := "", []any(nil)
	if f.IncludeInactive || f.TenantID != "" || f.OccupancyID != "" {
		where, a := f.where(companyID)
		query, args = `SELECT COUNT(*) FROM invoices WHERE `+where, a
	} else {
		conds, a := f.statusAndDue([]string{"company_id = ?"}, []any{companyID})
		query, args = `SELECT CAST(COALESCE(SUM(invoices), 0) AS SIGNED) FROM invoice_totals WHERE `+strings.Join(conds, " AND "), a
	}
	var total int
	if err := q.Get(ctx, &total, query, args...); err != nil {
		return 0, fmt.Errorf("count invoices: %w", err)
	}
	return total, nil
}

// List returns one page of the company's invoices and the total number matching.
func (store) List(ctx context.Context, q db.Queryer, companyID string, f Filter, page httpx.Page) ([]*Invoice, int, error) {
	where, args := f.where(companyID)
	order := "invoice_date DESC, created_at DESC, id DESC" // one direction: idx_invoices_company_active_date serves it
	if f.OrderByDue {
		order = "due_date ASC, created_at, id"
	}
	out := []*Invoice{}
	err := q.Select(ctx, &out, `SELECT `+invoiceColumns+` FROM invoices WHERE `+where+` ORDER BY `+order+` LIMIT ? OFFSET ?`,
		append(args, page.Limit, page.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list invoices: %w", err)
	}
	if total, ok := db.LastPageTotal(len(out), page.Limit, page.Offset); ok {
		return out, total, nil
	}
	total, err := f.count(ctx, q, companyID)
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// Stats computes GET /invoices/stats over active invoices: counts per status, open invoices past
// due, and the outstanding total of sent invoices, summed exactly in DECIMAL.
func (store) Stats(ctx context.Context, q db.Queryer, companyID string, today dbtypes.Date) (Stats, error) {
	var row struct {
		Total       int          `db:"total"`
		Draft       int          `db:"draft"`
		Sent        int          `db:"sent"`
		Paid        int          `db:"paid"`
		Overdue     int          `db:"overdue"`
		Outstanding money.Amount `db:"outstanding"`
	}
	err := q.Get(ctx, &row, `SELECT COUNT(*) AS total,
		COALESCE(SUM(status = 'draft'), 0) AS draft,
		COALESCE(SUM(status = 'sent'), 0) AS sent,
		COALESCE(SUM(status = 'paid'), 0) AS paid,
		COALESCE(SUM(status NOT IN ('paid', 'cancelled') AND due_date < ?), 0) AS overdue,
		COALESCE(SUM(CASE WHEN status = 'sent' THEN total_amount - amount_paid ELSE 0 END), 0) AS outstanding
		FROM invoices WHERE company_id = ? AND is_active = 1`, today, companyID)
	if err != nil {
		return Stats{}, fmt.Errorf("invoice stats: %w", err)
	}
	return Stats{Total: row.Total, Draft: row.Draft, Sent: row.Sent, Paid: row.Paid, Overdue: row.Overdue,
		TotalOutstanding: money.Number(row.Outstanding)}, nil
}

// OccupancyOfNumber returns the occupancy of the company's invoice with the number.
func (store) OccupancyOfNumber(ctx context.Context, q db.Queryer, companyID, number string) (string, error) {
	var id string
	err := q.Get(ctx, &id, `SELECT occupancy_id FROM invoices WHERE company_id = ? AND invoice_number = ?`, companyID, number)
	if err != nil {
		return "", fmt.Errorf("load invoice number %s: %w", number, err)
	}
	return id, nil
}

// MarkOverdue sets status overdue on active sent invoices due before today, across companies, in
// one transaction, and returns the companies concerned and the number of invoices changed.
func (store) MarkOverdue(ctx context.Context, d *db.DB, today dbtypes.Date) ([]string, int, error) {
	var companies []string
	var n int64
	err := d.InTx(ctx, func(tx *db.Tx) error {
		companies = nil
		if err := tx.Select(ctx, &companies, `SELECT DISTINCT company_id FROM invoices
			WHERE status = 'sent' AND is_active = 1 AND due_date < ? FOR UPDATE`, today); err != nil {
			return fmt.Errorf("find overdue invoices: %w", err)
		}
		res, err := tx.Exec(ctx, `UPDATE invoices SET status = 'overdue', updated_at = ?
			WHERE status = 'sent' AND is_active = 1 AND due_date < ?`, dbtypes.Now(), today)
		if err != nil {
			return fmt.Errorf("mark invoices overdue: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return companies, int(n), err
}

// ByIDs reads the company's invoices with the given ids (active or not).
func (store) ByIDs(ctx context.Context, q db.Queryer, companyID string, ids []string) (map[string]*Invoice, error) {
	out := map[string]*Invoice{}
	if len(ids) == 0 {
		return out, nil
	}
	query, args, err := db.InCompany(`SELECT `+invoiceColumns+` FROM invoices WHERE company_id = ? AND id IN (?)`, companyID, ids)
	if err != nil {
		return nil, fmt.Errorf("build invoice query: %w", err)
	}
	var rows []*Invoice
	if err := q.Select(ctx, &rows, query, args...); err != nil {
		return nil, fmt.Errorf("load invoices: %w", err)
	}
	for _, inv := range rows {
		out[inv.ID] = inv
	}
	return out, nil
}
