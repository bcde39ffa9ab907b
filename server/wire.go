package server

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/ternant/ternant/server/apartments"
	"github.com/ternant/ternant/server/auth"
	"github.com/ternant/ternant/server/companies"
	"github.com/ternant/ternant/server/compounds"
	"github.com/ternant/ternant/server/dashboard"
	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/invoices"
	"github.com/ternant/ternant/server/occupancies"
	"github.com/ternant/ternant/server/payments"
	"github.com/ternant/ternant/server/platform/cache"
	"github.com/ternant/ternant/server/platform/idempotency"
	"github.com/ternant/ternant/server/platform/mail"
	"github.com/ternant/ternant/server/platform/ratelimit"
	"github.com/ternant/ternant/server/reminders"
	"github.com/ternant/ternant/server/reports"
	"github.com/ternant/ternant/server/superadmin"
	"github.com/ternant/ternant/server/tenants"
	"github.com/ternant/ternant/server/users"
)

// deliveryTimeout bounds the background delivery of one reminder created through the API.
const deliveryTimeout = 5 * time.Minute

// wire is the composition root: it builds every domain service on s.DB, s.Redis and s.Cache, in
// dependency order, connects the hooks that keep caches true after a committed write, and returns
// the HTTP modules in route-table order. Nothing else in the server constructs a service.
func (s *Server) wire() ([]httpx.Module, error) {
	cfg := s.Config

	// Accounts: rate limiting, authentication, companies, users and the super-admin console.
	// Company and user reads are cached for REDIS_TTL; every write drops what it changed.
	s.Limiter = ratelimit.New(s.Redis, s.KeyPrefix, s.Log)
	var rdb auth.RedisClient
	if s.Redis != nil {
		rdb = s.Redis
	}
	a, err := auth.NewService(auth.Config{
		AccessSecret: cfg.JWTSecret, RefreshSecret: cfg.JWTRefreshSecret, BcryptCost: cfg.BcryptCost,
		LoginLimit: cfg.LoginLimit, KeyPrefix: s.KeyPrefix,
	}, s.DB, rdb, s.Limiter, s.Log)
	if err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	a.Cache = s.Cache
	s.Auth = a
	us := users.NewService(s.DB, a, a.HashPassword, s.Cache, cfg.CacheTTL)
	cos := companies.NewService(s.DB, us, a, s.Cache, cfg.CacheTTL)
	a.Companies = cos
	sa := superadmin.NewService(s.DB, cos, us, a)

	// Property: compounds, apartments, tenants and leases. List pages and counts are cached per
	// company; every write drops its own list, and a compound write also drops the apartments
	// list, whose rows include their compound.
	cs := compounds.NewService(s.DB)
	cs.Cache, cs.TTL = s.Cache, cfg.CacheTTL
	as := apartments.NewService(s.DB, cs)
	ts := tenants.NewService(s.DB)
	cs.ListCache = s.listCache("compounds")
	as.ListCache = s.listCache("apartments")
	ts.ListCache = s.listCache("tenants")
	cs.InvalidateApartmentLists = as.ListCache.Invalidate
	ls := occupancies.NewService(s.DB, ts, as)

	// Billing: invoices, payments (adjusting invoices under a row lock, once per Idempotency-Key),
	// reminders (delivered in the background when MAIL_HOST is set; the scheduled jobs retry what
	// fails) and reports (cached in Redis under the server's key prefix).
	inv := invoices.NewService(s.DB, ts, ls)
	pay := payments.NewService(s.DB, inv)
	pay.ListCache = s.listCache("payments")
	rem := reminders.NewService(s.DB, inv, ts)
	rem.Dispatch = s.reminderDispatch()
	rep := reports.NewService(s.DB, s.Redis, s.KeyPrefix, reports.DefaultTTL, s.Log)
	once := idempotency.New(s.DB)

	// Apartment, lease, invoice and payment writes change dashboard figures: each committed one
	// drops the company's cached dashboard.
	as.InvalidateDashboard = s.invalidateDashboard
	ls.InvalidateDashboard = s.invalidateDashboard
	inv.InvalidateDashboard = s.invalidateDashboard

	return []httpx.Module{
		dashboard.NewHandler(dashboard.NewService(s.DB, s.Cache, cfg.DashboardCacheTTL)),
		a, &companies.Handler{Service: cos}, &users.Handler{Service: us}, &superadmin.Handler{Service: sa},
		&invoices.Handler{Service: inv, Once: once},
		&payments.Handler{Service: pay, Once: once},
		&reminders.Handler{Service: rem},
		&reports.Handler{Service: rep},
		&compounds.Handler{Service: cs, Pages: cs.ListCache},
		&apartments.Handler{Service: as, Pages: as.ListCache},
		&tenants.Handler{Service: ts, Pages: ts.ListCache},
		&occupancies.Handler{Service: ls},
	}, nil
}

// reminderDispatch delivers a reminder created through the API in the background, or is nil when
// no MAIL_HOST is set (the reminder stays pending for the scheduled jobs).
func (s *Server) reminderDispatch() func(companyID, id string) {
	sender := mail.New(s.Config.Mail)
	if sender == nil {
		return nil
	}
	d := &reminders.Deliverer{DB: s.DB, Mail: sender, Log: s.Log}
	return func(companyID, id string) {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), deliveryTimeout)
			defer cancel()
			if _, err := d.Deliver(ctx, companyID, id); err != nil {
				s.Log.Warn("reminder delivery failed; the reminders jobs will retry it", "reminder", id, "err", err)
			}
		}()
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

// invalidateDashboard drops a company's cached dashboard figures.
func (s *Server) invalidateDashboard(ctx context.Context, companyID string) {
	s.Cache.Invalidate(ctx, cache.DashboardStatsKey(companyID))
}

// InvalidateDashboard drops the company's cached dashboard figures, for the scheduled jobs that
// `ternant serve --jobs` runs next to the server (marking invoices overdue changes them).
func (s *Server) InvalidateDashboard(ctx context.Context, companyID string) {
	s.invalidateDashboard(ctx, companyID)
}

// rateLimit limits every API request to THROTTLE_LIMIT per THROTTLE_TTL per client: the user for
// a validly signed access token, else the client IP.
func (s *Server) rateLimit() func(http.Handler) http.Handler {
	return s.Limiter.Middleware(s.limit(), s.Auth.ClientKey, auth.CountRateLimited)
}

// limit is THROTTLE_LIMIT per THROTTLE_TTL.
func (s *Server) limit() ratelimit.Limit {
	return ratelimit.Limit{Rate: s.Config.ThrottleLimit, Period: s.Config.ThrottleTTL}
}

// gate is a route's front: the request rate limit, then its access rule (authentication, then
// role), with the Redis part of all three, and the route's prefetched cache read, in one round trip.
func (s *Server) gate(rt httpx.Route) func(http.Handler) http.Handler {
	return s.Auth.Gate(rt.Access, auth.GateConfig{
		Limiter: s.Limiter, Limit: s.limit(), OnReject: auth.CountRateLimited, Cache: s.Cache,
	}, rt.Prefetch)
}
