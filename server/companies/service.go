package companies

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ternant/ternant/server/auth"
	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/identity"
	"github.com/ternant/ternant/server/platform/cache"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/users"
)

// TernantApp's messages.
const (
	MsgSlugTaken  = "Company with this slug already exists"
	MsgEmailTaken = "Email address is already registered"
)

// Service holds the company rules.
type Service struct {
	DB    *db.DB
	Users *users.Service
	Auth  *auth.Service
	// Cache, when set, serves GET /companies/:id and /companies/slug/:slug for TTL (nothing is
	// stored when TTL is zero). Every change goes through Modify, which drops the company's entries
	// after it commits. Only companies are cached, never a 404: a company registered later is
	// found at once.
	Cache *cache.Cache
	TTL   time.Duration
}

// NewService returns the service over database. Users are created through us, a registered owner
// is logged in through a, and reads are cached in c for ttl.
func NewService(database *db.DB, us *users.Service, a *auth.Service, c *cache.Cache, ttl time.Duration) *Service {
	return &Service{DB: database, Users: us, Auth: a, Cache: c, TTL: ttl}
}

// NotFound is the 404 for a company id.
func NotFound(id string) *httpx.Error {
	return httpx.NotFound(fmt.Sprintf("Company with ID %s not found", id))
}

// Slugify lowercases s and turns every run of other characters into one dash.
func Slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimRight(b.String(), "-")
}

// NewCompany is what creating a company needs.
type NewCompany struct {
	Name, Slug              string
	Email, Phone            *string
	Currency, Timezone      *string
	EmailSettings, Branding dbtypes.RawJSON
	ReminderPreferences     dbtypes.RawJSON
}

// insertNew creates a company inside q. A taken slug is a 409 with TernantApp's message.
func insertNew(ctx context.Context, q db.Queryer, n NewCompany) (*Company, error) {
	c := &Company{ID: uuid.Must(uuid.NewV7()).String(), Name: n.Name, Slug: Slugify(n.Slug), Email: n.Email,
		Phone: n.Phone, Currency: "USD", Timezone: "UTC", EmailSettings: EmailSettingsJSON(n.EmailSettings), Branding: n.Branding,
		ReminderPreferences: n.ReminderPreferences, IsActive: true}
	if c.Slug == "" {
		return nil, httpx.Invalid("slug must match /^[a-z0-9-]+$/ regular expression")
	}
	if n.Currency != nil {
		c.Currency = *n.Currency
	}
	if n.Timezone != nil {
		c.Timezone = *n.Timezone
	}
	if len(c.ReminderPreferences) == 0 {
		c.ReminderPreferences = dbtypes.RawJSON(DefaultReminderPreferences)
	}
	err := insert(ctx, q, c)
	if errors.Is(err, db.ErrConflict) {
		return nil, httpx.Conflict(MsgSlugTaken)
	}
	if err != nil {
		return nil, err
	}
	return get(ctx, q, c.ID)
}

// CreateWithOwner creates a company and its OWNER in one transaction. The owner's email must be
// new in every company (409 Email address is already registered); the check locks the email so
// concurrent creations serialise.
func (s *Service) CreateWithOwner(ctx context.Context, nc NewCompany, owner users.NewUser) (*Company, *users.User, error) {
	var c *Company
	var u *users.User
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		taken, err := s.Users.EmailTaken(ctx, tx, owner.Email)
		if err != nil {
			return err
		}
		if taken {
			return httpx.Conflict(MsgEmailTaken)
		}
		if c, err = insertNew(ctx, tx, nc); err != nil {
			return err
		}
		owner.CompanyID, owner.Role = &c.ID, string(identity.Owner)
		u, err = s.Users.Insert(ctx, tx, owner)
		if errors.Is(err, db.ErrConflict) {
			return httpx.Conflict(MsgEmailTaken)
		}
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return c, u, nil
}

