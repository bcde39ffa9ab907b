package tenants

import (
	"context"
	"fmt"
	"strconv"

	"github.com/ternant/ternant/server/platform/db"
)

// store holds the tenants SQL. Every statement is scoped by company_id.
type store struct {
	DB *db.DB
}

const columns = "id, company_id, created_at, updated_at, first_name, last_name, email, phone, alternate_phone, " +
	"date_of_birth, id_type, id_number, current_address, emergency_contact_name, emergency_contact_phone, " +
	"emergency_contact_relationship, employer_name, employer_phone, monthly_income, `references`, documents, " +
	"notes, status, is_active"

// listColumns reads a tenant for lists and other entities' includes: the references and documents
// (the row's heavy JSON columns) are null there and only GET /tenants/:id carries them, so a page's
// size does not grow with what clients attached to each tenant.
const listColumns = "id, company_id, created_at, updated_at, first_name, last_name, email, phone, alternate_phone, " +
	"date_of_birth, id_type, id_number, current_address, emergency_contact_name, emergency_contact_phone, " +
	"emergency_contact_relationship, employer_name, employer_phone, monthly_income, NULL AS `references`, " +
	"NULL AS documents, notes, status, is_active"

// ListFilter selects tenants for a list.
type ListFilter struct {
	Status          string
	IncludeInactive bool
	Limit, Offset   int
}

// Insert writes a new tenant; a taken email is a *db.ConstraintError (ErrConflict).
func (s *store) Insert(ctx context.Context, t *Tenant) error {
	const q = "INSERT INTO tenants (" + columns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	_, err := s.DB.Exec(ctx, q, t.ID, t.CompanyID, t.CreatedAt, t.UpdatedAt, t.FirstName, t.LastName, t.Email,
		t.Phone, t.AlternatePhone, t.DateOfBirth, t.IDType, t.IDNumber, t.CurrentAddress, t.EmergencyContactName,
		t.EmergencyContactPhone, t.EmergencyContactRelationship, t.EmployerName, t.EmployerPhone,
		t.MonthlyIncome, t.References, t.Documents, t.Notes, t.Status, t.IsActive)
	if err != nil {
		return fmt.Errorf("insert tenant: %w", err)
	}
	return nil
}

// Get reads one tenant of the company, active or not.
func (s *store) Get(ctx context.Context, q db.Queryer, companyID, id string) (Tenant, error) {
	var t Tenant
	if err := q.Get(ctx, &t, "SELECT "+columns+" FROM tenants WHERE company_id = ? AND id = ?", companyID, id); err != nil {
		return t, fmt.Errorf("get tenant %s: %w", id, err)
	}
	return t, nil
}

// GetForUpdate reads one tenant and locks its row until the transaction ends.
func (s *store) GetForUpdate(ctx context.Context, tx *db.Tx, companyID, id string) (Tenant, error) {
	var t Tenant
	if err := tx.Get(ctx, &t, "SELECT "+columns+" FROM tenants WHERE company_id = ? AND id = ? FOR UPDATE", companyID, id); err != nil {
		return t, fmt.Errorf("lock tenant %s: %w", id, err)
	}
	return t, nil
}

// ByIDs reads the company's tenants among ids, active or not, without their references and
// documents (for includes).
func (s *store) ByIDs(ctx context.Context, companyID string, ids []string) ([]Tenant, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	q, args, err := db.InCompany("SELECT "+listColumns+" FROM tenants WHERE company_id = ? AND id IN (?)", companyID, ids)
	if err != nil {
		return nil, fmt.Errorf("expand tenant ids: %w", err)
	}
	var out []Tenant
	if err := s.DB.Select(ctx, &out, q, args...); err != nil {
		return nil, fmt.Errorf("get tenants by id: %w", err)
	}
	return out, nil
}

// where is the filter's condition and arguments.
func (f ListFilter) where(companyID string) (string, []any) {
	where := "company_id = ?"
	args := []any{companyID}
	if !f.IncludeInactive {
		where += " AND is_active = 1"
	}
	if f.Status != "" {
		where += " AND status = ?"
		args = append(args, f.Status)
	}
	return where, args
}

// Key is the filter as a cache field: the same for every page of one list.
func (f ListFilter) Key() string {
	return "inactive=" + strconv.FormatBool(f.IncludeInactive) + "&status=" + f.Status
}

