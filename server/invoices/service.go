package invoices

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/occupancies"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/money"
	"github.com/ternant/ternant/server/tenants"
)

// Service holds the invoice rules.
type Service struct {
	DB    *db.DB
	store store
	// Tenants and Leases answer the tenant and occupancy an invoice names (checked active on a
	// write, included in reads).
	Tenants *tenants.Service
	Leases  *occupancies.Service
	// InvalidateDashboard, when set, is called after every committed write that changes a dashboard
	// figure, with the company whose figures changed.
	InvalidateDashboard func(ctx context.Context, companyID string)
	// Now returns the current time (tests pin it); nil means time.Now.
	Now func() time.Time
}

// NewService returns the service over database, reading tenants and leases through ts and ls.
func NewService(database *db.DB, ts *tenants.Service, ls *occupancies.Service) *Service {
	return &Service{DB: database, Tenants: ts, Leases: ls}
}

func (s *Service) today() dbtypes.Date {
	if s.Now != nil {
		return dbtypes.DateOf(s.Now())
	}
	return dbtypes.Today()
}

func (s *Service) invalidate(ctx context.Context, companyID string) {
	if s.InvalidateDashboard != nil {
		s.InvalidateDashboard(ctx, companyID)
	}
}

// NotFound is the 404 for a missing invoice.
func NotFound(id string) error { return httpx.NotFound("Invoice with ID " + id + " not found") }

// notFoundAs turns db.ErrNotFound into the entity's 404 and passes other errors on.
func notFoundAs(err error, nf error) error {
	if errors.Is(err, db.ErrNotFound) {
		return nf
	}
	return err
}

// newID returns a time-ordered UUID (v7).
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// Create is POST /invoices.
func (s *Service) Create(ctx context.Context, companyID string, req CreateRequest) (*Invoice, error) {
	tax := money.Amount(0)
	if req.TaxAmount != nil {
		tax = *req.TaxAmount
	}
	paid := money.Amount(0)
	if req.AmountPaid != nil {
		paid = *req.AmountPaid
	}
	if err := checkTotals(req.LineItems, *req.Subtotal, tax, *req.TotalAmount, paid); err != nil {
		return nil, err
	}
	if req.DueDate.Before(req.InvoiceDate) {
		return nil, httpx.BadRequest("Due date must be on or after invoice date")
	}
	now := dbtypes.Now()
	inv := &Invoice{
		ID: newID(), CompanyID: companyID, InvoiceNumber: req.InvoiceNumber, OccupancyID: req.OccupancyID,
		TenantID: req.TenantID, InvoiceDate: req.InvoiceDate, DueDate: req.DueDate, Status: Draft,
		LineItems: dbtypes.JSONOf(LineItems(req.LineItems)), Subtotal: *req.Subtotal, TaxAmount: tax,
		TotalAmount: *req.TotalAmount, AmountPaid: paid, Notes: req.Notes, IsActive: true, CreatedAt: now, UpdatedAt: now,
	}
	if req.Status != nil {
		inv.Status = *req.Status
	}
	if inv.Status == Paid {
		today := s.today()
		inv.PaidDate = &today
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := s.checkRefs(ctx, tx, companyID, inv.OccupancyID, inv.TenantID); err != nil {
			return err
		}
		return s.insert(ctx, tx, inv, "Invoice with number '"+inv.InvoiceNumber+"' already exists")
	})
	if err != nil {
		return nil, err
	}
	s.invalidate(ctx, companyID)
	return inv, nil
}

// checkRefs requires the occupancy and tenant to be the company's and active.
func (s *Service) checkRefs(ctx context.Context, q db.Queryer, companyID, occupancyID, tenantID string) error {
	if _, err := s.Leases.RequireActive(ctx, q, companyID, occupancyID); err != nil {
		return err
	}
	_, err := s.Tenants.RequireActive(ctx, q, companyID, tenantID)
	return err
}

// insert writes inv, answering a duplicate number with 409 conflictMsg.
func (s *Service) insert(ctx context.Context, q db.Queryer, inv *Invoice, conflictMsg string) error {
	err := s.store.Insert(ctx, q, inv)
	if errors.Is(err, db.ErrConflict) {
		return httpx.Conflict(conflictMsg)
	}
	return err
}

