package users

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/identity"
	"github.com/ternant/ternant/server/platform/cache"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/dbtypes"
)

// Sessions ends a user's sessions (the auth service); a deactivated user is logged out at once.
type Sessions interface {
	RevokeUser(ctx context.Context, userID string) error
}

// Service holds the user rules.
type Service struct {
	DB       *db.DB
	Sessions Sessions
	// Hash hashes a password at the configured bcrypt cost.
	Hash func(pw string) (string, error)
	// Cache, when set, serves GET /users/:id for TTL (nothing is stored when TTL is zero): the
	// response model, which has no password hash or one-time token. Every write to a user drops
	// its entry after it commits; a 404 is never cached.
	Cache *cache.Cache
	TTL   time.Duration
}

// NewService returns the service over database: sessions end a deactivated user's sessions, hash
// hashes passwords, and reads are cached in c for ttl.
func NewService(database *db.DB, sessions Sessions, hash func(pw string) (string, error), c *cache.Cache, ttl time.Duration) *Service {
	return &Service{DB: database, Sessions: sessions, Hash: hash, Cache: c, TTL: ttl}
}

// MsgDuplicateInCompany is the 409 for an email already used in the company.
const MsgDuplicateInCompany = "User with this email already exists in your company"

// NotFound is the 404 for a user id.
func NotFound(id string) *httpx.Error {
	return httpx.NotFound(fmt.Sprintf("User with ID %s not found", id))
}

// Insert creates a user inside q (a transaction when the caller has one). A duplicate email in the
// same company is db.ErrConflict.
func (s *Service) Insert(ctx context.Context, q db.Queryer, n NewUser) (*User, error) {
	hash, err := s.Hash(n.Password)
	if err != nil {
		return nil, err
	}
	u := &User{ID: uuid.Must(uuid.NewV7()).String(), CompanyID: n.CompanyID, FirstName: n.FirstName,
		LastName: n.LastName, Email: n.Email, PasswordHash: hash, Role: n.Role, IsSuperAdmin: n.IsSuperAdmin,
		Status: StatusActive}
	if n.Phone != nil {
		if u.Profile, err = setPhone(nil, *n.Phone); err != nil {
			return nil, err
		}
	}
	if err := insert(ctx, q, u); err != nil {
		return nil, err
	}
	return getAny(ctx, q, u.ID)
}

// EmailTaken reports whether any company already has a user with email (registration's rule).
func (s *Service) EmailTaken(ctx context.Context, q db.Queryer, email string) (bool, error) {
	return emailTaken(ctx, q, email)
}

// Create is POST /users: a user in the caller's company. Only an owner may create an owner.
func (s *Service) Create(ctx context.Context, p *identity.Principal, req CreateInput) (*User, error) {
	if req.Role == string(identity.Owner) && p.Role != identity.Owner {
		return nil, httpx.Forbidden("Insufficient permissions")
	}
	company := p.Company()
	u, err := s.Insert(ctx, s.DB, NewUser{CompanyID: &company, FirstName: req.FirstName, LastName: req.LastName,
		Email: req.Email, Password: req.Password, Role: req.Role, Phone: req.Phone})
	if errors.Is(err, db.ErrConflict) {
		return nil, httpx.Conflict(MsgDuplicateInCompany)
	}
	return u, err
}

// Get is GET /users/:id: one user of the caller's company (another company's id is 404). The cache
// holds users by id whatever their company, so the company is checked on every read, cached or
// not. An id that the database matches only through its collation is read uncached.
func (s *Service) Get(ctx context.Context, p *identity.Principal, id string) (*User, error) {
	if !cache.Canonical(id) {
		return s.find(ctx, p, id)
	}
	u, err := cache.Fetch(ctx, s.Cache, cache.User, cache.UserKey(id), s.TTL,
		func(ctx context.Context) (*User, error) { return getAny(ctx, s.DB, id) })
	if errors.Is(err, db.ErrNotFound) || (err == nil && (u.CompanyID == nil || *u.CompanyID != p.Company())) {
		return nil, NotFound(id)
	}
	return u, err
}

// find loads a user of the caller's company from the database (writes and their answers).
func (s *Service) find(ctx context.Context, p *identity.Principal, id string) (*User, error) {
	u, err := get(ctx, s.DB, p.Company(), id)
	if errors.Is(err, db.ErrNotFound) {
		return nil, NotFound(id)
	}
	return u, err
}

// forget drops a user's cached read; every write calls it with the id as stored, once written.
func (s *Service) forget(ctx context.Context, id string) { s.Cache.Invalidate(ctx, cache.UserKey(id)) }

