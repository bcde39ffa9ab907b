package reminders

import (
	"context"
	"fmt"
	"strings"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/platform/db"
)

// store is the reminders table. Every statement filters on company_id, except the delivery
// queue's scan, which the scheduled jobs run across companies.
type store struct{}

const reminderColumns = `id, company_id, type, tenant_id, invoice_id, subject, message, recipient, status, scheduled_for,
	sent_at, error_message, retry_count, metadata, is_active, created_at, updated_at`

// Insert writes a new reminder.
func (store) Insert(ctx context.Context, q db.Queryer, r *Reminder) error {
	_, err := q.Exec(ctx, `INSERT INTO reminders (`+reminderColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.CompanyID, r.Type, r.TenantID, r.InvoiceID, r.Subject, r.Message, r.Recipient, r.Status, r.ScheduledFor,
		r.SentAt, r.ErrorMessage, r.RetryCount, r.Metadata, r.IsActive, r.CreatedAt, r.UpdatedAt)
	if err != nil {
		return fmt.Errorf("insert reminder: %w", err)
	}
	return nil
}

// Get reads one reminder of the company.
func (store) Get(ctx context.Context, q db.Queryer, companyID, id string) (*Reminder, error) {
	var r Reminder
	if err := q.Get(ctx, &r, `SELECT `+reminderColumns+` FROM reminders WHERE company_id = ? AND id = ?`, companyID, id); err != nil {
		return nil, fmt.Errorf("load reminder %s: %w", id, err)
	}
	return &r, nil
}

// Claim reads and locks one reminder for delivery, skipping it (db.ErrNotFound) when another
// deliverer holds it.
func (store) Claim(ctx context.Context, tx *db.Tx, companyID, id string) (*Reminder, error) {
	var r Reminder
	err := tx.Get(ctx, &r, `SELECT `+reminderColumns+` FROM reminders WHERE company_id = ? AND id = ? FOR UPDATE SKIP LOCKED`, companyID, id)
	if err != nil {
		return nil, fmt.Errorf("claim reminder %s: %w", id, err)
	}
	return &r, nil
}

// Lock reads one reminder and locks its row until the transaction ends, waiting for a holder.
func (store) Lock(ctx context.Context, tx *db.Tx, companyID, id string) (*Reminder, error) {
	var r Reminder
	err := tx.Get(ctx, &r, `SELECT `+reminderColumns+` FROM reminders WHERE company_id = ? AND id = ? FOR UPDATE`, companyID, id)
	if err != nil {
		return nil, fmt.Errorf("lock reminder %s: %w", id, err)
	}
	return &r, nil
}

// Update writes every editable column.
func (store) Update(ctx context.Context, q db.Queryer, r *Reminder) error {
	_, err := q.Exec(ctx, `UPDATE reminders SET type = ?, subject = ?, message = ?, recipient = ?, status = ?,
		scheduled_for = ?, sent_at = ?, error_message = ?, retry_count = ?, metadata = ?, updated_at = ?
		WHERE company_id = ? AND id = ?`, r.Type, r.Subject, r.Message, r.Recipient, r.Status, r.ScheduledFor, r.SentAt,
		r.ErrorMessage, r.RetryCount, r.Metadata, r.UpdatedAt, r.CompanyID, r.ID)
	if err != nil {
		return fmt.Errorf("update reminder %s: %w", r.ID, err)
	}
	return nil
}

// Delete removes a reminder (TernantApp deletes reminders for real).
func (store) Delete(ctx context.Context, q db.Queryer, companyID, id string) (bool, error) {
	res, err := q.Exec(ctx, `DELETE FROM reminders WHERE company_id = ? AND id = ?`, companyID, id)
	if err != nil {
		return false, fmt.Errorf("delete reminder %s: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// List returns a page of the company's reminders, latest schedule first.
func (store) List(ctx context.Context, q db.Queryer, companyID string, f Filter, page httpx.Page) ([]*Reminder, int, error) {
	conds := []string{"company_id = ?"}
	args := []any{companyID}
	add := func(c string, v any) { conds = append(conds, c); args = append(args, v) }
	if f.Type != "" {
		add("type = ?", f.Type)
	}
	if f.Status != "" {
		add("status = ?", f.Status)
	}
	if f.TenantID != "" {
		add("tenant_id = ?", f.TenantID)
	}
	if f.InvoiceID != "" {
		add("invoice_id = ?", f.InvoiceID)
	}
	if f.ScheduledFrom != nil {
		add("scheduled_for >= ?", *f.ScheduledFrom)
	}
	if f.ScheduledTo != nil {
		add("scheduled_for <= ?", *f.ScheduledTo)
	}
	where := strings.Join(conds, " AND ")
	var total int
	if err := q.Get(ctx, &total, `SELECT COUNT(*) FROM reminders WHERE `+where, args...); err != nil {
		return nil, 0, fmt.Errorf("count reminders: %w", err)
	}
	out := []*Reminder{}
	err := q.Select(ctx, &out, `SELECT `+reminderColumns+` FROM reminders WHERE `+where+
		` ORDER BY scheduled_for DESC, created_at DESC, id LIMIT ? OFFSET ?`, append(args, page.Limit, page.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list reminders: %w", err)
	}
	return out, total, nil
}

// Ref names a reminder in the delivery queue.
type Ref struct {
	CompanyID string `db:"company_id"`
	ID        string `db:"id"`
}

// Due lists reminders waiting for delivery across companies: pending, or failed with retries
// left, scheduled no later than now.
func (store) Due(ctx context.Context, q db.Queryer, maxRetries, limit int) ([]Ref, error) {
	var refs []Ref
	err := q.Select(ctx, &refs, `SELECT company_id, id FROM reminders WHERE is_active = 1
		AND (status = 'PENDING' OR (status = 'FAILED' AND retry_count < ?))
		AND (scheduled_for IS NULL OR scheduled_for <= UTC_TIMESTAMP()) ORDER BY scheduled_for, id LIMIT ?`, maxRetries, limit)
	if err != nil {
		return nil, fmt.Errorf("list due reminders: %w", err)
	}
	return refs, nil
}
