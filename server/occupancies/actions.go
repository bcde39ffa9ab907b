package occupancies

import (
	"context"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/money"
)

// Update applies a partial update and answers with the lease as Get does. When the dates or the apartment change, the end-after-start
// rule and the overlap rule are checked again under the (new) apartment's row lock.
func (s *Service) Update(ctx context.Context, companyID, id string, in UpdateInput) (Occupancy, error) {
	if msgs := in.check(); len(msgs) > 0 {
		return Occupancy{}, httpx.Invalid(msgs...)
	}
	if in.TenantID != nil {
		if _, err := s.Tenants.RequireActive(ctx, s.DB, companyID, *in.TenantID); err != nil {
			return Occupancy{}, err
		}
	}
	recheck := in.LeaseStartDate != nil || in.LeaseEndDate != nil || in.ApartmentID != nil
	o, err := s.modify(ctx, companyID, id, func(tx *db.Tx, o *Occupancy) error {
		moved := in.ApartmentID != nil && *in.ApartmentID != o.ApartmentID
		in.apply(o)
		if !recheck {
			return nil
		}
		if !o.LeaseEndDate.After(o.LeaseStartDate) {
			return httpx.BadRequest(msgEndBeforeStart)
		}
		lock := s.Apartments.Lock
		if moved {
			lock = s.Apartments.LockActive
		}
		if _, err := lock(ctx, tx, companyID, o.ApartmentID); err != nil {
			return err
		}
		return s.checkOverlap(ctx, tx, o)
	})
	if err != nil {
		return o, err
	}
	// TernantApp answers with the lease as GET /occupancies/:id shows it: tenant and apartment
	// (with its compound) included, read after the change.
	rows := []Occupancy{o}
	if err := s.include(ctx, companyID, rows, true); err != nil {
		return o, err
	}
	return rows[0], nil
}

// SetStatus changes only the status, unchecked (TernantApp v1.0.1).
func (s *Service) SetStatus(ctx context.Context, companyID, id string, in StatusInput) (Occupancy, error) {
	return s.modify(ctx, companyID, id, func(_ *db.Tx, o *Occupancy) error {
		o.Status = in.Status
		return nil
	})
}

// End marks a lease ended with a move-out date (today by default). The apartment's status is left
// alone, as in TernantApp.
func (s *Service) End(ctx context.Context, companyID, id string, in EndInput) (Occupancy, error) {
	return s.modify(ctx, companyID, id, func(_ *db.Tx, o *Occupancy) error {
		if o.Status == StatusEnded {
			return httpx.BadRequest(msgAlreadyEnded)
		}
		o.Status = StatusEnded
		moveOut := s.today()
		if in.MoveOutDate != nil {
			moveOut = *in.MoveOutDate
		}
		o.MoveOutDate = &moveOut
		return nil
	})
}

// PayDeposit adds the amount to depositPaid, which may not pass the security deposit.
func (s *Service) PayDeposit(ctx context.Context, companyID, id string, in DepositInput) (Occupancy, error) {
	amount := *in.Amount
	if amount <= 0 {
		return Occupancy{}, httpx.Invalid("amount must be a positive number")
	}
	return s.modify(ctx, companyID, id, func(_ *db.Tx, o *Occupancy) error {
		var required money.Amount
		if o.SecurityDeposit != nil {
			required = *o.SecurityDeposit
		}
		paid, err := o.DepositPaid.Add(amount)
		if err != nil || paid > required {
			return httpx.BadRequest(msgDepositExceeded)
		}
		o.DepositPaid = paid
		return nil
	})
}

// Delete soft-deletes a lease unless it is active.
func (s *Service) Delete(ctx context.Context, companyID, id string) error {
	_, err := s.modify(ctx, companyID, id, func(_ *db.Tx, o *Occupancy) error {
		if o.Status == StatusActive {
			return httpx.BadRequest(msgDeleteActive)
		}
		o.IsActive = false
		return nil
	})
	return err
}

// Activate restores a soft-deleted lease.
func (s *Service) Activate(ctx context.Context, companyID, id string) (Occupancy, error) {
	return s.modify(ctx, companyID, id, func(_ *db.Tx, o *Occupancy) error {
		o.IsActive = true
		return nil
	})
}

// modify locks the lease row, applies change and writes it back in one transaction, then returns
// the stored lease without includes.
func (s *Service) modify(ctx context.Context, companyID, id string, change func(*db.Tx, *Occupancy) error) (Occupancy, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		o, err := s.store.GetForUpdate(ctx, tx, companyID, id)
		if err != nil {
			return notFound(id, err)
		}
		if err := change(tx, &o); err != nil {
			return err
		}
		o.UpdatedAt = dbtypes.Now()
		return s.store.Update(ctx, tx, &o)
	})
	if err != nil {
		return Occupancy{}, err
	}
	s.invalidate(ctx, companyID)
	out, err := s.store.Get(ctx, s.DB, companyID, id)
	return out, notFound(id, err)
}
