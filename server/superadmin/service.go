// Package superadmin is the platform operator's view: /super-admin/companies and
// /super-admin/users, the only queries that cross companies.
package superadmin

import (
	"context"
	"errors"

	"github.com/ternant/ternant/server/companies"
	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/identity"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/users"
)

// Sessions ends a user's sessions.
type Sessions interface {
	RevokeUser(ctx context.Context, userID string) error
}

// Service holds the super-admin operations.
type Service struct {
	DB        *db.DB
	Users     *users.Service
	Companies *companies.Service
	Sessions  Sessions
}

// NewService returns the service over database, changing companies and users through their
// services and ending sessions through sessions.
func NewService(database *db.DB, cs *companies.Service, us *users.Service, sessions Sessions) *Service {
	return &Service{DB: database, Companies: cs, Users: us, Sessions: sessions}
}

// MsgEmailExists is the 409 when the email is already used in the target company.
const MsgEmailExists = "User with this email already exists"

// ListCompanies is GET /super-admin/companies.
func (s *Service) ListCompanies(ctx context.Context, search string, p Paging) (*Page[companies.Company], error) {
	list, total, err := s.Companies.List(ctx, search, p.Limit, p.offset())
	if err != nil {
		return nil, err
	}
	return &Page[companies.Company]{Data: list, Meta: p.meta(total)}, nil
}

// Company is GET /super-admin/companies/:id.
func (s *Service) Company(ctx context.Context, id string) (*companies.Company, error) {
	return s.Companies.ByID(ctx, id)
}

// CompanyStats is GET /super-admin/companies/:id/stats.
func (s *Service) CompanyStats(ctx context.Context, id string) (*CompanyStats, error) {
	if _, err := s.Company(ctx, id); err != nil {
		return nil, err
	}
	return companyStats(ctx, s.DB, id)
}

// PlatformStats is GET /super-admin/companies/platform/stats.
func (s *Service) PlatformStats(ctx context.Context) (*PlatformStats, error) {
	return platformStats(ctx, s.DB)
}

// CreateCompany is POST /super-admin/companies: the company and its owner in one transaction.
func (s *Service) CreateCompany(ctx context.Context, req CreateCompanyRequest) (*CreateCompanyResponse, error) {
	c, u, err := s.Companies.CreateWithOwner(ctx,
		companies.NewCompany{Name: req.Name, Slug: req.Slug, Email: req.Email, Phone: req.Phone,
			Currency: req.Currency, Timezone: req.Timezone},
		users.NewUser{FirstName: req.OwnerFirstName, LastName: req.OwnerLastName, Email: req.OwnerEmail,
			Password: req.OwnerPassword, Phone: req.OwnerPhone})
	if err != nil {
		return nil, err
	}
	return &CreateCompanyResponse{Company: c, Owner: u}, nil
}

// UpdateCompany is PATCH /super-admin/companies/:id.
func (s *Service) UpdateCompany(ctx context.Context, id string, req companies.UpdateRequest) (*companies.Company, error) {
	err := s.Companies.Modify(ctx, id, func(*companies.Company) (map[string]any, error) { return companies.Changes(req) })
	if err != nil {
		return nil, err
	}
	if req.IsActive != nil && !*req.IsActive {
		if err := s.revokeCompany(ctx, id); err != nil {
			return nil, err
		}
	}
	return s.Company(ctx, id)
}

// SuspendCompany is POST /super-admin/companies/:id/suspend.
func (s *Service) SuspendCompany(ctx context.Context, id string) (*companies.Company, error) {
	return s.SetCompanyActive(ctx, id, false)
}

// ActivateCompany is POST /super-admin/companies/:id/activate.
func (s *Service) ActivateCompany(ctx context.Context, id string) (*companies.Company, error) {
	return s.SetCompanyActive(ctx, id, true)
}

// SetCompanyActive suspends or reactivates a company. Suspending ends its users' sessions, and
// they cannot log in until it is reactivated.
func (s *Service) SetCompanyActive(ctx context.Context, id string, active bool) (*companies.Company, error) {
	err := s.Companies.Modify(ctx, id, func(*companies.Company) (map[string]any, error) {
		return map[string]any{"is_active": active}, nil
	})
	if err != nil {
		return nil, err
	}
	if !active {
		if err := s.revokeCompany(ctx, id); err != nil {
			return nil, err
		}
	}
	return s.Company(ctx, id)
}