// Get is GET /invoices/:id: the invoice with its tenant and occupancy.apartment.
func (s *Service) Get(ctx context.Context, companyID, id string) (*Invoice, error) {
	inv, err := s.store.Get(ctx, s.DB, companyID, id)
	if err != nil {
		return nil, notFoundAs(err, NotFound(id))
	}
	if err := s.include(ctx, companyID, []*Invoice{inv}, Includes{Tenant: true, Occupancy: true}, true); err != nil {
		return nil, err
	}
	return inv, nil
}

// Includes names the relations a list loads.
type Includes struct{ Tenant, Occupancy bool }

// List returns a page of invoices with the requested relations.
func (s *Service) List(ctx context.Context, companyID string, f Filter, inc Includes, page httpx.Page) ([]*Invoice, int, error) {
	list, total, err := s.store.List(ctx, s.DB, companyID, f, page)
	if err != nil {
		return nil, 0, err
	}
	if err := s.include(ctx, companyID, list, inc, false); err != nil {
		return nil, 0, err
	}
	return list, total, nil
}

// ByTenant is GET /invoices/tenant/:id: the tenant's active invoices with their occupancy. An
// unknown tenant is 404.
func (s *Service) ByTenant(ctx context.Context, companyID, tenantID string, page httpx.Page) ([]*Invoice, int, error) {
	if _, err := s.Tenants.Get(ctx, companyID, tenantID); err != nil {
		return nil, 0, err
	}
	return s.List(ctx, companyID, Filter{TenantID: tenantID}, Includes{Occupancy: true}, page)
}

// ByOccupancy is GET /invoices/occupancy/:id: the occupancy's active invoices with their tenant.
// An unknown occupancy is 404.
func (s *Service) ByOccupancy(ctx context.Context, companyID, occupancyID string, page httpx.Page) ([]*Invoice, int, error) {
	occs, err := s.Leases.ByIDs(ctx, companyID, []string{occupancyID}, false)
	if err != nil {
		return nil, 0, err
	}
	if _, ok := occs[occupancyID]; !ok {
		return nil, 0, occupancies.NotFound(occupancyID)
	}
	return s.List(ctx, companyID, Filter{OccupancyID: occupancyID}, Includes{Tenant: true}, page)
}

// Overdue lists open invoices past due, earliest due first.
func (s *Service) Overdue(ctx context.Context, companyID string, page httpx.Page) ([]*Invoice, int, error) {
	today := s.today()
	return s.List(ctx, companyID, Filter{Open: true, DueBefore: &today, OrderByDue: true}, Includes{true, true}, page)
}

// DueSoon lists open invoices due between today and daysAhead days from now.
func (s *Service) DueSoon(ctx context.Context, companyID string, daysAhead int, page httpx.Page) ([]*Invoice, int, error) {
	from := s.today()
	to := from.AddDays(daysAhead)
	return s.List(ctx, companyID, Filter{Open: true, DueFrom: &from, DueTo: &to, OrderByDue: true}, Includes{true, true}, page)
}

// Stats is GET /invoices/stats.
func (s *Service) Stats(ctx context.Context, companyID string) (Stats, error) {
	return s.store.Stats(ctx, s.DB, companyID, s.today())
}

