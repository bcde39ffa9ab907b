package auth

import (
	"context"
	"fmt"

	"github.com/ternant/ternant/server/identity"
	"github.com/ternant/ternant/server/platform/db"
)

// Account is the part of a users row that authentication reads.
type Account struct {
	ID           string  `db:"id"`
	CompanyID    *string `db:"company_id"`
	FirstName    string  `db:"first_name"`
	LastName     string  `db:"last_name"`
	Email        string  `db:"email"`
	PasswordHash string  `db:"password_hash"`
	Role         string  `db:"role"`
	IsSuperAdmin bool    `db:"is_super_admin"`
	Status       string  `db:"status"`
	// CompanyActive is the company's is_active (nil for a user without a company).
	CompanyActive *bool `db:"company_active"`
}

// StatusActive is the only users.status that may log in.
const StatusActive = "ACTIVE"

// Principal is the caller an account becomes once authenticated.
func (a *Account) Principal() identity.Principal {
	return identity.Principal{UserID: a.ID, CompanyID: a.CompanyID, Email: a.Email,
		Role: identity.Role(a.Role), IsSuperAdmin: a.IsSuperAdmin}
}

const accountColumns = `u.id, u.company_id, u.first_name, u.last_name, u.email, u.password_hash, u.role,
	u.is_super_admin, u.status, c.is_active AS company_active`

const accountFrom = ` FROM users u LEFT JOIN companies c ON c.id = u.company_id`

// CanLogIn reports whether the account is active and so is its company, if it has one.
func (a *Account) CanLogIn() bool {
	return a.Status == StatusActive && (a.CompanyActive == nil || *a.CompanyActive)
}

// accountByEmail finds the account for a login. Registration keeps emails unique across
// companies; should a super admin have created duplicates, the oldest account answers.
func accountByEmail(ctx context.Context, q db.Queryer, email string) (*Account, error) {
	const sq = `SELECT ` + accountColumns + accountFrom + ` WHERE u.email = ? ORDER BY u.created_at, u.id LIMIT 1`
	var a Account
	if err := q.Get(ctx, &a, sq, email); err != nil {
		return nil, fmt.Errorf("find account by email: %w", err)
	}
	return &a, nil
}

// accountByID loads an account (refresh re-reads role and status).
func accountByID(ctx context.Context, q db.Queryer, id string) (*Account, error) {
	const sq = `SELECT ` + accountColumns + accountFrom + ` WHERE u.id = ?`
	var a Account
	if err := q.Get(ctx, &a, sq, id); err != nil {
		return nil, fmt.Errorf("find account %s: %w", id, err)
	}
	return &a, nil
}

// recordLogin stamps last_login_at and last_login_ip.
func recordLogin(ctx context.Context, q db.Queryer, id, ip string) error {
	const sq = `UPDATE users SET last_login_at = CURRENT_TIMESTAMP, last_login_ip = ? WHERE id = ?`
	if len(ip) > 45 {
		ip = ip[:45]
	}
	if _, err := q.Exec(ctx, sq, ip, id); err != nil {
		return fmt.Errorf("record login of %s: %w", id, err)
	}
	return nil
}
