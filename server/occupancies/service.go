package occupancies

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/ternant/ternant/server/apartments"
	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/tenants"
)

// Service holds the lease rules.
type Service struct {
	store      *store
	DB         *db.DB
	Tenants    *tenants.Service
	Apartments *apartments.Service
	// InvalidateDashboard is called after every committed write (leases drive the dashboard's occupancy and
	// revenue figures); nil is a no-op.
	InvalidateDashboard func(ctx context.Context, companyID string)
}

// NewService returns a service over database that checks tenants and apartments through ts and as.
func NewService(database *db.DB, ts *tenants.Service, as *apartments.Service) *Service {
	return &Service{store: &store{DB: database}, DB: database, Tenants: ts, Apartments: as}
}

// NotFound is TernantApp's 404 for an occupancy id.
func NotFound(id string) error {
	return httpx.NotFound(fmt.Sprintf("Occupancy with ID %s not found", id))
}

func notFound(id string, err error) error {
	if errors.Is(err, db.ErrNotFound) {
		return NotFound(id)
	}
	return err
}

// today is the UTC calendar day leases are measured against.
func (s *Service) today() dbtypes.Date { return dbtypes.Today() }

func (s *Service) invalidate(ctx context.Context, companyID string) {
	if s.InvalidateDashboard != nil {
		s.InvalidateDashboard(ctx, companyID)
	}
}

// Create inserts a lease. The apartment row is locked before the overlap check, so of several
// concurrent overlapping creates exactly one commits and the others see it and get the 409.
func (s *Service) Create(ctx context.Context, companyID string, in CreateInput) (Occupancy, error) {
	if msgs := in.check(); len(msgs) > 0 {
		return Occupancy{}, httpx.Invalid(msgs...)
	}
	if !in.LeaseEndDate.After(in.LeaseStartDate) {
		return Occupancy{}, httpx.BadRequest(msgEndBeforeStart)
	}
	// The tenant is checked first, as TernantApp does, so a request naming two bad ids gets the
	// tenant's 404.
	if _, err := s.Tenants.RequireActive(ctx, s.DB, companyID, in.TenantID); err != nil {
		return Occupancy{}, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return Occupancy{}, fmt.Errorf("new occupancy id: %w", err)
	}
	now := dbtypes.Now()
	o := Occupancy{
		ID: id.String(), CompanyID: companyID, CreatedAt: now, UpdatedAt: now,
		TenantID: in.TenantID, ApartmentID: in.ApartmentID, LeaseStartDate: in.LeaseStartDate,
		LeaseEndDate: in.LeaseEndDate, MonthlyRent: *in.MonthlyRent, SecurityDeposit: in.SecurityDeposit,
		MoveInDate: in.MoveInDate, MoveOutDate: in.MoveOutDate, Status: StatusPending, Notes: in.Notes, IsActive: true,
	}
	setIf(&o.DepositPaid, in.DepositPaid)
	setIf(&o.Status, in.Status)
	if err := depositRule(&o); err != nil {
		return Occupancy{}, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := s.Apartments.LockActive(ctx, tx, companyID, o.ApartmentID); err != nil {
			return err
		}
		if err := s.checkOverlap(ctx, tx, &o); err != nil {
			return err
		}
		return s.store.Insert(ctx, tx, &o)
	})
	if err != nil {
		return Occupancy{}, err
	}
	s.invalidate(ctx, companyID)
	out, err := s.store.Get(ctx, s.DB, companyID, o.ID)
	return out, notFound(o.ID, err)
}

// checkOverlap answers 409 when another pending or active lease on o's apartment overlaps o. The
// caller holds the apartment's row lock; this is the transaction's first plain read, so its
// snapshot is taken after the lock was granted and includes every lease committed before.
func (s *Service) checkOverlap(ctx context.Context, tx *db.Tx, o *Occupancy) error {
	overlap, err := s.store.Overlapping(ctx, tx, o.CompanyID, o.ApartmentID, o.ID, o.LeaseStartDate, o.LeaseEndDate)
	if err != nil {
		return err
	}
	if overlap {
		return httpx.Conflict(msgOverlap)
	}
	return nil
}

