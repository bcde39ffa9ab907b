package apartments

import (
	"context"
	"fmt"

	"github.com/ternant/ternant/server/platform/db"
)

// store holds the apartments SQL. Every statement is scoped by company_id.
type store struct {
	DB *db.DB
}

const columns = `id, company_id, created_at, updated_at, compound_id, unit_number, floor, bedrooms,
	bathrooms, area_sqm, monthly_rent, status, amenities, notes, is_active`

// ListFilter selects apartments for a list (active ones only, as TernantApp lists them).
type ListFilter struct {
	CompoundID    string
	Status        string
	Limit, Offset int
}

// Insert writes a new apartment; a taken unit number is a *db.ConstraintError (ErrConflict).
func (s *store) Insert(ctx context.Context, a *Apartment) error {
	const q = `INSERT INTO apartments (id, company_id, created_at, updated_at, compound_id, unit_number,
		floor, bedrooms, bathrooms, area_sqm, monthly_rent, status, amenities, notes, is_active)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	_, err := s.DB.Exec(ctx, q, a.ID, a.CompanyID, a.CreatedAt, a.UpdatedAt, a.CompoundID, a.UnitNumber,
		a.Floor, a.Bedrooms, a.Bathrooms, a.AreaSqm, a.MonthlyRent, a.Status, a.Amenities, a.Notes, a.IsActive)
	if err != nil {
		return fmt.Errorf("insert apartment: %w", err)
	}
	return nil
}

// Get reads one apartment of the company, active or not.
func (s *store) Get(ctx context.Context, q db.Queryer, companyID, id string) (Apartment, error) {
	var a Apartment
	if err := q.Get(ctx, &a, `SELECT `+columns+` FROM apartments WHERE company_id = ? AND id = ?`, companyID, id); err != nil {
		return a, fmt.Errorf("get apartment %s: %w", id, err)
	}
	return a, nil
}

// GetForUpdate reads one apartment and locks its row until the transaction ends.
func (s *store) GetForUpdate(ctx context.Context, tx *db.Tx, companyID, id string) (Apartment, error) {
	var a Apartment
	if err := tx.Get(ctx, &a, `SELECT `+columns+` FROM apartments WHERE company_id = ? AND id = ? FOR UPDATE`, companyID, id); err != nil {
		return a, fmt.Errorf("lock apartment %s: %w", id, err)
	}
	return a, nil
}

// ByIDs reads the company's apartments among ids, active or not.
func (s *store) ByIDs(ctx context.Context, companyID string, ids []string) ([]Apartment, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	q, args, err := db.InCompany(`SELECT `+columns+` FROM apartments WHERE company_id = ? AND id IN (?)`, companyID, ids)
	if err != nil {
		return nil, fmt.Errorf("expand apartment ids: %w", err)
	}
	var out []Apartment
	if err := s.DB.Select(ctx, &out, q, args...); err != nil {
		return nil, fmt.Errorf("get apartments by id: %w", err)
	}
	return out, nil
}

// where is the filter's condition and arguments.
func (f ListFilter) where(companyID string) (string, []any) {
	where := `company_id = ? AND is_active = 1`
	args := []any{companyID}
	if f.CompoundID != "" {
		where += ` AND compound_id = ?`
		args = append(args, f.CompoundID)
	}
	if f.Status != "" {
		where += ` AND status = ?`
		args = append(args, f.Status)
	}
	return where, args
}

// Key is the filter as a cache field: the same for every page of one list.
func (f ListFilter) Key() string { return "compound=" + f.CompoundID + "&status=" + f.Status }

// Page returns one page of active apartments ordered by unit number.
func (s *store) Page(ctx context.Context, companyID string, f ListFilter) ([]Apartment, error) {
	where, args := f.where(companyID)
	out := []Apartment{}
	err := s.DB.Select(ctx, &out, `SELECT `+columns+` FROM apartments WHERE `+where+`
		ORDER BY unit_number, id LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, fmt.Errorf("list apartments: %w", err)
	}
	return out, nil
}

// Total counts the active apartments the filter selects, before paging.
func (s *store) Total(ctx context.Context, companyID string, f ListFilter) (int, error) {
	where, args := f.where(companyID)
	var total int
	if err := s.DB.Get(ctx, &total, `SELECT COUNT(*) FROM apartments WHERE `+where, args...); err != nil {
		return 0, fmt.Errorf("count apartments: %w", err)
	}
	return total, nil
}

// Search returns up to limit active apartments whose unit number or notes contain term.
func (s *store) Search(ctx context.Context, companyID, term string, limit int) ([]Apartment, error) {
	p := db.ContainsPattern(term)
	out := []Apartment{}
	err := s.DB.Select(ctx, &out, `SELECT `+columns+` FROM apartments
		WHERE company_id = ? AND is_active = 1 AND (unit_number LIKE ? OR notes LIKE ?)
		ORDER BY unit_number, id LIMIT ?`, companyID, p, p, limit)
	if err != nil {
		return nil, fmt.Errorf("search apartments: %w", err)
	}
	return out, nil
}

// Stats counts active apartments in total and per status.
func (s *store) Stats(ctx context.Context, companyID string) (Stats, error) {
	var st Stats
	err := s.DB.Get(ctx, &st, `SELECT COUNT(*) AS total,
		COALESCE(SUM(status = 'available'), 0) AS available,
		COALESCE(SUM(status = 'occupied'), 0) AS occupied,
		COALESCE(SUM(status = 'maintenance'), 0) AS maintenance,
		COALESCE(SUM(status = 'reserved'), 0) AS reserved
		FROM apartments WHERE company_id = ? AND is_active = 1`, companyID)
	if err != nil {
		return st, fmt.Errorf("apartment stats: %w", err)
	}
	return st, nil
}

// InCompound returns the active apartments of one compound ordered by unit number.
func (s *store) InCompound(ctx context.Context, companyID, compoundID string) ([]Apartment, error) {
	out := []Apartment{}
	err := s.DB.Select(ctx, &out, `SELECT `+columns+` FROM apartments
		WHERE company_id = ? AND compound_id = ? AND is_active = 1 ORDER BY unit_number, id`, companyID, compoundID)
	if err != nil {
		return nil, fmt.Errorf("list apartments of compound %s: %w", compoundID, err)
	}
	return out, nil
}

// Update writes every mutable column of a; a taken unit number is a *db.ConstraintError.
func (s *store) Update(ctx context.Context, q db.Queryer, a *Apartment) error {
	const stmt = `UPDATE apartments SET updated_at = ?, unit_number = ?, floor = ?, bedrooms = ?,
		bathrooms = ?, area_sqm = ?, monthly_rent = ?, status = ?, amenities = ?, notes = ?, is_active = ?
		WHERE company_id = ? AND id = ?`
	_, err := q.Exec(ctx, stmt, a.UpdatedAt, a.UnitNumber, a.Floor, a.Bedrooms, a.Bathrooms, a.AreaSqm,
		a.MonthlyRent, a.Status, a.Amenities, a.Notes, a.IsActive, a.CompanyID, a.ID)
	if err != nil {
		return fmt.Errorf("update apartment %s: %w", a.ID, err)
	}
	return nil
}
