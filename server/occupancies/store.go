package occupancies

import (
	"context"
	"fmt"
	"strings"

	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/dbtypes"
)

// store holds the occupancies SQL. Every statement is scoped by company_id.
type store struct {
	DB *db.DB
}

const columns = `id, company_id, created_at, updated_at, tenant_id, apartment_id, lease_start_date,
	lease_end_date, monthly_rent, security_deposit, deposit_paid, move_in_date, move_out_date, status,
	notes, is_active`

// Orderings of lease lists.
const (
	orderStartDesc = "lease_start_date DESC, id DESC"
	orderEndAsc    = "lease_end_date ASC, id ASC"
)

// ListFilter selects leases for a list; zero fields do not filter.
type ListFilter struct {
	Status          string
	IncludeInactive bool
	TenantID        string
	ApartmentID     string
	// ActiveOn keeps leases with start <= day <= end.
	ActiveOn dbtypes.Date
	// EndFrom and EndTo keep leases ending within [EndFrom, EndTo].
	EndFrom, EndTo dbtypes.Date
	// Order is one of the order* constants (default: newest start first).
	Order         string
	Limit, Offset int
}

func (f ListFilter) where(companyID string) (string, []any) {
	conds := []string{"company_id = ?"}
	args := []any{companyID}
	add := func(cond string, v any) {
		conds = append(conds, cond)
		args = append(args, v)
	}
	if !f.IncludeInactive {
		conds = append(conds, "is_active = 1")
	}
	if f.Status != "" {
		add("status = ?", f.Status)
	}
	if f.TenantID != "" {
		add("tenant_id = ?", f.TenantID)
	}
	if f.ApartmentID != "" {
		add("apartment_id = ?", f.ApartmentID)
	}
	if !f.ActiveOn.IsZero() {
		add("lease_start_date <= ?", f.ActiveOn)
		add("lease_end_date >= ?", f.ActiveOn)
	}
	if !f.EndFrom.IsZero() {
		add("lease_end_date >= ?", f.EndFrom)
	}
	if !f.EndTo.IsZero() {
		add("lease_end_date <= ?", f.EndTo)
	}
	return strings.Join(conds, " AND "), args
}

// Insert writes a new lease.
func (s *store) Insert(ctx context.Context, q db.Queryer, o *Occupancy) error {
	const stmt = `INSERT INTO occupancies (` + columns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	_, err := q.Exec(ctx, stmt, o.ID, o.CompanyID, o.CreatedAt, o.UpdatedAt, o.TenantID, o.ApartmentID,
		o.LeaseStartDate, o.LeaseEndDate, o.MonthlyRent, o.SecurityDeposit, o.DepositPaid, o.MoveInDate,
		o.MoveOutDate, o.Status, o.Notes, o.IsActive)
	if err != nil {
		return fmt.Errorf("insert occupancy: %w", err)
	}
	return nil
}

// Get reads one lease of the company, active or not.
func (s *store) Get(ctx context.Context, q db.Queryer, companyID, id string) (Occupancy, error) {
	var o Occupancy
	if err := q.Get(ctx, &o, `SELECT `+columns+` FROM occupancies WHERE company_id = ? AND id = ?`, companyID, id); err != nil {
		return o, fmt.Errorf("get occupancy %s: %w", id, err)
	}
	return o, nil
}

// GetForUpdate reads one lease and locks its row until the transaction ends.
func (s *store) GetForUpdate(ctx context.Context, tx *db.Tx, companyID, id string) (Occupancy, error) {
	var o Occupancy
	if err := tx.Get(ctx, &o, `SELECT `+columns+` FROM occupancies WHERE company_id = ? AND id = ? FOR UPDATE`, companyID, id); err != nil {
		return o, fmt.Errorf("lock occupancy %s: %w", id, err)
	}
	return o, nil
}

// overlapQuery counts the blocking leases of an apartment that share a day with a period; it is
// served by idx_occupancies_company_apartment_status (see the EXPLAIN test).
const overlapQuery = `SELECT COUNT(*) FROM occupancies
	WHERE company_id = ? AND apartment_id = ? AND status IN ('pending', 'active') AND is_active = 1
	AND lease_start_date <= ? AND lease_end_date >= ? AND id <> ?`

// Overlapping reports whether another active, pending-or-active lease on the apartment overlaps
// [start, end] (both inclusive). The caller holds the apartment's row lock, which serialises every
// lease write for that apartment, so the answer stays true until it commits.
func (s *store) Overlapping(ctx context.Context, tx *db.Tx, companyID, apartmentID, excludeID string, start, end dbtypes.Date) (bool, error) {
	var n int
	err := tx.Get(ctx, &n, overlapQuery, companyID, apartmentID, end, start, excludeID)
	if err != nil {
		return false, fmt.Errorf("check lease overlap: %w", err)
	}
	return n > 0, nil
}

