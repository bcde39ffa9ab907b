package payments

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/invoices"
	"github.com/ternant/ternant/server/platform/cache"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/dbtypes"
)

// Service holds the payment rules.
type Service struct {
	DB       *db.DB
	store    store
	Invoices *invoices.Service
	// ListCache, when set, caches the list's counts per company; every committed write drops them.
	ListCache *cache.ListCache
}

// NewService returns the service over database, adjusting invoices through inv.
func NewService(database *db.DB, inv *invoices.Service) *Service {
	return &Service{DB: database, Invoices: inv}
}

// Committed tells the service a transaction that changed the company's payments has committed:
// the payments list's cached counts go, and the invoices' balances (and the dashboard figures that
// follow them) changed with them.
func (s *Service) Committed(ctx context.Context, companyID string) {
	s.ListCache.Invalidate(ctx, companyID)
	s.Invoices.PaymentCommitted(ctx, companyID)
}

// NotFound is the 404 for a missing payment.
func NotFound(id string) error { return httpx.NotFound("Payment with ID " + id + " not found") }

// Create records a payment inside tx: the invoice (active, the company's, not cancelled) is
// locked, the amount must fit its outstanding balance, and the invoice's amountPaid, status and
// paidDate move with it (docs/compatibility.md).
func (s *Service) Create(ctx context.Context, tx *db.Tx, companyID string, req CreateRequest) (*Payment, error) {
	if *req.Amount < 1 {
		return nil, httpx.Invalid("amount must not be less than 0.01")
	}
	inv, err := s.Invoices.ApplyPayment(ctx, tx, companyID, req.InvoiceID, *req.Amount)
	if err != nil {
		return nil, err
	}
	now := dbtypes.Now()
	p := &Payment{
		ID: uuid.Must(uuid.NewV7()).String(), CompanyID: companyID, InvoiceID: inv.ID, Amount: *req.Amount,
		PaidAt: dbtypes.Time{Time: req.PaidAt.UTC().Truncate(time.Second)}, Method: req.Method,
		Reference: req.Reference, Metadata: req.Metadata, Notes: req.Notes, IsActive: true, CreatedAt: now, UpdatedAt: now,
	}
	if err := s.store.Insert(ctx, tx, p); err != nil {
		return nil, err
	}
	return p, nil
}

// withLocked runs fn on a payment and its invoice, both locked (invoice first, the order every
// balance change takes), and writes both back.
func (s *Service) withLocked(ctx context.Context, companyID, id string, fn func(p *Payment, inv *invoices.Invoice, today dbtypes.Date) error) (*Payment, error) {
	var p *Payment
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		peek, err := s.store.Get(ctx, tx, companyID, id, false)
		if err != nil {
			if errors.Is(err, db.ErrNotFound) {
				return NotFound(id)
			}
			return err
		}
		return s.Invoices.AdjustBalance(ctx, tx, companyID, peek.InvoiceID, func(inv *invoices.Invoice, today dbtypes.Date) error {
			var err error
			if p, err = s.store.Get(ctx, tx, companyID, id, true); err != nil {
				return err
			}
			if err := fn(p, inv, today); err != nil {
				return err
			}
			p.UpdatedAt = dbtypes.Now()
			return s.store.Update(ctx, tx, p)
		})
	})
	if err != nil {
		return nil, err
	}
	s.Committed(ctx, companyID)
	return p, nil
}

// Update is PATCH /payments/:id. A new amount on an active payment moves the invoice's balance
// (paid - old + new within [0, total]); an inactive payment does not count towards it.
func (s *Service) Update(ctx context.Context, companyID, id string, req UpdateRequest) (*Payment, error) {
	if req.Amount != nil && *req.Amount < 1 {
		return nil, httpx.Invalid("amount must not be less than 0.01")
	}
	return s.withLocked(ctx, companyID, id, func(p *Payment, inv *invoices.Invoice, today dbtypes.Date) error {
		if req.Amount != nil && *req.Amount != p.Amount {
			if p.IsActive {
				if err := invoices.ApplyPaymentChange(inv, p.Amount, *req.Amount, today); err != nil {
					return err
				}
			}
			p.Amount = *req.Amount
		}
		if req.PaidAt != nil {
			p.PaidAt = dbtypes.Time{Time: req.PaidAt.UTC().Truncate(time.Second)}
		}
		if req.Method != nil {
			p.Method = *req.Method
		}
		if req.Reference != nil {
			p.Reference = req.Reference
		}
		if req.Metadata.Valid {
			p.Metadata = req.Metadata
		}
		if req.Notes != nil {
			p.Notes = req.Notes
		}
		return nil
	})
}

