package apartments

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/ternant/ternant/server/compounds"
	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/platform/cache"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/dbtypes"
)

// SearchLimit caps a search's results.
const SearchLimit = 50

// Messages TernantApp's clients match on.
const (
	msgCompoundNotOwned = "Compound not found or does not belong to your company"
	msgDeleteOccupied   = "Cannot delete an occupied apartment. Please end the occupancy first."
)

// Service holds the apartment rules.
type Service struct {
	store     *store
	DB        *db.DB
	Compounds *compounds.Service
	// InvalidateDashboard is called after every committed write (they change the dashboard's unit counts);
	// nil is a no-op.
	InvalidateDashboard func(ctx context.Context, companyID string)
	// ListCache, when set, caches the list's counts and pages per company; every write drops them.
	ListCache *cache.ListCache
}

// NewService returns a service over database that checks compounds through cs.
func NewService(database *db.DB, cs *compounds.Service) *Service {
	return &Service{store: &store{DB: database}, DB: database, Compounds: cs}
}

// NotFound is TernantApp's 404 for an apartment id.
func NotFound(id string) error {
	return httpx.NotFound(fmt.Sprintf("Apartment with ID %s not found", id))
}

func notFound(id string, err error) error {
	if errors.Is(err, db.ErrNotFound) {
		return NotFound(id)
	}
	return err
}

// conflict maps the unit-number unique key to TernantApp's 409.
func conflict(unit string, err error) error {
	if errors.Is(err, db.ErrConflict) {
		return httpx.Conflict(fmt.Sprintf("Unit number '%s' already exists in this compound", unit))
	}
	return err
}

func (s *Service) invalidate(ctx context.Context, companyID string) {
	s.ListCache.Invalidate(ctx, companyID)
	if s.InvalidateDashboard != nil {
		s.InvalidateDashboard(ctx, companyID)
	}
}

// Create inserts an apartment into one of the company's active compounds.
func (s *Service) Create(ctx context.Context, companyID string, in CreateInput) (Apartment, error) {
	if msgs := checkAmounts(in.AreaSqm, in.MonthlyRent); len(msgs) > 0 {
		return Apartment{}, httpx.Invalid(msgs...)
	}
	if err := s.Compounds.RequireActive(ctx, s.DB, companyID, in.CompoundID); err != nil {
		if errors.Is(err, db.ErrNotFound) {
			return Apartment{}, httpx.BadRequest(msgCompoundNotOwned)
		}
		return Apartment{}, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return Apartment{}, fmt.Errorf("new apartment id: %w", err)
	}
	now := dbtypes.Now()
	a := Apartment{
		ID: id.String(), CompanyID: companyID, CreatedAt: now, UpdatedAt: now,
		CompoundID: in.CompoundID, UnitNumber: in.UnitNumber, Floor: in.Floor, Bedrooms: in.Bedrooms,
		Bathrooms: in.Bathrooms, AreaSqm: in.AreaSqm, MonthlyRent: in.MonthlyRent, Status: "available",
		Notes: in.Notes, IsActive: true,
	}
	if in.Status != nil {
		a.Status = *in.Status
	}
	if in.Amenities != nil {
		a.Amenities = dbtypes.JSONOf(*in.Amenities)
	}
	if err := s.store.Insert(ctx, &a); err != nil {
		return Apartment{}, conflict(a.UnitNumber, err)
	}
	s.invalidate(ctx, companyID)
	out, err := s.store.Get(ctx, s.DB, companyID, a.ID)
	return out, notFound(a.ID, err)
}

// Get returns one apartment, active or not, with its compound.
func (s *Service) Get(ctx context.Context, companyID, id string) (Apartment, error) {
	a, err := s.store.Get(ctx, s.DB, companyID, id)
	if err != nil {
		return a, notFound(id, err)
	}
	list := []Apartment{a}
	if err := s.withCompounds(ctx, companyID, list); err != nil {
		return a, err
	}
	return list[0], nil
}

// List returns a page of active apartments with their compounds, and the total.
func (s *Service) List(ctx context.Context, companyID string, f ListFilter) ([]Apartment, int, error) {
	rows, err := s.store.Page(ctx, companyID, f)
	if err != nil {
		return nil, 0, err
	}
	total, err := s.ListCache.PageTotal(ctx, companyID, f.Key(), len(rows), f.Limit, f.Offset,
		func(ctx context.Context) (int, error) { return s.store.Total(ctx, companyID, f) })
	if err != nil {
		return nil, 0, err
	}
	return rows, total, s.withCompounds(ctx, companyID, rows)
}

