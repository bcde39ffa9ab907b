package reminders

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/invoices"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/money"
	"github.com/ternant/ternant/server/tenants"
)

// Service holds the reminder rules.
type Service struct {
	DB       *db.DB
	store    store
	Invoices *invoices.Service
	Tenants  *tenants.Service
	// Dispatch, when set, is called after a reminder is created, to deliver it in the background
	// (the server starts a goroutine; the scheduled jobs deliver inline instead).
	Dispatch func(companyID, id string)
}

// NewService returns the service over database, reading invoices through inv and tenants through
// ts.
func NewService(database *db.DB, inv *invoices.Service, ts *tenants.Service) *Service {
	return &Service{DB: database, Invoices: inv, Tenants: ts}
}

// NotFound is the 404 for a missing reminder.
func NotFound(id string) error { return httpx.NotFound("Reminder with ID " + id + " not found") }

func notFound(err error, nf error) error {
	if errors.Is(err, db.ErrNotFound) {
		return nf
	}
	return err
}

// tenant reads the company's tenant (active or not) or answers 404.
func (s *Service) tenant(ctx context.Context, companyID, id string) (*tenants.Tenant, error) {
	t, err := s.Tenants.Get(ctx, companyID, id)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// Create is POST /reminders: the recipient defaults to the tenant's email.
func (s *Service) Create(ctx context.Context, companyID string, req CreateRequest) (*Reminder, error) {
	t, err := s.tenant(ctx, companyID, req.TenantID)
	if err != nil {
		return nil, err
	}
	if req.InvoiceID != nil {
		if err := s.Invoices.Require(ctx, companyID, *req.InvoiceID); err != nil {
			return nil, err
		}
	}
	if req.Metadata.Valid && (len(req.Metadata.V) == 0 || req.Metadata.V[0] != '{') {
		return nil, httpx.Invalid("metadata must be an object")
	}
	r := newReminder(companyID, req.Type, t, req.InvoiceID, req.Subject, req.Message, req.Metadata)
	if req.Recipient != nil {
		r.Recipient = *req.Recipient
	}
	sf := dbtypes.Time{Time: req.ScheduledFor.UTC().Truncate(time.Second)}
	r.ScheduledFor = &sf
	return r, s.insert(ctx, s.DB, r)
}

// newReminder builds a pending reminder to the tenant, scheduled now.
func newReminder(companyID, typ string, t *tenants.Tenant, invoiceID *string, subject, message string, meta dbtypes.JSON[json.RawMessage]) *Reminder {
	now := dbtypes.Now()
	at := dbtypes.Time{Time: now.Truncate(time.Second)}
	return &Reminder{
		ID: uuid.Must(uuid.NewV7()).String(), CompanyID: companyID, Type: typ, TenantID: t.ID, InvoiceID: invoiceID,
		Subject: subject, Message: message, Recipient: t.Email, Status: Pending, ScheduledFor: &at,
		Metadata: meta, IsActive: true, CreatedAt: now, UpdatedAt: now,
	}
}

// insert writes r and hands it to Dispatch.
func (s *Service) insert(ctx context.Context, q db.Queryer, r *Reminder) error {
	if err := s.store.Insert(ctx, q, r); err != nil {
		return err
	}
	if s.Dispatch != nil && !r.ScheduledFor.After(time.Now()) {
		s.Dispatch(r.CompanyID, r.ID)
	}
	return nil
}

// metadata encodes a metadata object.
func metadata(v map[string]any) dbtypes.JSON[json.RawMessage] {
	b, err := json.Marshal(v)
	if err != nil {
		return dbtypes.JSON[json.RawMessage]{}
	}
	return dbtypes.JSONOf(json.RawMessage(b))
}

// Get is GET /reminders/:id, with tenant and invoice.
func (s *Service) Get(ctx context.Context, companyID, id string) (*Reminder, error) {
	r, err := s.store.Get(ctx, s.DB, companyID, id)
	if err != nil {
		return nil, notFound(err, NotFound(id))
	}
	return r, s.attach(ctx, companyID, []*Reminder{r})
}

// List is GET /reminders, with tenant and invoice.
func (s *Service) List(ctx context.Context, companyID string, f Filter, page httpx.Page) ([]*Reminder, int, error) {
	list, total, err := s.store.List(ctx, s.DB, companyID, f, page)
	if err != nil {
		return nil, 0, err
	}
	return list, total, s.attach(ctx, companyID, list)
}

func (s *Service) attach(ctx context.Context, companyID string, list []*Reminder) error {
	var tids, iids []string
	for _, r := range list {
		tids = append(tids, r.TenantID)
		if r.InvoiceID != nil {
			iids = append(iids, *r.InvoiceID)
		}
	}
	ts, err := s.Tenants.ByIDs(ctx, companyID, tids)
	if err != nil {
		return err
	}
	invs, err := s.Invoices.ByIDs(ctx, companyID, iids, invoices.Includes{})
	if err != nil {
		return err
	}
	for _, r := range list {
		if t, ok := ts[r.TenantID]; ok {
			r.Tenant = &t
		}
		if r.InvoiceID != nil {
			r.Invoice = invs[*r.InvoiceID]
		}
	}
	return nil
}

// Update is PATCH /reminders/:id.
func (s *Service) Update(ctx context.Context, companyID, id string, req UpdateRequest) (*Reminder, error) {
	return s.change(ctx, companyID, id, func(r *Reminder) {
		setIf(&r.Type, req.Type)
		setIf(&r.Subject, req.Subject)
		setIf(&r.Message, req.Message)
		setIf(&r.Recipient, req.Recipient)
		setIf(&r.Status, req.Status)
		if req.ScheduledFor != nil {
			sf := dbtypes.Time{Time: req.ScheduledFor.UTC().Truncate(time.Second)}
			r.ScheduledFor = &sf
		}
		if req.Metadata.Valid {
			r.Metadata = req.Metadata
		}
	})
}

func setIf(dst *string, v *string) {
	if v != nil {
		*dst = *v
	}
}

// MarkSent is POST /reminders/:id/mark-sent.
func (s *Service) MarkSent(ctx context.Context, companyID, id string) (*Reminder, error) {
	return s.change(ctx, companyID, id, func(r *Reminder) {
		now := dbtypes.Now()
		r.Status, r.SentAt = Sent, &now
	})
}

func (s *Service) change(ctx context.Context, companyID, id string, fn func(*Reminder)) (*Reminder, error) {
	r, err := s.store.Get(ctx, s.DB, companyID, id)
	if err != nil {
		return nil, notFound(err, NotFound(id))
	}
	fn(r)
	r.UpdatedAt = dbtypes.Now()
	if err := s.store.Update(ctx, s.DB, r); err != nil {
		return nil, err
	}
	return r, nil
}

// Delete is DELETE /reminders/:id.
func (s *Service) Delete(ctx context.Context, companyID, id string) error {
	ok, err := s.store.Delete(ctx, s.DB, companyID, id)
	if err != nil {
		return err
	}
	if !ok {
		return NotFound(id)
	}
	return nil
}

// Welcome is POST /reminders/welcome/:tenantId.
func (s *Service) Welcome(ctx context.Context, companyID, tenantID, apartmentCode string) (*Reminder, error) {
	t, err := s.tenant(ctx, companyID, tenantID)
	if err != nil {
		return nil, err
	}
	msg := fmt.Sprintf("Dear %s, welcome to your new apartment %s! We're glad to have you. If you have any questions, please don't hesitate to contact us.",
		t.FirstName, apartmentCode)
	r := newReminder(companyID, Welcome, t, nil, "Welcome to "+apartmentCode, msg,
		metadata(map[string]any{"templateName": "tenant-welcome", "apartmentCode": apartmentCode}))
	return r, s.insert(ctx, s.DB, r)
}

// SendReceipt is POST /reminders/receipt.
func (s *Service) SendReceipt(ctx context.Context, companyID string, req ReceiptRequest) (*Reminder, error) {
	t, err := s.tenant(ctx, companyID, req.TenantID)
	if err != nil {
		return nil, err
	}
	if err := s.Invoices.Require(ctx, companyID, req.InvoiceID); err != nil {
		return nil, err
	}
	msg := fmt.Sprintf("Dear %s, we have received your payment of %s %s. Thank you for your payment!", t.FirstName, req.Currency, req.Amount)
	id := req.InvoiceID
	r := newReminder(companyID, Receipt, t, &id, "Payment Receipt", msg, metadata(map[string]any{
		"templateName": "payment-receipt", "amount": money.Number(*req.Amount), "currency": req.Currency}))
	return r, s.insert(ctx, s.DB, r)
}

// WelcomeTenant is POST /reminders/welcome/:tenantId.
func (s *Service) WelcomeTenant(ctx context.Context, companyID, tenantID string, req WelcomeRequest) (*Reminder, error) {
	return s.Welcome(ctx, companyID, tenantID, req.ApartmentCode)
}
