package occupancies

import (
	"context"

	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/dbtypes"
)

// The methods below serve other domains (billing reads leases to invoice them and to include them
// in its answers); the lease rules stay here.

// RequireActive returns a lease of the company that is not deleted (is_active), whatever its
// status, read inside q (the caller's transaction); any other id is the lease 404.
func (s *Service) RequireActive(ctx context.Context, q db.Queryer, companyID, id string) (Occupancy, error) {
	o, err := s.store.Get(ctx, q, companyID, id)
	if err != nil {
		return o, notFound(id, err)
	}
	if !o.IsActive {
		return o, NotFound(id)
	}
	return o, nil
}

// ByIDs returns the company's leases among ids (active or not) keyed by id; withApartment also
// fills each lease's apartment.
func (s *Service) ByIDs(ctx context.Context, companyID string, ids []string, withApartment bool) (map[string]Occupancy, error) {
	rows, err := s.store.ByIDs(ctx, companyID, ids)
	if err != nil {
		return nil, err
	}
	if withApartment {
		if err := s.includeApartments(ctx, companyID, rows, false); err != nil {
			return nil, err
		}
	}
	out := make(map[string]Occupancy, len(rows))
	for _, o := range rows {
		out[o.ID] = o
	}
	return out, nil
}

// ActiveInMonth lists the company's active leases (status active, not deleted) that overlap the
// month [first, last], earliest start first: the leases a month's rent is invoiced for.
func (s *Service) ActiveInMonth(ctx context.Context, companyID string, first, last dbtypes.Date) ([]Occupancy, error) {
	return s.store.InMonth(ctx, companyID, first, last)
}
