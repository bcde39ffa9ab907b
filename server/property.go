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
	cs.ListCache = s.listCache("compounds")
	as.ListCache = s.listCache("apartments")
	ts.ListCache = s.listCache("tenants")
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

// listCache is the cache of one list's pages and counts: LIST_CACHE_TTL long, or off (a cache
// without Redis always reads SQL) when it is 0.
func (s *Server) listCache(list string) *cache.ListCache {
	if s.Config.ListCacheTTL <= 0 {
		return cache.NewListCache(nil, list, 0)
	}
	return cache.NewListCache(s.Cache, list, s.Config.ListCacheTTL)
}

// invalidateDashboard drops a company's cached dashboard figures; the services that change one
// (apartments, leases, invoices, payments) call it after every committed write.
func (s *Server) invalidateDashboard(ctx context.Context, companyID string) {
	s.Cache.Invalidate(ctx, cache.DashboardStatsKey(companyID))
}