// Update is PATCH /invoices/:id. Paid and cancelled invoices cannot change; a status change obeys
// the state machine; the merged figures must add up.
func (s *Service) Update(ctx context.Context, companyID, id string, req UpdateRequest) (*Invoice, error) {
	var inv *Invoice
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if inv, err = s.store.Lock(ctx, tx, companyID, id); err != nil {
			return notFoundAs(err, NotFound(id))
		}
		if inv.Status == Paid || inv.Status == Cancelled {
			return httpx.BadRequest(fmt.Sprintf("Cannot update %s invoice", inv.Status))
		}
		number := inv.InvoiceNumber
		if req.InvoiceNumber != nil {
			inv.InvoiceNumber = *req.InvoiceNumber
		}
		if req.OccupancyID != nil || req.TenantID != nil {
			inv.OccupancyID = deref(req.OccupancyID, inv.OccupancyID)
			inv.TenantID = deref(req.TenantID, inv.TenantID)
			if err := s.checkRefs(ctx, tx, companyID, inv.OccupancyID, inv.TenantID); err != nil {
				return err
			}
		}
		if req.InvoiceDate != nil {
			inv.InvoiceDate = *req.InvoiceDate
		}
		if req.DueDate != nil {
			inv.DueDate = *req.DueDate
		}
		if inv.DueDate.Before(inv.InvoiceDate) {
			return httpx.BadRequest("Due date must be on or after invoice date")
		}
		if req.LineItems != nil {
			inv.LineItems = dbtypes.JSONOf(LineItems(req.LineItems))
		}
		inv.Subtotal = deref(req.Subtotal, inv.Subtotal)
		inv.TaxAmount = deref(req.TaxAmount, inv.TaxAmount)
		inv.TotalAmount = deref(req.TotalAmount, inv.TotalAmount)
		if err := checkTotals(inv.LineItems.V, inv.Subtotal, inv.TaxAmount, inv.TotalAmount, inv.AmountPaid); err != nil {
			return err
		}
		if req.Notes != nil {
			inv.Notes = req.Notes
		}
		if req.Status != nil && *req.Status != inv.Status {
			if err := s.transition(inv, *req.Status); err != nil {
				return err
			}
		}
		err = s.store.Update(ctx, tx, inv)
		if errors.Is(err, db.ErrConflict) && inv.InvoiceNumber != number {
			return httpx.Conflict("Invoice with number '" + inv.InvoiceNumber + "' already exists")
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	s.invalidate(ctx, companyID)
	return inv, nil
}

func deref[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

// transition moves inv to status under the state machine. Going to paid records paidDate and, as
// in TernantApp, settles amountPaid up to the total.
func (s *Service) transition(inv *Invoice, to Status) error {
	if err := checkTransition(inv.Status, to); err != nil {
		return err
	}
	if to == Paid {
		today := s.today()
		inv.PaidDate = &today
		if inv.AmountPaid < inv.TotalAmount {
			inv.AmountPaid = inv.TotalAmount
		}
	}
	inv.Status = to
	return nil
}

// ChangeStatus is PATCH /invoices/:id/status.
func (s *Service) ChangeStatus(ctx context.Context, companyID, id string, req StatusRequest) (*Invoice, error) {
	return s.SetStatus(ctx, companyID, id, req.Status)
}

// Send is POST /invoices/:id/send.
func (s *Service) Send(ctx context.Context, companyID, id string) (*Invoice, error) {
	return s.SetStatus(ctx, companyID, id, Sent)
}

// SetStatus moves an invoice to status under the state machine.
func (s *Service) SetStatus(ctx context.Context, companyID, id string, to Status) (*Invoice, error) {
	return s.change(ctx, companyID, id, func(inv *Invoice) error { return s.transition(inv, to) })
}

// Cancel is POST /invoices/:id/cancel.
func (s *Service) Cancel(ctx context.Context, companyID, id string) (*Invoice, error) {
	return s.change(ctx, companyID, id, func(inv *Invoice) error {
		if inv.Status == Paid {
			return httpx.BadRequest("Cannot cancel paid invoice")
		}
		return s.transition(inv, Cancelled)
	})
}

// RecordPayment is POST /invoices/:id/payment, run inside the caller's transaction (so an
// idempotency key can share it).
func (s *Service) RecordPayment(ctx context.Context, tx *db.Tx, companyID, id string, req PaymentRequest) (*Invoice, error) {
	amount := *req.Amount
	if amount <= 0 {
		return nil, httpx.Invalid("amount must not be less than 0.01")
	}
	inv, err := s.store.Lock(ctx, tx, companyID, id)
	if err != nil {
		return nil, notFoundAs(err, NotFound(id))
	}
	if err := ApplyDirectPayment(inv, amount, s.today()); err != nil {
		return nil, err
	}
	if err := s.store.SaveBalance(ctx, tx, inv); err != nil {
		return nil, err
	}
	return inv, nil
}

// PaymentCommitted tells the service a transaction that changed the company's invoice balances
// has committed (a payment recorded, changed, removed or restored).
func (s *Service) PaymentCommitted(ctx context.Context, companyID string) {
	s.invalidate(ctx, companyID)
}

// ApplyPayment takes a payment of amount onto the company's active invoice inside the caller's
// transaction: the invoice row is locked, the amount must fit its outstanding balance, and its
// amountPaid, status and paidDate move with it. A missing or inactive invoice is its 404.
func (s *Service) ApplyPayment(ctx context.Context, tx *db.Tx, companyID, invoiceID string, amount money.Amount) (*Invoice, error) {
	inv, err := s.store.Lock(ctx, tx, companyID, invoiceID)
	if err == nil && !inv.IsActive {
		err = db.ErrNotFound
	}
	if err != nil {
		return nil, notFoundAs(err, NotFound(invoiceID))
	}
	if err := ApplyPayment(inv, amount, s.today()); err != nil {
		return nil, err
	}
	if err := s.store.SaveBalance(ctx, tx, inv); err != nil {
		return nil, err
	}
	return inv, nil
}

// AdjustBalance locks the company's invoice inside the caller's transaction, lets change move its
// balance (with ApplyPaymentChange, RemovePayment or RestorePayment) and saves the balance when
// it moved. Callers that lock a payment too lock the invoice first, the order every balance
// change takes.
func (s *Service) AdjustBalance(ctx context.Context, tx *db.Tx, companyID, invoiceID string, change func(inv *Invoice, today dbtypes.Date) error) error {
	inv, err := s.store.Lock(ctx, tx, companyID, invoiceID)
	if err != nil {
		return err
	}
	before := *inv
	if err := change(inv, s.today()); err != nil {
		return err
	}
	if inv.AmountPaid != before.AmountPaid || inv.Status != before.Status {
		return s.store.SaveBalance(ctx, tx, inv)
	}
	return nil
}

// Require answers the invoice's 404 unless the company has it (active or not).
func (s *Service) Require(ctx context.Context, companyID, id string) error {
	_, err := s.store.Get(ctx, s.DB, companyID, id)
	return notFoundAs(err, NotFound(id))
}

// ByIDs reads the company's invoices among ids (active or not) keyed by id, with the relations
// inc names (occupancies without their apartment).
func (s *Service) ByIDs(ctx context.Context, companyID string, ids []string, inc Includes) (map[string]*Invoice, error) {
	byID, err := s.store.ByIDs(ctx, s.DB, companyID, ids)
	if err != nil {
		return nil, err
	}
	list := make([]*Invoice, 0, len(byID))
	for _, inv := range byID {
		list = append(list, inv)
	}
	if err := s.include(ctx, companyID, list, inc, false); err != nil {
		return nil, err
	}
	return byID, nil
}

// Today is the service's current date (tests pin Now).
func (s *Service) Today() dbtypes.Date { return s.today() }

// Remove is DELETE /invoices/:id: only draft or cancelled invoices, soft.
func (s *Service) Remove(ctx context.Context, companyID, id string) error {
	_, err := s.change(ctx, companyID, id, func(inv *Invoice) error {
		if inv.Status != Draft && inv.Status != Cancelled {
			return httpx.BadRequest("Can only delete draft or cancelled invoices")
		}
		inv.IsActive = false
		return nil
	})
	return err
}

// Activate is POST /invoices/:id/activate.
func (s *Service) Activate(ctx context.Context, companyID, id string) (*Invoice, error) {
	return s.change(ctx, companyID, id, func(inv *Invoice) error { inv.IsActive = true; return nil })
}

// change locks the invoice, applies fn and writes it back in one transaction.
func (s *Service) change(ctx context.Context, companyID, id string, fn func(*Invoice) error) (*Invoice, error) {
	var inv *Invoice
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if inv, err = s.store.Lock(ctx, tx, companyID, id); err != nil {
			return notFoundAs(err, NotFound(id))
		}
		if err := fn(inv); err != nil {
			return err
		}
		return s.store.Update(ctx, tx, inv)
	})
	if err != nil {
		return nil, err
	}
	s.invalidate(ctx, companyID)
	return inv, nil
}