// Page returns one page of tenants ordered by last then first name.
func (s *store) Page(ctx context.Context, companyID string, f ListFilter) ([]Tenant, error) {
	where, args := f.where(companyID)
	out := []Tenant{}
	err := s.DB.Select(ctx, &out, "SELECT "+listColumns+" FROM tenants WHERE "+where+
		" ORDER BY last_name, first_name, id LIMIT ? OFFSET ?", append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, fmt.Errorf("list tenants: %w", err)
	}
	return out, nil
}

// Total counts the tenants the filter selects, before paging.
func (s *store) Total(ctx context.Context, companyID string, f ListFilter) (int, error) {
	where, args := f.where(companyID)
	var total int
	if err := s.DB.Get(ctx, &total, "SELECT COUNT(*) FROM tenants WHERE "+where, args...); err != nil {
		return 0, fmt.Errorf("count tenants: %w", err)
	}
	return total, nil
}

// Search returns up to limit active tenants whose first or last name, email or phone contains term.
func (s *store) Search(ctx context.Context, companyID, term string, limit int) ([]Tenant, error) {
	p := db.ContainsPattern(term)
	out := []Tenant{}
	err := s.DB.Select(ctx, &out, "SELECT "+listColumns+` FROM tenants
		WHERE company_id = ? AND is_active = 1
		AND (first_name LIKE ? OR last_name LIKE ? OR email LIKE ? OR phone LIKE ?)
		ORDER BY last_name, first_name, id LIMIT ?`, companyID, p, p, p, p, limit)
	if err != nil {
		return nil, fmt.Errorf("search tenants: %w", err)
	}
	return out, nil
}

// Count counts active tenants, optionally of one status.
func (s *store) Count(ctx context.Context, companyID, status string) (int, error) {
	q := "SELECT COUNT(*) FROM tenants WHERE company_id = ? AND is_active = 1"
	args := []any{companyID}
	if status != "" {
		q += " AND status = ?"
		args = append(args, status)
	}
	var n int
	if err := s.DB.Get(ctx, &n, q, args...); err != nil {
		return 0, fmt.Errorf("count tenants: %w", err)
	}
	return n, nil
}

// Stats counts active tenants in total and per status.
func (s *store) Stats(ctx context.Context, companyID string) (Stats, error) {
	var st Stats
	err := s.DB.Get(ctx, &st, `SELECT COUNT(*) AS total,
		COALESCE(SUM(status = 'active'), 0) AS active,
		COALESCE(SUM(status = 'inactive'), 0) AS inactive,
		COALESCE(SUM(status = 'blacklisted'), 0) AS blacklisted
		FROM tenants WHERE company_id = ? AND is_active = 1`, companyID)
	if err != nil {
		return st, fmt.Errorf("tenant stats: %w", err)
	}
	return st, nil
}

// Update writes every mutable column of t; a taken email is a *db.ConstraintError.
func (s *store) Update(ctx context.Context, q db.Queryer, t *Tenant) error {
	const stmt = "UPDATE tenants SET updated_at = ?, first_name = ?, last_name = ?, email = ?, phone = ?, " +
		"alternate_phone = ?, date_of_birth = ?, id_type = ?, id_number = ?, current_address = ?, " +
		"emergency_contact_name = ?, emergency_contact_phone = ?, emergency_contact_relationship = ?, " +
		"employer_name = ?, employer_phone = ?, monthly_income = ?, `references` = ?, documents = ?, notes = ?, " +
		"status = ?, is_active = ? WHERE company_id = ? AND id = ?"
	_, err := q.Exec(ctx, stmt, t.UpdatedAt, t.FirstName, t.LastName, t.Email, t.Phone, t.AlternatePhone,
		t.DateOfBirth, t.IDType, t.IDNumber, t.CurrentAddress, t.EmergencyContactName, t.EmergencyContactPhone,
		t.EmergencyContactRelationship, t.EmployerName, t.EmployerPhone, t.MonthlyIncome, t.References,
		t.Documents, t.Notes, t.Status, t.IsActive, t.CompanyID, t.ID)
	if err != nil {
		return fmt.Errorf("update tenant %s: %w", t.ID, err)
	}
	return nil
}
