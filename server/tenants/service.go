package tenants

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/platform/cache"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/dbtypes"
)

// SearchLimit caps a search's results.
const SearchLimit = 50

// msgNoCompany answers a caller without a company (a super admin) who tries to create a tenant.
const msgNoCompany = "Insufficient permissions"

// StatusBlacklisted is the status POST /tenants/:id/blacklist sets.
const StatusBlacklisted = "blacklisted"

// Service holds the tenant rules.
type Service struct {
	store *store
	DB    *db.DB
	// ListCache, when set, caches the list's counts and pages per company; every write drops them.
	ListCache *cache.ListCache
}

// NewService returns a service over database.
func NewService(database *db.DB) *Service {
	return &Service{store: &store{DB: database}, DB: database}
}

// NotFound is TernantApp's 404 for a tenant id.
func NotFound(id string) error {
	return httpx.NotFound(fmt.Sprintf("Tenant with ID %s not found", id))
}

func notFound(id string, err error) error {
	if errors.Is(err, db.ErrNotFound) {
		return NotFound(id)
	}
	return err
}

// conflict maps the (company, email) unique key to TernantApp's 409.
func conflict(email string, err error) error {
	if errors.Is(err, db.ErrConflict) {
		return httpx.Conflict(fmt.Sprintf("Tenant with email '%s' already exists", email))
	}
	return err
}

// Create inserts a tenant. The database's unique key decides a duplicate email, so two concurrent
// creates cannot both win.
func (s *Service) Create(ctx context.Context, companyID string, c CreateInput) (Tenant, error) {
	in := Input(c)
	if msgs := in.checkIncome(); len(msgs) > 0 {
		return Tenant{}, httpx.Invalid(msgs...)
	}
	if companyID == "" {
		// A super admin has no company; a renter always belongs to one.
		return Tenant{}, httpx.Forbidden(msgNoCompany)
	}
	id, err := uuid.NewV7()
	if err != nil {
		return Tenant{}, fmt.Errorf("new tenant id: %w", err)
	}
	now := dbtypes.Now()
	t := Tenant{ID: id.String(), CompanyID: companyID, CreatedAt: now, UpdatedAt: now, Status: "active", IsActive: true}
	in.apply(&t)
	if err := s.store.Insert(ctx, &t); err != nil {
		return Tenant{}, conflict(t.Email, err)
	}
	s.ListCache.Invalidate(ctx, companyID)
	return s.Get(ctx, companyID, t.ID)
}

// Get returns one tenant, active or not.
func (s *Service) Get(ctx context.Context, companyID, id string) (Tenant, error) {
	t, err := s.store.Get(ctx, s.DB, companyID, id)
	return t, notFound(id, err)
}

// RequireActive returns an active tenant of the company, or the tenant 404.
func (s *Service) RequireActive(ctx context.Context, q db.Queryer, companyID, id string) (Tenant, error) {
	t, err := s.store.Get(ctx, q, companyID, id)
	if err != nil {
		return t, notFound(id, err)
	}
	if !t.IsActive {
		return t, NotFound(id)
	}
	return t, nil
}

// ByIDs returns the company's tenants among ids keyed by id (for includes).
func (s *Service) ByIDs(ctx context.Context, companyID string, ids []string) (map[string]Tenant, error) {
	rows, err := s.store.ByIDs(ctx, companyID, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Tenant, len(rows))
	for _, t := range rows {
		out[t.ID] = t
	}
	return out, nil
}

// List returns a page of tenants and the total.
func (s *Service) List(ctx context.Context, companyID string, f ListFilter) ([]Tenant, int, error) {
	rows, err := s.store.Page(ctx, companyID, f)
	if err != nil {
		return nil, 0, err
	}
	total, err := s.ListCache.PageTotal(ctx, companyID, f.Key(), len(rows), f.Limit, f.Offset,
		func(ctx context.Context) (int, error) { return s.store.Total(ctx, companyID, f) })
	return rows, total, err
}

// Search finds active tenants by name, email or phone.
func (s *Service) Search(ctx context.Context, companyID, term string) ([]Tenant, error) {
	return s.store.Search(ctx, companyID, term, SearchLimit)
}

// Count counts active tenants, optionally of one status.
func (s *Service) Count(ctx context.Context, companyID, status string) (int, error) {
	return s.store.Count(ctx, companyID, status)
}

// Stats counts active tenants per status.
func (s *Service) Stats(ctx context.Context, companyID string) (Stats, error) {
	return s.store.Stats(ctx, companyID)
}

// Update applies a partial update under a row lock.
func (s *Service) Update(ctx context.Context, companyID, id string, in Input) (Tenant, error) {
	if msgs := in.checkIncome(); len(msgs) > 0 {
		return Tenant{}, httpx.Invalid(msgs...)
	}
	return s.modify(ctx, companyID, id, in.apply)
}

// SetStatus changes only the status.
func (s *Service) SetStatus(ctx context.Context, companyID, id string, in StatusInput) (Tenant, error) {
	return s.modify(ctx, companyID, id, func(t *Tenant) { t.Status = in.Status })
}

// Blacklist sets the blacklisted status and, given a reason, appends it to the notes with a
// timestamp.
func (s *Service) Blacklist(ctx context.Context, companyID, id string, in BlacklistInput) (Tenant, error) {
	reason := in.Reason
	return s.modify(ctx, companyID, id, func(t *Tenant) {
		t.Status = StatusBlacklisted
		if reason == nil || *reason == "" {
			return
		}
		note := fmt.Sprintf("\n[BLACKLISTED %s]: %s", dbtypes.Now().UTC().Format(dbtypes.ISOLayout), *reason)
		if t.Notes != nil {
			note = *t.Notes + note
		}
		t.Notes = &note
	})
}

// AddDocument appends a document stamped with the current time.
func (s *Service) AddDocument(ctx context.Context, companyID, id string, in DocumentInput) (Tenant, error) {
	doc := Document{Type: in.Type, FileName: in.FileName, FileURL: in.FileURL, UploadedAt: dbtypes.Now()}
	return s.modify(ctx, companyID, id, func(t *Tenant) {
		t.Documents = dbtypes.JSONOf(append(t.Documents.V, doc))
	})
}

// AddReference appends a reference.
func (s *Service) AddReference(ctx context.Context, companyID, id string, ref Reference) (Tenant, error) {
	return s.modify(ctx, companyID, id, func(t *Tenant) {
		t.References = dbtypes.JSONOf(append(t.References.V, ref))
	})
}

// Delete soft-deletes a tenant.
func (s *Service) Delete(ctx context.Context, companyID, id string) error {
	_, err := s.modify(ctx, companyID, id, func(t *Tenant) { t.IsActive = false })
	return err
}

// Activate restores a soft-deleted tenant.
func (s *Service) Activate(ctx context.Context, companyID, id string) (Tenant, error) {
	return s.modify(ctx, companyID, id, func(t *Tenant) { t.IsActive = true })
}

// modify locks the row, applies change and writes it back in one transaction; read-modify-write
// of the JSON columns therefore never loses a concurrent append.
func (s *Service) modify(ctx context.Context, companyID, id string, change func(*Tenant)) (Tenant, error) {
	var email string
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		t, err := s.store.GetForUpdate(ctx, tx, companyID, id)
		if err != nil {
			return notFound(id, err)
		}
		change(&t)
		email = t.Email
		t.UpdatedAt = dbtypes.Now()
		return s.store.Update(ctx, tx, &t)
	})
	if err != nil {
		return Tenant{}, conflict(email, err)
	}
	s.ListCache.Invalidate(ctx, companyID)
	return s.Get(ctx, companyID, id)
}