// Get returns one lease, active or not, with its tenant and its apartment's compound.
func (s *Service) Get(ctx context.Context, companyID, id string) (Occupancy, error) {
	o, err := s.store.Get(ctx, s.DB, companyID, id)
	if err != nil {
		return o, notFound(id, err)
	}
	rows := []Occupancy{o}
	if err := s.include(ctx, companyID, rows, true); err != nil {
		return o, err
	}
	return rows[0], nil
}

// List returns a page of leases with their tenants and apartments, and the total.
func (s *Service) List(ctx context.Context, companyID string, f ListFilter) ([]Occupancy, int, error) {
	rows, total, err := s.store.List(ctx, companyID, f)
	if err != nil {
		return nil, 0, err
	}
	return rows, total, s.include(ctx, companyID, rows, false)
}

// ActiveFilter narrows f to active leases running today, ending soonest first.
func (s *Service) ActiveFilter(f ListFilter) ListFilter {
	f.Status, f.ActiveOn, f.Order = StatusActive, s.today(), orderEndAsc
	return f
}

// ExpiringFilter narrows f to active leases ending within the next days days, soonest first.
func (s *Service) ExpiringFilter(f ListFilter, days int) ListFilter {
	today := s.today()
	f.Status, f.EndFrom, f.EndTo, f.Order = StatusActive, today, today.AddDays(days), orderEndAsc
	return f
}

// Stats counts leases per status and those ending by the end of this month.
func (s *Service) Stats(ctx context.Context, companyID string) (Stats, error) {
	today := s.today()
	t := today.Time()
	monthEnd := dbtypes.DateOf(time.Date(t.Year(), t.Month()+1, 0, 0, 0, 0, 0, time.UTC))
	return s.store.Stats(ctx, companyID, today, monthEnd)
}

// History returns a tenant (404 if not the company's) with all their leases and apartments.
func (s *Service) History(ctx context.Context, companyID, tenantID string) (History, error) {
	t, err := s.Tenants.Get(ctx, companyID, tenantID)
	if err != nil {
		return History{}, err
	}
	rows, err := s.store.ByTenant(ctx, companyID, tenantID)
	if err != nil {
		return History{}, err
	}
	if err := s.includeApartments(ctx, companyID, rows, false); err != nil {
		return History{}, err
	}
	return History{Tenant: t, Occupancies: rows}, nil
}

// include fills the tenant and apartment of each lease (withCompound: the apartment's compound too)
// with one query per kind.
func (s *Service) include(ctx context.Context, companyID string, rows []Occupancy, withCompound bool) error {
	if len(rows) == 0 {
		return nil
	}
	ids := make([]string, 0, len(rows))
	for _, o := range rows {
		ids = append(ids, o.TenantID)
	}
	byID, err := s.Tenants.ByIDs(ctx, companyID, ids)
	if err != nil {
		return err
	}
	for i := range rows {
		if t, ok := byID[rows[i].TenantID]; ok {
			rows[i].Tenant = &t
		}
	}
	return s.includeApartments(ctx, companyID, rows, withCompound)
}

func (s *Service) includeApartments(ctx context.Context, companyID string, rows []Occupancy, withCompound bool) error {
	if len(rows) == 0 {
		return nil
	}
	ids := make([]string, 0, len(rows))
	for _, o := range rows {
		ids = append(ids, o.ApartmentID)
	}
	byID, err := s.Apartments.ByIDs(ctx, companyID, ids, withCompound)
	if err != nil {
		return err
	}
	for i := range rows {
		if a, ok := byID[rows[i].ApartmentID]; ok {
			rows[i].Apartment = &a
		}
	}
	return nil
}
