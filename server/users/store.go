package users

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/dbtypes"
)

// columns selects a users row into User.
const columns = `id, company_id, first_name, last_name, email, password_hash, role, is_super_admin, status,
	profile, last_login_at, last_login_ip, email_verified_at, created_at, updated_at`

// insert writes a new user.
func insert(ctx context.Context, q db.Queryer, u *User) error {
	const sq = `INSERT INTO users (id, company_id, first_name, last_name, email, password_hash, role, is_super_admin,
		status, profile) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	if _, err := q.Exec(ctx, sq, u.ID, u.CompanyID, u.FirstName, u.LastName, u.Email, u.PasswordHash, u.Role,
		u.IsSuperAdmin, u.Status, u.Profile); err != nil {
		return fmt.Errorf("insert user: %w", err)
	}
	return nil
}

// get loads one user of a company.
func get(ctx context.Context, q db.Queryer, companyID, id string) (*User, error) {
	const sq = `SELECT ` + columns + ` FROM users WHERE company_id = ? AND id = ?`
	var u User
	if err := q.Get(ctx, &u, sq, companyID, id); err != nil {
		return nil, fmt.Errorf("get user %s: %w", id, err)
	}
	return &u, nil
}

// getAny loads a user of any company (super admin only).
func getAny(ctx context.Context, q db.Queryer, id string) (*User, error) {
	const sq = `SELECT ` + columns + ` FROM users WHERE id = ?`
	var u User
	if err := q.Get(ctx, &u, sq, id); err != nil {
		return nil, fmt.Errorf("get user %s: %w", id, err)
	}
	return &u, nil
}

// list returns a page of a company's users, newest first, and the total before paging.
func list(ctx context.Context, q db.Queryer, companyID string, includeInactive bool, limit, offset int) ([]User, int, error) {
	where := `company_id = ?`
	args := []any{companyID}
	if !includeInactive {
		where += ` AND status = ?`
		args = append(args, StatusActive)
	}
	var total int
	if err := q.Get(ctx, &total, `SELECT COUNT(*) FROM users WHERE `+where, args...); err != nil {
		return nil, 0, fmt.Errorf("count users: %w", err)
	}
	out := []User{}
	sq := `SELECT ` + columns + ` FROM users WHERE ` + where + ` ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`
	if err := q.Select(ctx, &out, sq, append(args, limit, offset)...); err != nil {
		return nil, 0, fmt.Errorf("list users: %w", err)
	}
	return out, total, nil
}

// emailTaken reports whether any company has a user with email, locking the index range so a
// concurrent registration of the same email waits for this transaction.
func emailTaken(ctx context.Context, q db.Queryer, email string) (bool, error) {
	var ids []string
	if err := q.Select(ctx, &ids, `SELECT id FROM users WHERE email = ? LIMIT 1 FOR UPDATE`, email); err != nil {
		return false, fmt.Errorf("check email: %w", err)
	}
	return len(ids) > 0, nil
}

// update applies changed columns to a company's user; a user of another company (or of none) is
// never touched.
func update(ctx context.Context, q db.Queryer, companyID, id string, set map[string]any) error {
	return updateWhere(ctx, q, set, `id = ? AND company_id = ?`, id, companyID)
}

// updateAny applies changed columns to any user (super admin only, through Service.UpdateAny).
func updateAny(ctx context.Context, q db.Queryer, id string, set map[string]any) error {
	return updateWhere(ctx, q, set, `id = ?`, id)
}

func updateWhere(ctx context.Context, q db.Queryer, set map[string]any, where string, whereArgs ...any) error {
	if len(set) == 0 {
		return nil
	}
	cols, args := db.Assignments(set)
	sq := `UPDATE users SET ` + cols + ` WHERE ` + where
	if _, err := q.Exec(ctx, sq, append(args, whereArgs...)...); err != nil {
		return fmt.Errorf("update user: %w", err)
	}
	return nil
}

// setPhone returns profile with phone set, keeping the other keys.
func setPhone(profile dbtypes.RawJSON, phone string) (dbtypes.RawJSON, error) {
	m := map[string]any{}
	if len(profile) > 0 {
		if err := json.Unmarshal(profile, &m); err != nil || m == nil {
			m = map[string]any{}
		}
	}
	m["phone"] = phone
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode profile: %w", err)
	}
	return dbtypes.RawJSON(b), nil
}

// Filter narrows the list of every user (the super-admin console).
type Filter struct {
	Search, CompanyID, Role, Status string
}

// listAll returns a page of every company's users, newest first, and the total before paging.
func listAll(ctx context.Context, q db.Queryer, f Filter, limit, offset int) ([]User, int, error) {
	conds, args := []string{"1 = 1"}, []any{}
	if f.Search != "" {
		p := db.ContainsPattern(f.Search)
		conds = append(conds, "(first_name LIKE ? OR last_name LIKE ? OR email LIKE ?)")
		args = append(args, p, p, p)
	}
	for col, v := range map[string]string{"company_id": f.CompanyID, "role": f.Role, "status": f.Status} {
		if v != "" {
			conds = append(conds, col+" = ?")
			args = append(args, v)
		}
	}
	where := strings.Join(conds, " AND ")
	var total int
	if err := q.Get(ctx, &total, `SELECT COUNT(*) FROM users WHERE `+where, args...); err != nil {
		return nil, 0, fmt.Errorf("count users: %w", err)
	}
	out := []User{}
	sq := `SELECT ` + columns + ` FROM users WHERE ` + where + ` ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`
	if err := q.Select(ctx, &out, sq, append(args, limit, offset)...); err != nil {
		return nil, 0, fmt.Errorf("list users: %w", err)
	}
	return out, total, nil
}

// idsOfCompany lists the ids of a company's users.
func idsOfCompany(ctx context.Context, q db.Queryer, companyID string) ([]string, error) {
	var ids []string
	if err := q.Select(ctx, &ids, `SELECT id FROM users WHERE company_id = ?`, companyID); err != nil {
		return nil, fmt.Errorf("list company users: %w", err)
	}
	return ids, nil
}
