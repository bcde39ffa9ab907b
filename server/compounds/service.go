package compounds

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/platform/cache"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/dbtypes"
)

// SearchLimit caps a search's results.
const SearchLimit = 50

// DefaultCacheTTL is how long a compound read stays cached (TernantApp's 300000 ms).
const DefaultCacheTTL = 5 * time.Minute

// Service holds the compound rules.
type Service struct {
	store *store
	DB    *db.DB
	// Cache, when set, serves GET /compounds/:id for TTL (DefaultCacheTTL when zero); every write
	// drops the entry after it commits.
	Cache *cache.Cache
	TTL   time.Duration
	// ListCache, when set, caches the list's counts and pages per company; every write drops them.
	ListCache *cache.ListCache
	// InvalidateApartmentLists, when set, is called after every committed write: the apartments
	// list embeds each apartment's compound.
	InvalidateApartmentLists func(ctx context.Context, companyID string)
}

// NewService returns a service over database without a cache.
func NewService(database *db.DB) *Service {
	return &Service{store: &store{DB: database}, DB: database}
}

// cacheKey names a compound's cache entry. The company is part of the key so that a shared load
// (concurrent misses collapse into one) is always the caller's own company's.
func cacheKey(companyID, id string) string { return cache.CompoundKey(companyID + ":" + id) }

// NotFound is TernantApp's 404 for a compound id.
func NotFound(id string) error {
	return httpx.NotFound(fmt.Sprintf("Compound with ID %s not found", id))
}

// notFound maps db.ErrNotFound to the compound 404.
func notFound(id string, err error) error {
	if errors.Is(err, db.ErrNotFound) {
		return NotFound(id)
	}
	return err
}

// Create inserts a compound and returns it as stored.
func (s *Service) Create(ctx context.Context, companyID string, in CreateInput) (Compound, error) {
	if msgs := checkCoords(in.GeoLat, in.GeoLng); len(msgs) > 0 {
		return Compound{}, httpx.Invalid(msgs...)
	}
	id, err := uuid.NewV7()
	if err != nil {
		return Compound{}, fmt.Errorf("new compound id: %w", err)
	}
	now := dbtypes.Now()
	c := Compound{
		ID: id.String(), CompanyID: companyID, CreatedAt: now, UpdatedAt: now,
		Name: in.Name, AddressLine: in.AddressLine, City: in.City, Region: in.Region, Country: in.Country,
		GeoLat: in.GeoLat, GeoLng: in.GeoLng, Notes: in.Notes, IsActive: in.IsActive == nil || *in.IsActive,
	}
	if err := s.store.Insert(ctx, &c); err != nil {
		return Compound{}, err
	}
	s.invalidate(ctx, companyID)
	return s.Get(ctx, companyID, c.ID)
}

// Get returns one of the company's compounds, active or not, through the cache when there is one.
func (s *Service) Get(ctx context.Context, companyID, id string) (Compound, error) {
	load := func(ctx context.Context) (Compound, error) {
		c, err := s.store.Get(ctx, s.DB, companyID, id)
		return c, notFound(id, err)
	}
	if s.Cache == nil || !cache.Canonical(companyID) || !cache.Canonical(id) {
		// An id matched only through the collation (another letter case) would be cached under a
		// key that writers never drop.
		return load(ctx)
	}
	ttl := s.TTL
	if ttl <= 0 {
		ttl = DefaultCacheTTL
	}
	return cache.Fetch(ctx, s.Cache, cache.Compound, cacheKey(companyID, id), ttl, load)
}

// List returns a page of compounds and the total.
func (s *Service) List(ctx context.Context, companyID string, f ListFilter) ([]Compound, int, error) {
	rows, err := s.store.Page(ctx, companyID, f)
	if err != nil {
		return nil, 0, err
	}
	total, err := s.ListCache.PageTotal(ctx, companyID, f.Key(), len(rows), f.Limit, f.Offset,
		func(ctx context.Context) (int, error) { return s.store.Total(ctx, companyID, f) })
	return rows, total, err
}

// Search finds active compounds by name, city or address.
func (s *Service) Search(ctx context.Context, companyID, term string) ([]Compound, error) {
	return s.store.Search(ctx, companyID, term, SearchLimit)
}

// Count counts active compounds.
func (s *Service) Count(ctx context.Context, companyID string) (int, error) {
	return s.store.Count(ctx, companyID)
}

// Update applies a partial update under a row lock and returns the stored result.
func (s *Service) Update(ctx context.Context, companyID, id string, in UpdateInput) (Compound, error) {
	if msgs := checkCoords(in.GeoLat, in.GeoLng); len(msgs) > 0 {
		return Compound{}, httpx.Invalid(msgs...)
	}
	return s.modify(ctx, companyID, id, in.apply)
}

// Delete soft-deletes a compound (isActive=false).
func (s *Service) Delete(ctx context.Context, companyID, id string) error {
	_, err := s.modify(ctx, companyID, id, func(c *Compound) { c.IsActive = false })
	return err
}

// Activate restores a soft-deleted compound.
func (s *Service) Activate(ctx context.Context, companyID, id string) (Compound, error) {
	return s.modify(ctx, companyID, id, func(c *Compound) { c.IsActive = true })
}

// invalidate drops the compound lists and whatever embeds compounds after a committed write.
func (s *Service) invalidate(ctx context.Context, companyID string) {
	s.ListCache.Invalidate(ctx, companyID)
	if s.InvalidateApartmentLists != nil {
		s.InvalidateApartmentLists(ctx, companyID)
	}
}

// modify locks the row, applies change and writes it back in one transaction.
func (s *Service) modify(ctx context.Context, companyID, id string, change func(*Compound)) (Compound, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.store.GetForUpdate(ctx, tx, companyID, id)
		if err != nil {
			return notFound(id, err)
		}
		change(&c)
		c.UpdatedAt = dbtypes.Now()
		return s.store.Update(ctx, tx, &c)
	})
	if err != nil {
		return Compound{}, err
	}
	if s.Cache != nil {
		s.Cache.Invalidate(ctx, cacheKey(companyID, id))
	}
	s.invalidate(ctx, companyID)
	c, err := s.store.Get(ctx, s.DB, companyID, id)
	return c, notFound(id, err)
}

// RequireActive reports whether id is an active compound of the company: nil if so, db.ErrNotFound
// otherwise.
func (s *Service) RequireActive(ctx context.Context, q db.Queryer, companyID, id string) error {
	c, err := s.store.Get(ctx, q, companyID, id)
	if err != nil {
		return err
	}
	if !c.IsActive {
		return fmt.Errorf("compound %s is inactive: %w", id, db.ErrNotFound)
	}
	return nil
}

// ByIDs returns the company's compounds among ids, keyed by id (for includes).
func (s *Service) ByIDs(ctx context.Context, companyID string, ids []string) (map[string]Compound, error) {
	rows, err := s.store.ByIDs(ctx, companyID, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Compound, len(rows))
	for _, c := range rows {
		out[c.ID] = c
	}
	return out, nil
}
