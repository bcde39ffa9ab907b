package compounds

import (
	"context"
	"fmt"
	"strconv"

	"github.com/ternant/ternant/server/platform/db"
)

// store holds the compounds SQL. Every statement is scoped by company_id.
type store struct {
	DB *db.DB
}

const columns = `id, company_id, created_at, updated_at, name, address_line, city, region, country,
	geo_lat, geo_lng, notes, is_active`

// ListFilter selects compounds for a list.
type ListFilter struct {
	IncludeInactive bool
	Limit, Offset   int
}

// Insert writes a new compound.
func (s *store) Insert(ctx context.Context, c *Compound) error {
	const q = `INSERT INTO compounds (id, company_id, created_at, updated_at, name, address_line, city,
		region, country, geo_lat, geo_lng, notes, is_active)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	_, err := s.DB.Exec(ctx, q, c.ID, c.CompanyID, c.CreatedAt, c.UpdatedAt, c.Name, c.AddressLine,
		c.City, c.Region, c.Country, c.GeoLat, c.GeoLng, c.Notes, c.IsActive)
	if err != nil {
		return fmt.Errorf("insert compound: %w", err)
	}
	return nil
}

// Get reads one compound of the company, active or not. A missing row is db.ErrNotFound.
func (s *store) Get(ctx context.Context, q db.Queryer, companyID, id string) (Compound, error) {
	var c Compound
	err := q.Get(ctx, &c, `SELECT `+columns+` FROM compounds WHERE company_id = ? AND id = ?`, companyID, id)
	if err != nil {
		return c, fmt.Errorf("get compound %s: %w", id, err)
	}
	return c, nil
}

// GetForUpdate reads one compound and locks its row until the transaction ends.
func (s *store) GetForUpdate(ctx context.Context, tx *db.Tx, companyID, id string) (Compound, error) {
	var c Compound
	err := tx.Get(ctx, &c, `SELECT `+columns+` FROM compounds WHERE company_id = ? AND id = ? FOR UPDATE`, companyID, id)
	if err != nil {
		return c, fmt.Errorf("lock compound %s: %w", id, err)
	}
	return c, nil
}

// ByIDs reads the company's compounds among ids, active or not.
func (s *store) ByIDs(ctx context.Context, companyID string, ids []string) ([]Compound, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	q, args, err := db.InCompany(`SELECT `+columns+` FROM compounds WHERE company_id = ? AND id IN (?)`, companyID, ids)
	if err != nil {
		return nil, fmt.Errorf("expand compound ids: %w", err)
	}
	var out []Compound
	if err := s.DB.Select(ctx, &out, q, args...); err != nil {
		return nil, fmt.Errorf("get compounds by id: %w", err)
	}
	return out, nil
}

// where is the filter's condition and arguments.
func (f ListFilter) where(companyID string) (string, []any) {
	if f.IncludeInactive {
		return `company_id = ?`, []any{companyID}
	}
	return `company_id = ? AND is_active = 1`, []any{companyID}
}

// Key is the filter as a cache field: the same for every page of one list.
func (f ListFilter) Key() string { return "inactive=" + strconv.FormatBool(f.IncludeInactive) }

// Page returns one page of the company's compounds ordered by name.
func (s *store) Page(ctx context.Context, companyID string, f ListFilter) ([]Compound, error) {
	where, args := f.where(companyID)
	out := []Compound{}
	err := s.DB.Select(ctx, &out, `SELECT `+columns+` FROM compounds WHERE `+where+`
		ORDER BY name, id LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, fmt.Errorf("list compounds: %w", err)
	}
	return out, nil
}

// Total counts the compounds the filter selects, before paging.
func (s *store) Total(ctx context.Context, companyID string, f ListFilter) (int, error) {
	where, args := f.where(companyID)
	var total int
	if err := s.DB.Get(ctx, &total, `SELECT COUNT(*) FROM compounds WHERE `+where, args...); err != nil {
		return 0, fmt.Errorf("count compounds: %w", err)
	}
	return total, nil
}

// Search returns up to limit active compounds whose name, city or address contains term.
func (s *store) Search(ctx context.Context, companyID, term string, limit int) ([]Compound, error) {
	p := db.ContainsPattern(term)
	out := []Compound{}
	err := s.DB.Select(ctx, &out, `SELECT `+columns+` FROM compounds
		WHERE company_id = ? AND is_active = 1 AND (name LIKE ? OR city LIKE ? OR address_line LIKE ?)
		ORDER BY name, id LIMIT ?`, companyID, p, p, p, limit)
	if err != nil {
		return nil, fmt.Errorf("search compounds: %w", err)
	}
	return out, nil
}

// Count returns the number of active compounds.
func (s *store) Count(ctx context.Context, companyID string) (int, error) {
	var n int
	if err := s.DB.Get(ctx, &n, `SELECT COUNT(*) FROM compounds WHERE company_id = ? AND is_active = 1`, companyID); err != nil {
		return 0, fmt.Errorf("count compounds: %w", err)
	}
	return n, nil
}

// Update writes every mutable column of c.
func (s *store) Update(ctx context.Context, q db.Queryer, c *Compound) error {
	const stmt = `UPDATE compounds SET updated_at = ?, name = ?, address_line = ?, city = ?, region = ?,
		country = ?, geo_lat = ?, geo_lng = ?, notes = ?, is_active = ? WHERE company_id = ? AND id = ?`
	_, err := q.Exec(ctx, stmt, c.UpdatedAt, c.Name, c.AddressLine, c.City, c.Region, c.Country,
		c.GeoLat, c.GeoLng, c.Notes, c.IsActive, c.CompanyID, c.ID)
	if err != nil {
		return fmt.Errorf("update compound %s: %w", c.ID, err)
	}
	return nil
}