// List returns a page of the caller's company's users.
func (s *Service) List(ctx context.Context, p *identity.Principal, includeInactive bool, page httpx.Page) ([]User, int, error) {
	return list(ctx, s.DB, p.Company(), includeInactive, page.Limit, page.Offset)
}

// Update is PATCH /users/:id. Only an owner may grant or change the owner role.
func (s *Service) Update(ctx context.Context, p *identity.Principal, id string, req UpdateInput) (*User, error) {
	u, err := s.find(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if req.Role != nil && (*req.Role == string(identity.Owner) || u.Role == string(identity.Owner)) &&
		p.Role != identity.Owner && *req.Role != u.Role {
		return nil, httpx.Forbidden("Insufficient permissions")
	}
	set := map[string]any{}
	if req.FirstName != nil {
		set["first_name"] = *req.FirstName
	}
	if req.LastName != nil {
		set["last_name"] = *req.LastName
	}
	if req.Role != nil {
		set["role"] = *req.Role
	}
	if req.Phone != nil {
		if set["profile"], err = setPhone(u.Profile, *req.Phone); err != nil {
			return nil, err
		}
	}
	err = update(ctx, s.DB, p.Company(), u.ID, set)
	s.forget(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	if req.Role != nil && *req.Role != u.Role {
		// The role is carried by the sessions; end them so the new role applies at once.
		if err := s.Sessions.RevokeUser(ctx, u.ID); err != nil {
			return nil, err
		}
	}
	return s.find(ctx, p, id)
}

// setStatus changes the status of the caller's company's user; leaving ACTIVE ends their sessions.
func (s *Service) setStatus(ctx context.Context, p *identity.Principal, id, status string) error {
	u, err := s.find(ctx, p, id)
	if err != nil {
		return err
	}
	if u.Role == string(identity.Owner) && p.Role != identity.Owner {
		// Only an owner may deactivate or reactivate an owner.
		return httpx.Forbidden("Insufficient permissions")
	}
	err = update(ctx, s.DB, p.Company(), u.ID, map[string]any{"status": status})
	s.forget(ctx, u.ID)
	if err != nil {
		return err
	}
	return s.afterStatus(ctx, u.ID, status)
}

// SetStatusAny changes any user's status (super admin only); id is the user's id as stored.
func (s *Service) SetStatusAny(ctx context.Context, id, status string) error {
	if err := s.UpdateAny(ctx, id, map[string]any{"status": status}); err != nil {
		return err
	}
	return s.afterStatus(ctx, id, status)
}

// UpdateAny applies changed columns to any user (super admin only) and drops the user's cached
// read; id is the user's id as stored. A duplicate email is db.ErrConflict.
func (s *Service) UpdateAny(ctx context.Context, id string, set map[string]any) error {
	err := updateAny(ctx, s.DB, id, set)
	s.forget(ctx, id)
	return err
}

func (s *Service) afterStatus(ctx context.Context, id, status string) error {
	if status != StatusActive {
		return s.Sessions.RevokeUser(ctx, id)
	}
	return nil
}

// Deactivate is DELETE /users/:id: status INACTIVE, sessions ended.
func (s *Service) Deactivate(ctx context.Context, p *identity.Principal, id string) error {
	return s.setStatus(ctx, p, id, StatusInactive)
}

// Activate is POST /users/:id/activate.
func (s *Service) Activate(ctx context.Context, p *identity.Principal, id string) (*User, error) {
	if err := s.setStatus(ctx, p, id, StatusActive); err != nil {
		return nil, err
	}
	return s.find(ctx, p, id)
}

// SetPhone returns profile with phone set (exported for the superadmin package).
func SetPhone(profile dbtypes.RawJSON, phone string) (dbtypes.RawJSON, error) {
	return setPhone(profile, phone)
}

// GetAny is any user by id, whoever's company (the super-admin console); a missing one is its 404.
func (s *Service) GetAny(ctx context.Context, id string) (*User, error) {
	u, err := getAny(ctx, s.DB, id)
	if errors.Is(err, db.ErrNotFound) {
		return nil, NotFound(id)
	}
	return u, err
}

// ListAll returns a page of every company's users matching f, newest first, and the total (the
// super-admin console).
func (s *Service) ListAll(ctx context.Context, f Filter, limit, offset int) ([]User, int, error) {
	return listAll(ctx, s.DB, f, limit, offset)
}

// IDsOfCompany lists the ids of a company's users (to end their sessions when it is suspended).
func (s *Service) IDsOfCompany(ctx context.Context, companyID string) ([]string, error) {
	return idsOfCompany(ctx, s.DB, companyID)
}
