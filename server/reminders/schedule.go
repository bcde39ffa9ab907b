package reminders

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/money"
	"github.com/ternant/ternant/server/tenants"
)

// candidate is an invoice a scheduled reminder is about, with what the message names.
type candidate struct {
	CompanyID  string       `db:"company_id"`
	InvoiceID  string       `db:"invoice_id"`
	TenantID   string       `db:"tenant_id"`
	FirstName  string       `db:"first_name"`
	Email      string       `db:"email"`
	UnitNumber string       `db:"unit_number"`
	DueDate    dbtypes.Date `db:"due_date"`
	Total      money.Amount `db:"total_amount"`
}

// candidateQuery reads invoices with their tenant (through the occupancy) and apartment, across
// companies; the caller appends its conditions.
const candidateQuery = `SELECT i.company_id, i.id AS invoice_id, o.tenant_id, t.first_name, t.email, a.unit_number,
	i.due_date, i.total_amount
	FROM invoices i
	JOIN occupancies o ON o.id = i.occupancy_id AND o.company_id = i.company_id
	JOIN tenants t ON t.id = o.tenant_id AND t.company_id = i.company_id
	JOIN apartments a ON a.id = o.apartment_id AND a.company_id = i.company_id
	WHERE i.is_active = 1 `

// CreateDueSoon creates a DUE_SOON reminder for every sent invoice due before today + days that
// has none yet, across companies (TernantApp's 08:00 job), and returns how many it created.
// Callers serialise runs (the jobs hold a database lock), which makes it idempotent.
func (s *Service) CreateDueSoon(ctx context.Context, today dbtypes.Date, days int) (int, error) {
	var cs []candidate
	err := s.DB.Select(ctx, &cs, candidateQuery+`AND i.status = 'sent' AND i.due_date < ?
		AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.company_id = i.company_id AND r.invoice_id = i.id AND r.type = 'DUE_SOON')
		ORDER BY i.company_id, i.due_date, i.id`, today.AddDays(days))
	if err != nil {
		return 0, fmt.Errorf("find invoices due soon: %w", err)
	}
	for _, c := range cs {
		msg := fmt.Sprintf("Dear %s, your rent for Unit %s is due on %s. Amount: %s.", c.FirstName, c.UnitNumber, c.DueDate, c.Total)
		meta := metadata(map[string]any{"templateName": "rent-due-soon", "apartmentCode": c.UnitNumber,
			"amount": money.Number(c.Total), "dueDate": c.DueDate})
		if err := s.createFor(ctx, c, DueSoon, "Rent Due Soon - Unit "+c.UnitNumber, msg, meta); err != nil {
			return 0, err
		}
	}
	return len(cs), nil
}

// CreateOverdue creates an OVERDUE reminder for every overdue invoice past due that has had no
// OVERDUE reminder within the interval, across companies (TernantApp's 09:00 job, every 7 days).
func (s *Service) CreateOverdue(ctx context.Context, now time.Time, interval time.Duration) (int, error) {
	today := dbtypes.DateOf(now)
	var cs []candidate
	err := s.DB.Select(ctx, &cs, candidateQuery+`AND i.status = 'overdue' AND i.due_date < ?
		AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.company_id = i.company_id AND r.invoice_id = i.id
			AND r.type = 'OVERDUE' AND r.created_at > ?)
		ORDER BY i.company_id, i.due_date, i.id`, today, now.Add(-interval).UTC())
	if err != nil {
		return 0, fmt.Errorf("find overdue invoices: %w", err)
	}
	for _, c := range cs {
		days := int(today.Time().Sub(c.DueDate.Time()).Hours() / 24)
		msg := fmt.Sprintf("Dear %s, your rent for Unit %s is overdue. Due date was %s. Amount: %s. Please settle this as soon as possible.",
			c.FirstName, c.UnitNumber, c.DueDate, c.Total)
		meta := metadata(map[string]any{"templateName": "rent-overdue", "apartmentCode": c.UnitNumber,
			"amount": money.Number(c.Total), "dueDate": c.DueDate, "daysOverdue": days})
		if err := s.createFor(ctx, c, Overdue, "Overdue Rent - Unit "+c.UnitNumber, msg, meta); err != nil {
			return 0, err
		}
	}
	return len(cs), nil
}

func (s *Service) createFor(ctx context.Context, c candidate, typ, subject, msg string, meta dbtypes.JSON[json.RawMessage]) error {
	t := &tenants.Tenant{ID: c.TenantID, Email: c.Email}
	id := c.InvoiceID
	r := newReminder(c.CompanyID, typ, t, &id, subject, msg, meta)
	if err := s.store.Insert(ctx, s.DB, r); err != nil {
		return fmt.Errorf("create %s reminder for invoice %s: %w", typ, c.InvoiceID, err)
	}
	return nil
}
