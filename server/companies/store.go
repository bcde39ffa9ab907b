package companies

import (
	"context"
	"fmt"

	"github.com/ternant/ternant/server/platform/db"
)

// columns selects a companies row into Company.
const columns = `id, name, slug, email, phone, currency, timezone, email_settings, reminder_preferences, branding,
	is_active, created_at, updated_at`

// insert writes a new company.
func insert(ctx context.Context, q db.Queryer, c *Company) error {
	const sq = `INSERT INTO companies (id, name, slug, email, phone, currency, timezone, email_settings,
		reminder_preferences, branding, is_active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	if _, err := q.Exec(ctx, sq, c.ID, c.Name, c.Slug, c.Email, c.Phone, c.Currency, c.Timezone, c.EmailSettings,
		c.ReminderPreferences, c.Branding, c.IsActive); err != nil {
		return fmt.Errorf("insert company: %w", err)
	}
	return nil
}

// get loads a company by id (the caller decides whether it may see it).
func get(ctx context.Context, q db.Queryer, id string) (*Company, error) {
	var c Company
	if err := q.Get(ctx, &c, `SELECT `+columns+` FROM companies WHERE id = ?`, id); err != nil {
		return nil, fmt.Errorf("get company %s: %w", id, err)
	}
	return &c, nil
}

// getBySlug loads a company by slug.
func getBySlug(ctx context.Context, q db.Queryer, slug string) (*Company, error) {
	var c Company
	if err := q.Get(ctx, &c, `SELECT `+columns+` FROM companies WHERE slug = ?`, slug); err != nil {
		return nil, fmt.Errorf("get company %q: %w", slug, err)
	}
	return &c, nil
}

// getForUpdate loads a company by id and locks its row until the transaction ends.
func getForUpdate(ctx context.Context, q db.Queryer, id string) (*Company, error) {
	var c Company
	if err := q.Get(ctx, &c, `SELECT `+columns+` FROM companies WHERE id = ? FOR UPDATE`, id); err != nil {
		return nil, fmt.Errorf("lock company %s: %w", id, err)
	}
	return &c, nil
}

// update applies changed columns to a company; Service.Modify is its only caller, so every change
// drops the company's cached reads.
func update(ctx context.Context, q db.Queryer, id string, set map[string]any) error {
	if len(set) == 0 {
		return nil
	}
	cols, args := db.Assignments(set)
	if _, err := q.Exec(ctx, `UPDATE companies SET `+cols+` WHERE id = ?`, append(args, id)...); err != nil {
		return fmt.Errorf("update company %s: %w", id, err)
	}
	return nil
}

// list returns a page of every company, newest first, optionally matching search on name, slug or
// email, and the total before paging (the super-admin console; the only unscoped company query).
func list(ctx context.Context, q db.Queryer, search string, limit, offset int) ([]Company, int, error) {
	where, args := "1 = 1", []any{}
	if search != "" {
		p := db.ContainsPattern(search)
		where = "(name LIKE ? OR slug LIKE ? OR email LIKE ?)"
		args = append(args, p, p, p)
	}
	var total int
	if err := q.Get(ctx, &total, `SELECT COUNT(*) FROM companies WHERE `+where, args...); err != nil {
		return nil, 0, fmt.Errorf("count companies: %w", err)
	}
	out := []Company{}
	sq := `SELECT ` + columns + ` FROM companies WHERE ` + where + ` ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`
	if err := q.Select(ctx, &out, sq, append(args, limit, offset)...); err != nil {
		return nil, 0, fmt.Errorf("list companies: %w", err)
	}
	return out, total, nil
}