// List returns one page of leases and the total before paging.
func (s *store) List(ctx context.Context, companyID string, f ListFilter) ([]Occupancy, int, error) {
	where, args := f.where(companyID)
	var total int
	if err := s.DB.Get(ctx, &total, `SELECT COUNT(*) FROM occupancies WHERE `+where, args...); err != nil {
		return nil, 0, fmt.Errorf("count occupancies: %w", err)
	}
	order := f.Order
	if order == "" {
		order = orderStartDesc
	}
	out := []Occupancy{}
	err := s.DB.Select(ctx, &out, `SELECT `+columns+` FROM occupancies WHERE `+where+
		` ORDER BY `+order+` LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list occupancies: %w", err)
	}
	return out, total, nil
}

// ByTenant returns every lease of a tenant, active or not, newest start first.
func (s *store) ByTenant(ctx context.Context, companyID, tenantID string) ([]Occupancy, error) {
	out := []Occupancy{}
	err := s.DB.Select(ctx, &out, `SELECT `+columns+` FROM occupancies WHERE company_id = ? AND tenant_id = ?
		ORDER BY `+orderStartDesc, companyID, tenantID)
	if err != nil {
		return nil, fmt.Errorf("list occupancies of tenant %s: %w", tenantID, err)
	}
	return out, nil
}

// Stats counts active leases in total and per status, and the active ones ending between today and
// monthEnd.
func (s *store) Stats(ctx context.Context, companyID string, today, monthEnd dbtypes.Date) (Stats, error) {
	var st Stats
	err := s.DB.Get(ctx, &st, `SELECT COUNT(*) AS total,
		COALESCE(SUM(status = 'active'), 0) AS active,
		COALESCE(SUM(status = 'pending'), 0) AS pending,
		COALESCE(SUM(status = 'ended'), 0) AS ended,
		COALESCE(SUM(status = 'active' AND lease_end_date >= ? AND lease_end_date <= ?), 0) AS expiring_this_month
		FROM occupancies WHERE company_id = ? AND is_active = 1`, today, monthEnd, companyID)
	if err != nil {
		return st, fmt.Errorf("occupancy stats: %w", err)
	}
	return st, nil
}

// Update writes every mutable column of o.
func (s *store) Update(ctx context.Context, q db.Queryer, o *Occupancy) error {
	const stmt = `UPDATE occupancies SET updated_at = ?, tenant_id = ?, apartment_id = ?, lease_start_date = ?,
		lease_end_date = ?, monthly_rent = ?, security_deposit = ?, deposit_paid = ?, move_in_date = ?,
		move_out_date = ?, status = ?, notes = ?, is_active = ? WHERE company_id = ? AND id = ?`
	_, err := q.Exec(ctx, stmt, o.UpdatedAt, o.TenantID, o.ApartmentID, o.LeaseStartDate, o.LeaseEndDate,
		o.MonthlyRent, o.SecurityDeposit, o.DepositPaid, o.MoveInDate, o.MoveOutDate, o.Status, o.Notes,
		o.IsActive, o.CompanyID, o.ID)
	if err != nil {
		return fmt.Errorf("update occupancy %s: %w", o.ID, err)
	}
	return nil
}

// ByIDs reads the company's leases among ids, active or not.
func (s *store) ByIDs(ctx context.Context, companyID string, ids []string) ([]Occupancy, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	q, args, err := db.InCompany(`SELECT `+columns+` FROM occupancies WHERE company_id = ? AND id IN (?)`, companyID, ids)
	if err != nil {
		return nil, fmt.Errorf("expand occupancy ids: %w", err)
	}
	var out []Occupancy
	if err := s.DB.Select(ctx, &out, q, args...); err != nil {
		return nil, fmt.Errorf("get occupancies by id: %w", err)
	}
	return out, nil
}

// InMonth reads the company's active leases (status active, is_active) that overlap the month
// [first, last], earliest start first.
func (s *store) InMonth(ctx context.Context, companyID string, first, last dbtypes.Date) ([]Occupancy, error) {
	var out []Occupancy
	err := s.DB.Select(ctx, &out, `SELECT `+columns+` FROM occupancies WHERE company_id = ? AND is_active = 1
		AND status = 'active' AND lease_start_date <= ? AND lease_end_date >= ? ORDER BY lease_start_date, id`,
		companyID, last, first)
	if err != nil {
		return nil, fmt.Errorf("list active leases: %w", err)
	}
	return out, nil
}
