package server

import (
	"context"

	"github.com/ternant/ternant/server/apartments"
	"github.com/ternant/ternant/server/compounds"
	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/occupancies"
	"github.com/ternant/ternant/server/platform/cache"
	"github.com/ternant/ternant/server/tenants"
)

// propertyServices are the property domain's services: compounds, apartments, tenants and leases.
type propertyServices struct {
	Compounds   *compounds.Service
	Apartments  *apartments.Service
	Tenants     *tenants.Service
	Occupancies *occupancies.Service
}

// propertyModules builds the property services on s.DB and s.Cache and returns their HTTP modules.
// Apartment and lease writes change dashboard figures, so each committed one drops the company's
// cached dashboard.
func (s *Server) propertyModules() []httpx.Module {
	cs := compounds.NewService(s.DB)
	cs.Cache, cs.TTL = s.Cache, s.Config.CacheTTL
	as := apartments.NewService(s.DB, cs)
	ts := tenants.NewService(s.DB)
	// List pages and counts are cached per company; every write drops its list, and a compound
	// write also drops the apartments list, whose rows include their compound.
	cs.ListCache = cache.NewListCache(s.Cache, "compounds", 0)
	as.ListCache = cache.NewListCache(s.Cache, "apartments", 0)
	ts.ListCache = cache.NewListCache(s.Cache, "tenants", 0)
	cs.Invalidate = as.ListCache.Invalidate
	os := occupancies.NewService(s.DB, ts, as)
	as.Invalidate, os.Invalidate = s.invalidateDashboard, s.invalidateDashboard
	s.property = propertyServices{Compounds: cs, Apartments: as, Tenants: ts, Occupancies: os}
	return []httpx.Module{
		&compounds.Handler{Service: cs, Pages: cs.ListCache},
		&apartments.Handler{Service: as, Pages: as.ListCache},
		&tenants.Handler{Service: ts, Pages: ts.ListCache},
		&occupancies.Handler{Service: os},
	}
}

// invalidateDashboard drops a company's cached dashboard figures; the services that change one
// (apartments, leases, invoices, payments) call it after every committed write.
func (s *Server) invalidateDashboard(ctx context.Context, companyID string) {
	s.Cache.Invalidate(ctx, cache.DashboardStatsKey(companyID))
}