// withCompounds fills each apartment's compound include with one query.
func (s *Service) withCompounds(ctx context.Context, companyID string, rows []Apartment) error {
	ids := make([]string, 0, len(rows))
	for _, a := range rows {
		ids = append(ids, a.CompoundID)
	}
	byID, err := s.Compounds.ByIDs(ctx, companyID, ids)
	if err != nil {
		return err
	}
	for i := range rows {
		if c, ok := byID[rows[i].CompoundID]; ok {
			rows[i].Compound = &c
		}
	}
	return nil
}

// Search finds active apartments by unit number or notes.
func (s *Service) Search(ctx context.Context, companyID, term string) ([]Apartment, error) {
	return s.store.Search(ctx, companyID, term, SearchLimit)
}

// Stats counts active apartments per status.
func (s *Service) Stats(ctx context.Context, companyID string) (Stats, error) {
	return s.store.Stats(ctx, companyID)
}

// CompoundStats returns a compound (404 if it is not the company's) with its active apartments.
func (s *Service) CompoundStats(ctx context.Context, companyID, compoundID string) (CompoundStats, error) {
	c, err := s.Compounds.Get(ctx, companyID, compoundID)
	if err != nil {
		return CompoundStats{}, err
	}
	rows, err := s.store.InCompound(ctx, companyID, compoundID)
	if err != nil {
		return CompoundStats{}, err
	}
	return CompoundStats{Compound: c, Apartments: rows}, nil
}

// Update applies a partial update under a row lock.
func (s *Service) Update(ctx context.Context, companyID, id string, in UpdateInput) (Apartment, error) {
	if msgs := checkAmounts(in.AreaSqm, in.MonthlyRent); len(msgs) > 0 {
		return Apartment{}, httpx.Invalid(msgs...)
	}
	return s.modify(ctx, companyID, id, func(a *Apartment) error { in.apply(a); return nil })
}

// SetStatus changes only the status.
func (s *Service) SetStatus(ctx context.Context, companyID, id string, in StatusInput) (Apartment, error) {
	return s.modify(ctx, companyID, id, func(a *Apartment) error { a.Status = in.Status; return nil })
}

// Delete soft-deletes an apartment unless it is occupied.
func (s *Service) Delete(ctx context.Context, companyID, id string) error {
	_, err := s.modify(ctx, companyID, id, func(a *Apartment) error {
		if a.Status == StatusOccupied {
			return httpx.BadRequest(msgDeleteOccupied)
		}
		a.IsActive = false
		return nil
	})
	return err
}

// Activate restores a soft-deleted apartment.
func (s *Service) Activate(ctx context.Context, companyID, id string) (Apartment, error) {
	return s.modify(ctx, companyID, id, func(a *Apartment) error { a.IsActive = true; return nil })
}

// modify locks the row, applies change and writes it back in one transaction, then returns the
// stored row.
func (s *Service) modify(ctx context.Context, companyID, id string, change func(*Apartment) error) (Apartment, error) {
	var unit string
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		a, err := s.store.GetForUpdate(ctx, tx, companyID, id)
		if err != nil {
			return notFound(id, err)
		}
		if err := change(&a); err != nil {
			return err
		}
		unit = a.UnitNumber
		a.UpdatedAt = dbtypes.Now()
		return s.store.Update(ctx, tx, &a)
	})
	if err != nil {
		return Apartment{}, conflict(unit, err)
	}
	s.invalidate(ctx, companyID)
	out, err := s.store.Get(ctx, s.DB, companyID, id)
	return out, notFound(id, err)
}

// LockActive locks an active apartment of the company inside tx, so that concurrent lease writes
// for the same apartment run one after another. A missing, foreign or inactive apartment is the
// apartment 404.
func (s *Service) LockActive(ctx context.Context, tx *db.Tx, companyID, id string) (Apartment, error) {
	a, err := s.store.GetForUpdate(ctx, tx, companyID, id)
	if err != nil {
		return a, notFound(id, err)
	}
	if !a.IsActive {
		return a, NotFound(id)
	}
	return a, nil
}

// Lock locks an apartment of the company inside tx, active or not.
func (s *Service) Lock(ctx context.Context, tx *db.Tx, companyID, id string) (Apartment, error) {
	a, err := s.store.GetForUpdate(ctx, tx, companyID, id)
	return a, notFound(id, err)
}

// ByIDs returns the company's apartments among ids keyed by id; withCompound also fills each
// apartment's compound.
func (s *Service) ByIDs(ctx context.Context, companyID string, ids []string, withCompound bool) (map[string]Apartment, error) {
	rows, err := s.store.ByIDs(ctx, companyID, ids)
	if err != nil {
		return nil, err
	}
	if withCompound {
		if err := s.withCompounds(ctx, companyID, rows); err != nil {
			return nil, err
		}
	}
	out := make(map[string]Apartment, len(rows))
	for _, a := range rows {
		out[a.ID] = a
	}
	return out, nil
}