func (s *Service) revokeCompany(ctx context.Context, id string) error {
	ids, err := s.Users.IDsOfCompany(ctx, id)
	if err != nil {
		return err
	}
	for _, uid := range ids {
		if err := s.Sessions.RevokeUser(ctx, uid); err != nil {
			return err
		}
	}
	return nil
}

// ListUsers is GET /super-admin/users.
func (s *Service) ListUsers(ctx context.Context, f users.Filter, p Paging) (*Page[users.User], error) {
	list, total, err := s.Users.ListAll(ctx, f, p.Limit, p.offset())
	if err != nil {
		return nil, err
	}
	return &Page[users.User]{Data: list, Meta: p.meta(total)}, nil
}

// User is GET /super-admin/users/:id.
func (s *Service) User(ctx context.Context, id string) (*users.User, error) {
	return s.Users.GetAny(ctx, id)
}

// UserStats is GET /super-admin/users/stats.
func (s *Service) UserStats(ctx context.Context) (*UserStats, error) { return userStats(ctx, s.DB) }

// CreateUser is POST /super-admin/users: a user in any company, or a platform super admin.
func (s *Service) CreateUser(ctx context.Context, req CreateUserRequest) (*users.User, error) {
	super := req.Role == string(identity.SuperAdmin) || (req.IsSuperAdmin != nil && *req.IsSuperAdmin)
	if req.CompanyID == nil && !super {
		return nil, httpx.Invalid("companyId should not be empty")
	}
	companyID := req.CompanyID
	if req.CompanyID != nil {
		c, err := s.Company(ctx, *req.CompanyID)
		if err != nil {
			return nil, err
		}
		// The stored spelling, not the request's: MySQL matched the id case-insensitively, and the
		// user's tokens, cache keys and scoping all compare company ids as strings.
		companyID = &c.ID
	}
	u, err := s.Users.Insert(ctx, s.DB, users.NewUser{CompanyID: companyID, FirstName: req.FirstName,
		LastName: req.LastName, Email: req.Email, Password: req.Password, Role: req.Role, IsSuperAdmin: super,
		Phone: req.Phone})
	if errors.Is(err, db.ErrConflict) {
		return nil, httpx.Conflict(MsgEmailExists)
	}
	return u, err
}

// UpdateUser is PATCH /super-admin/users/:id.
func (s *Service) UpdateUser(ctx context.Context, id string, req UpdateUserRequest) (*users.User, error) {
	u, err := s.User(ctx, id)
	if err != nil {
		return nil, err
	}
	set := map[string]any{}
	for col, v := range map[string]*string{"first_name": req.FirstName, "last_name": req.LastName,
		"email": req.Email, "role": req.Role, "status": req.Status} {
		if v != nil {
			set[col] = *v
		}
	}
	if req.Phone != nil {
		if set["profile"], err = users.SetPhone(u.Profile, *req.Phone); err != nil {
			return nil, err
		}
	}
	err = s.Users.UpdateAny(ctx, u.ID, set)
	if errors.Is(err, db.ErrConflict) {
		return nil, httpx.Conflict(MsgEmailExists)
	}
	if err != nil {
		return nil, err
	}
	if (req.Role != nil && *req.Role != u.Role) || (req.Status != nil && *req.Status != users.StatusActive) ||
		(req.Email != nil && *req.Email != u.Email) {
		if err := s.Sessions.RevokeUser(ctx, u.ID); err != nil {
			return nil, err
		}
	}
	return s.User(ctx, id)
}

// SetUserStatus is DELETE (INACTIVE), /activate (ACTIVE) and /suspend (SUSPENDED).
func (s *Service) SetUserStatus(ctx context.Context, id, status string) (*users.User, error) {
	u, err := s.User(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.Users.SetStatusAny(ctx, u.ID, status); err != nil {
		return nil, err
	}
	return s.User(ctx, id)
}

// ResetPassword is POST /super-admin/users/:id/reset-password: a new password, and the user's
// sessions end.
func (s *Service) ResetPassword(ctx context.Context, id string, req ResetPasswordRequest) (*MessageResponse, error) {
	u, err := s.User(ctx, id)
	if err != nil {
		return nil, err
	}
	hash, err := s.Users.Hash(req.NewPassword)
	if err != nil {
		return nil, err
	}
	// The hash is not in the cached read, but updated_at is.
	if err := s.Users.UpdateAny(ctx, u.ID, map[string]any{"password_hash": hash}); err != nil {
		return nil, err
	}
	if err := s.Sessions.RevokeUser(ctx, u.ID); err != nil {
		return nil, err
	}
	return &MessageResponse{Message: "Password reset successfully"}, nil
}