// ParseMonth reads "YYYY-MM" and returns its first and last days.
func ParseMonth(month string) (first, last dbtypes.Date, err error) {
	t, perr := time.Parse("2006-01", month)
	if perr != nil || len(month) != 7 {
		return first, last, httpx.Invalid("month must be a valid month in YYYY-MM format")
	}
	first = dbtypes.NewDate(t.Year(), t.Month(), 1)
	last = dbtypes.DateOf(first.Time().AddDate(0, 1, -1))
	return first, last, nil
}

// RentNumber is the rent invoice number of an occupancy's month: INV-{YYYY}{MM}-{occupancyId[0:8]}.
func RentNumber(first dbtypes.Date, occupancyID string) string {
	short := occupancyID
	if len(short) > 8 {
		short = short[:8]
	}
	return fmt.Sprintf("INV-%04d%02d-%s", first.Time().Year(), int(first.Time().Month()), short)
}

// rentInvoice builds the draft rent invoice of an occupancy for the month starting first. A due
// day past the month's end falls on its last day.
func rentInvoice(occ occupancies.Occupancy, first, last dbtypes.Date, dueDay int) *Invoice {
	if dueDay > last.Time().Day() {
		dueDay = last.Time().Day()
	}
	label := first.Time().Format("January 2006")
	rent := occ.MonthlyRent
	typ := "rent"
	notes := "Automatically generated rent invoice for " + label
	now := dbtypes.Now()
	return &Invoice{
		ID: newID(), CompanyID: occ.CompanyID, InvoiceNumber: RentNumber(first, occ.ID), OccupancyID: occ.ID,
		TenantID: occ.TenantID, InvoiceDate: first, DueDate: first.AddDays(dueDay - 1), Status: Draft,
		LineItems: dbtypes.JSONOf(LineItems{{Description: "Monthly Rent - " + label, Quantity: 100,
			UnitPrice: money.Number(rent), Amount: money.Number(rent), Type: &typ}}),
		Subtotal: rent, TotalAmount: rent, Notes: &notes, IsActive: true, CreatedAt: now, UpdatedAt: now,
	}
}