// Remove is DELETE /payments/:id: the payment is deactivated and its amount leaves the invoice.
// Deleting an inactive payment changes nothing.
func (s *Service) Remove(ctx context.Context, companyID, id string) error {
	_, err := s.withLocked(ctx, companyID, id, func(p *Payment, inv *invoices.Invoice, today dbtypes.Date) error {
		if !p.IsActive {
			return nil
		}
		invoices.RemovePayment(inv, p.Amount)
		p.IsActive = false
		return nil
	})
	return err
}

// Activate is POST /payments/:id/activate: the amount returns to the invoice if it still fits.
// Activating an active payment changes nothing.
func (s *Service) Activate(ctx context.Context, companyID, id string) (*Payment, error) {
	return s.withLocked(ctx, companyID, id, func(p *Payment, inv *invoices.Invoice, today dbtypes.Date) error {
		if p.IsActive {
			return nil
		}
		if err := invoices.RestorePayment(inv, p.Amount, today); err != nil {
			return err
		}
		p.IsActive = true
		return nil
	})
}

// Get is GET /payments/:id, with invoice.tenant and invoice.occupancy.
func (s *Service) Get(ctx context.Context, companyID, id string) (*Payment, error) {
	p, err := s.store.Get(ctx, s.DB, companyID, id, false)
	if err != nil {
		if errors.Is(err, db.ErrNotFound) {
			return nil, NotFound(id)
		}
		return nil, err
	}
	if err := s.attachInvoices(ctx, companyID, []*Payment{p}, true); err != nil {
		return nil, err
	}
	return p, nil
}

// List returns a page of payments; withInvoice loads invoice.tenant.
func (s *Service) List(ctx context.Context, companyID string, f Filter, withInvoice bool, page httpx.Page) ([]*Payment, int, error) {
	list, err := s.store.Page(ctx, s.DB, companyID, f, page)
	if err != nil {
		return nil, 0, err
	}
	total, err := s.ListCache.PageTotal(ctx, companyID, f.Key(), len(list), page.Limit, page.Offset,
		func(ctx context.Context) (int, error) { return s.store.Count(ctx, s.DB, companyID, f) })
	if err != nil {
		return nil, 0, err
	}
	if withInvoice {
		if err := s.attachInvoices(ctx, companyID, list, false); err != nil {
			return nil, 0, err
		}
	}
	return list, total, nil
}

// ByInvoice is GET /payments/invoice/:id: the invoice's active payments. An unknown invoice is 404.
func (s *Service) ByInvoice(ctx context.Context, companyID, invoiceID string, page httpx.Page) ([]*Payment, int, error) {
	if err := s.Invoices.Require(ctx, companyID, invoiceID); err != nil {
		return nil, 0, err
	}
	return s.List(ctx, companyID, Filter{InvoiceID: invoiceID}, false, page)
}

// Stats is GET /payments/stats.
func (s *Service) Stats(ctx context.Context, companyID string, f Filter) (Stats, error) {
	return s.store.Stats(ctx, s.DB, companyID, f)
}

// attachInvoices loads each payment's invoice with its tenant (and occupancy when withOccupancy),
// in one query per relation.
func (s *Service) attachInvoices(ctx context.Context, companyID string, list []*Payment, withOccupancy bool) error {
	ids := make([]string, 0, len(list))
	for _, p := range list {
		ids = append(ids, p.InvoiceID)
	}
	byID, err := s.Invoices.ByIDs(ctx, companyID, ids, invoices.Includes{Tenant: true, Occupancy: withOccupancy})
	if err != nil {
		return err
	}
	for _, p := range list {
		p.Invoice = byID[p.InvoiceID]
	}
	return nil
}
