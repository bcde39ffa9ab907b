package invoices

import (
	"context"
)

// include fills the relations inc names on each invoice, one query per relation, through the
// tenants and occupancies services; withApartment also fills each occupancy's apartment.
func (s *Service) include(ctx context.Context, companyID string, list []*Invoice, inc Includes, withApartment bool) error {
	if len(list) == 0 {
		return nil
	}
	if inc.Tenant {
		ids := make([]string, 0, len(list))
		for _, inv := range list {
			ids = append(ids, inv.TenantID)
		}
		byID, err := s.Tenants.ByIDs(ctx, companyID, ids)
		if err != nil {
			return err
		}
		for _, inv := range list {
			if t, ok := byID[inv.TenantID]; ok {
				inv.Tenant = &t
			}
		}
	}
	if inc.Occupancy {
		ids := make([]string, 0, len(list))
		for _, inv := range list {
			ids = append(ids, inv.OccupancyID)
		}
		byID, err := s.Leases.ByIDs(ctx, companyID, ids, withApartment)
		if err != nil {
			return err
		}
		for _, inv := range list {
			if o, ok := byID[inv.OccupancyID]; ok {
				inv.Occupancy = &o
			}
		}
	}
	return nil
}
