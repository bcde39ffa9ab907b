// Package users manages a company's users: TernantApp's /users endpoints, always scoped to the
// caller's company, and the user creation that registration and the super admin share.
package users

import (
	"github.com/ternant/ternant/server/platform/dbtypes"
)

// User statuses (users.status).
const (
	StatusActive    = "ACTIVE"
	StatusInactive  = "INACTIVE"
	StatusSuspended = "SUSPENDED"
	StatusPending   = "PENDING"
)

// User is a users row as the API returns it: never the password hash or the one-time tokens.
type User struct {
	ID              string          `db:"id" json:"id"`
	CompanyID       *string         `db:"company_id" json:"companyId"`
	FirstName       string          `db:"first_name" json:"firstName"`
	LastName        string          `db:"last_name" json:"lastName"`
	Email           string          `db:"email" json:"email"`
	PasswordHash    string          `db:"password_hash" json:"-"`
	Role            string          `db:"role" json:"role"`
	IsSuperAdmin    bool            `db:"is_super_admin" json:"isSuperAdmin"`
	Status          string          `db:"status" json:"status"`
	Profile         dbtypes.RawJSON `db:"profile" json:"profile"`
	LastLoginAt     *dbtypes.Time   `db:"last_login_at" json:"lastLoginAt"`
	LastLoginIP     *string         `db:"last_login_ip" json:"lastLoginIp"`
	EmailVerifiedAt *dbtypes.Time   `db:"email_verified_at" json:"emailVerifiedAt"`
	CreatedAt       dbtypes.Time    `db:"created_at" json:"createdAt"`
	UpdatedAt       dbtypes.Time    `db:"updated_at" json:"updatedAt"`
}

// CreateRequest is POST /users' body.
type CreateRequest struct {
	FirstName string  `json:"firstName" validate:"max=100,min=2,string,notempty"`
	LastName  string  `json:"lastName" validate:"max=100,min=2,string,notempty"`
	Email     string  `json:"email" validate:"max=255,email,notempty"`
	Password  string  `json:"password" validate:"password,max=100,min=8,string"`
	Role      string  `json:"role" validate:"oneof=OWNER ADMIN STAFF AUDITOR TENANT_PORTAL"`
	Phone     *string `json:"phone" validate:"omitempty,max=50"`
}

// UpdateRequest is PATCH /users/:id's body (no email, no password).
type UpdateRequest struct {
	FirstName *string `json:"firstName" validate:"omitempty,max=100,min=2"`
	LastName  *string `json:"lastName" validate:"omitempty,max=100,min=2"`
	Role      *string `json:"role" validate:"omitempty,oneof=OWNER ADMIN STAFF AUDITOR TENANT_PORTAL"`
	Phone     *string `json:"phone" validate:"omitempty,max=50"`
}

// NewUser is what creating a user needs, whoever creates it.
type NewUser struct {
	CompanyID    *string
	FirstName    string
	LastName     string
	Email        string
	Password     string
	Role         string
	IsSuperAdmin bool
	Phone        *string
}