// errRentExists reports that the occupancy already has the month's rent invoice.
var errRentExists = httpx.Conflict("Invoice for this period already exists")

// insertRent writes a rent invoice under TernantApp's number INV-{YYYY}{MM}-{occupancyId[0:8]}.
// Time-ordered (v7) ids share their first 8 characters for about a minute, so when that number
// already belongs to another occupancy's invoice the full occupancy id is used instead. The
// result is errRentExists when this occupancy already has the month's invoice.
func (s *Service) insertRent(ctx context.Context, q db.Queryer, inv *Invoice) error {
	first := inv.InvoiceDate
	for _, number := range []string{RentNumber(first, inv.OccupancyID), rentNumberLong(first, inv.OccupancyID)} {
		inv.InvoiceNumber = number
		err := s.store.Insert(ctx, q, inv)
		if !errors.Is(err, db.ErrConflict) {
			return err
		}
		owner, err := s.store.OccupancyOfNumber(ctx, q, inv.CompanyID, number)
		if err != nil {
			return err
		}
		if owner == inv.OccupancyID {
			return errRentExists
		}
	}
	return errRentExists
}

// rentNumberLong is the collision-free rent number: INV-{YYYY}{MM}-{occupancyId}.
func rentNumberLong(first dbtypes.Date, occupancyID string) string {
	return fmt.Sprintf("INV-%04d%02d-%s", first.Time().Year(), int(first.Time().Month()), occupancyID)
}

// GenerateRent is POST /invoices/generate-rent.
func (s *Service) GenerateRent(ctx context.Context, companyID string, req GenerateRentRequest) (*Invoice, error) {
	first, last, err := ParseMonth(req.Month)
	if err != nil {
		return nil, err
	}
	occ, err := s.Leases.RequireActive(ctx, s.DB, companyID, req.OccupancyID)
	if err != nil {
		return nil, err
	}
	inv := rentInvoice(occ, first, last, deref(req.DueDay, 5))
	if err := s.insertRent(ctx, s.DB, inv); err != nil {
		return nil, err
	}
	s.invalidate(ctx, companyID)
	return inv, nil
}

// GenerateRentBulk is POST /invoices/generate-rent/bulk: one rent invoice per active lease of the
// company overlapping the month. A lease that already has the month's invoice is skipped, so the
// call is idempotent (and concurrent calls cannot duplicate: the number is unique).
func (s *Service) GenerateRentBulk(ctx context.Context, companyID string, req BulkGenerateRequest) (*BulkResult, error) {
	first, last, err := ParseMonth(req.Month)
	if err != nil {
		return nil, err
	}
	leases, err := s.Leases.ActiveInMonth(ctx, companyID, first, last)
	if err != nil {
		return nil, err
	}
	res := &BulkResult{Month: req.Month, Invoices: []*Invoice{}}
	for _, occ := range leases {
		inv := rentInvoice(occ, first, last, deref(req.DueDay, 5))
		err := s.insertRent(ctx, s.DB, inv)
		switch {
		case errors.Is(err, errRentExists):
			res.Skipped++
		case err != nil:
			return nil, err
		default:
			res.Created++
			res.Invoices = append(res.Invoices, inv)
		}
	}
	if res.Created > 0 {
		s.invalidate(ctx, companyID)
	}
	return res, nil
}

// MarkOverdue moves every active sent invoice past its due date to overdue, across companies (the
// scheduled job; one runner at a time holds its lock). It is idempotent: a second run finds
// nothing. It returns how many invoices changed.
func (s *Service) MarkOverdue(ctx context.Context) (int, error) {
	today := s.today()
	companies, n, err := s.store.MarkOverdue(ctx, s.DB, today)
	if err != nil {
		return 0, err
	}
	for _, c := range companies {
		s.invalidate(ctx, c)
	}
	return n, nil
}