// Register creates a company and its owner in one transaction and logs the owner in. The slug's
// uniqueness is decided by the database, not a cache; the owner's email must be new in every
// company.
func (s *Service) Register(ctx context.Context, req RegisterInput, client auth.Client) (*RegisterResponse, error) {
	rc, o := req.Company, req.Owner
	c, u, err := s.CreateWithOwner(ctx,
		NewCompany{Name: rc.Name, Slug: rc.Slug, Email: &rc.Email, Phone: &rc.Phone, Currency: &rc.Currency, Timezone: &rc.Timezone},
		users.NewUser{FirstName: o.FirstName, LastName: o.LastName, Email: o.Email, Password: o.Password, Phone: &o.Phone})
	if err != nil {
		return nil, err
	}
	out := RegisterResponse{Message: "Company registered successfully", Company: c, User: u}
	out.Tokens, err = s.Auth.Issue(ctx, identity.Principal{UserID: u.ID, CompanyID: u.CompanyID, Email: u.Email,
		Role: identity.Role(u.Role)}, client)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Create is POST /companies (an owner creating another company).
func (s *Service) Create(ctx context.Context, req CreateInput) (*Company, error) {
	n := NewCompany{Name: req.Name, Slug: req.Slug, Email: req.Email, Phone: req.Phone, Currency: req.Currency,
		Timezone: req.Timezone}
	var err error
	if n.EmailSettings, err = jsonOf(req.EmailSettings); err != nil {
		return nil, err
	}
	if n.ReminderPreferences, err = jsonOf(req.ReminderPreferences); err != nil {
		return nil, err
	}
	if n.Branding, err = jsonOf(req.Branding); err != nil {
		return nil, err
	}
	return insertNew(ctx, s.DB, n)
}

// visible returns the caller's own company; any other id is 404 (TernantApp did not check). It
// runs on every read, cached or not, so a cached company never answers another company's caller.
func (s *Service) visible(p *identity.Principal, c *Company, err error, key string) (*Company, error) {
	if errors.Is(err, db.ErrNotFound) || (err == nil && c.ID != p.Company()) {
		return nil, NotFound(key)
	}
	return c, err
}

// Get is GET /companies/:id. Only the caller's own id can be answered, so no other id is looked up
// in the cache; an id that the database matches only through its collation (another letter case)
// is read uncached.
func (s *Service) Get(ctx context.Context, p *identity.Principal, id string) (*Company, error) {
	load := func(ctx context.Context) (*Company, error) { return get(ctx, s.DB, id) }
	if id != p.Company() || !cache.Canonical(id) {
		c, err := load(ctx)
		return s.visible(p, c, err, id)
	}
	c, err := cache.Fetch(ctx, s.Cache, cache.Company, cache.CompanyKey(id), s.TTL, load)
	return s.visible(p, c, err, id)
}

// GetBySlug is GET /companies/slug/:slug. Any company may be loaded and cached under its slug;
// visible then answers 404 unless it is the caller's.
func (s *Service) GetBySlug(ctx context.Context, p *identity.Principal, slug string) (*Company, error) {
	load := func(ctx context.Context) (*Company, error) { return getBySlug(ctx, s.DB, slug) }
	if !cache.Canonical(slug) {
		c, err := load(ctx)
		return s.visible(p, c, err, slug)
	}
	c, err := cache.Fetch(ctx, s.Cache, cache.Company, cache.CompanySlugKey(slug), s.TTL, load)
	return s.visible(p, c, err, slug)
}

// ByID is any company by id, whoever asks (the super-admin console and the company a login
// answers with); a missing one is its 404. It reads the row, never the cache: these callers read
// right after a write, and must neither see nor refill an entry the write is dropping.
func (s *Service) ByID(ctx context.Context, id string) (*Company, error) {
	c, err := get(ctx, s.DB, id)
	if errors.Is(err, db.ErrNotFound) {
		return nil, NotFound(id)
	}
	return c, err
}

// LoginCompany is the company a login answers with (auth.CompanyLoader).
func (s *Service) LoginCompany(ctx context.Context, id string) (any, error) { return s.ByID(ctx, id) }

// List returns a page of every company, newest first, optionally matching search on name, slug or
// email, and the total (the super-admin console).
func (s *Service) List(ctx context.Context, search string, limit, offset int) ([]Company, int, error) {
	return list(ctx, s.DB, search, limit, offset)
}

// own loads the caller's company for a write, bypassing the cache.
func (s *Service) own(ctx context.Context, p *identity.Principal, id string) (*Company, error) {
	c, err := get(ctx, s.DB, id)
	return s.visible(p, c, err, id)
}

// Changes turns an update request into column values (shared with the super admin).
func Changes(req UpdateInput) (map[string]any, error) {
	set := map[string]any{}
	put := func(col string, v *string) {
		if v != nil {
			set[col] = *v
		}
	}
	put("name", req.Name)
	put("email", req.Email)
	put("phone", req.Phone)
	put("currency", req.Currency)
	put("timezone", req.Timezone)
	if req.Slug != nil {
		slug := Slugify(*req.Slug)
		if slug == "" {
			return nil, httpx.Invalid("slug must match /^[a-z0-9-]+$/ regular expression")
		}
		set["slug"] = slug
	}
	if req.IsActive != nil {
		set["is_active"] = *req.IsActive
	}
	for col, v := range map[string]any{"email_settings": req.EmailSettings, "reminder_preferences": req.ReminderPreferences, "branding": req.Branding} {
		j, err := jsonOf(v)
		if err != nil {
			return nil, err
		}
		if j != nil {
			set[col] = j
		}
	}
	return set, nil
}

// Update is PATCH /companies/:id.
func (s *Service) Update(ctx context.Context, p *identity.Principal, id string, req UpdateInput) (*Company, error) {
	if _, err := s.own(ctx, p, id); err != nil {
		return nil, err
	}
	if req.IsActive != nil && p.Role != identity.Owner {
		// Deactivating the company logs everyone out: the owner's decision alone.
		return nil, httpx.Forbidden("Insufficient permissions")
	}
	err := s.Modify(ctx, id, func(*Company) (map[string]any, error) { return Changes(req) })
	if err != nil {
		return nil, err
	}
	return s.own(ctx, p, id)
}

// Deactivate is DELETE /companies/:id: isActive=false.
func (s *Service) Deactivate(ctx context.Context, p *identity.Principal, id string) error {
	if _, err := s.own(ctx, p, id); err != nil {
		return err
	}
	return s.Modify(ctx, id, func(*Company) (map[string]any, error) { return map[string]any{"is_active": false}, nil })
}

// Modify is the one way a company changes (its own routes and the super admin's). It locks the
// row, lets change decide the columns to set from the row as it is (an error aborts), writes
// them, and once committed drops the company's cached reads: by id, by the slug it had and by the
// slug it has now. The lock makes the old slug the one actually replaced, even when renames race.
// An unknown id is 404; a taken slug is 409.
func (s *Service) Modify(ctx context.Context, id string, change func(*Company) (map[string]any, error)) error {
	var stale []string
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		c, err := getForUpdate(ctx, tx, id)
		if errors.Is(err, db.ErrNotFound) {
			return NotFound(id)
		}
		if err != nil {
			return err
		}
		set, err := change(c)
		if err != nil {
			return err
		}
		if err := keepSMTPPassword(set, c.EmailSettings); err != nil {
			return err
		}
		err = update(ctx, tx, c.ID, set)
		if errors.Is(err, db.ErrConflict) {
			return httpx.Conflict(MsgSlugTaken)
		}
		stale = []string{cache.CompanyKey(c.ID), cache.CompanySlugKey(c.Slug)}
		if slug, ok := set["slug"].(string); ok && slug != c.Slug {
			stale = append(stale, cache.CompanySlugKey(slug))
		}
		return err
	})
	if err == nil {
		s.Cache.Invalidate(ctx, stale...)
	}
	return err
}

// jsonOf encodes an optional nested object (nil pointer: nil).
func jsonOf(v any) (dbtypes.RawJSON, error) {
	if v == nil {
		return nil, nil
	}
	switch t := v.(type) {
	case *EmailSettings:
		if t == nil {
			return nil, nil
		}
	case *ReminderPreferences:
		if t == nil {
			return nil, nil
		}
	case *Branding:
		if t == nil {
			return nil, nil
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode settings: %w", err)
	}
	return dbtypes.RawJSON(b), nil
}
