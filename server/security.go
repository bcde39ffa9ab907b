package server

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/go-chi/cors"

	"github.com/ternant/ternant/server/auth"
	"github.com/ternant/ternant/server/companies"
	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/identity"
	"github.com/ternant/ternant/server/platform/ratelimit"
	"github.com/ternant/ternant/server/superadmin"
	"github.com/ternant/ternant/server/users"
)

// wireSecurity builds the rate limiter, authentication and the tenancy modules (companies, users,
// super admin) and returns their modules.
func (s *Server) wireSecurity() ([]httpx.Module, error) {
	cfg := s.Config
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
	a.Company = func(ctx context.Context, id string) (any, error) { return companies.Get(ctx, s.DB, id) }
	a.Cache = s.Cache
	s.Auth = a
	// Company and user reads are cached for REDIS_TTL; every write drops what it changed.
	us := &users.Service{DB: s.DB, Sessions: a, Hash: a.HashPassword, Cache: s.Cache, TTL: cfg.CacheTTL}
	cs := &companies.Service{DB: s.DB, Users: us, Auth: a, Cache: s.Cache, TTL: cfg.CacheTTL}
	sa := &superadmin.Service{DB: s.DB, Users: us, Companies: cs, Sessions: a}
	return []httpx.Module{a, cs, us, sa}, nil
}

// rateLimit limits every API request to THROTTLE_LIMIT per THROTTLE_TTL per client: the user for
// a validly signed access token, else the client IP.
func (s *Server) rateLimit() func(http.Handler) http.Handler {
	lim := ratelimit.Limit{Rate: s.Config.ThrottleLimit, Period: s.Config.ThrottleTTL}
	return s.Limiter.Middleware(lim, s.Auth.ClientKey, auth.CountRateLimited)
}

// guard enforces a route's access rule (authentication, then role).
func (s *Server) guard(a identity.Access) func(http.Handler) http.Handler { return s.Auth.Guard(a) }

// opsRateLimit limits the probes, /metrics and the API document to THROTTLE_LIMIT per THROTTLE_TTL
// per client IP, counted apart from the API's limit.
func (s *Server) opsRateLimit() func(http.Handler) http.Handler {
	lim := ratelimit.Limit{Rate: s.Config.ThrottleLimit, Period: s.Config.ThrottleTTL}
	return s.Limiter.Middleware(lim, func(r *http.Request) string { return "ops:ip:" + httpx.ClientIP(r.Context()) }, nil)
}

// corsHandler answers cross-origin requests from the allowed origins only. No origins means no
// CORS headers at all (browsers then refuse cross-origin reads); "*" allows any origin but never
// with credentials, so a foreign page can never make a browser send its cookies or read answers
// meant for its user.
func corsHandler(origins []string) func(http.Handler) http.Handler {
	if len(origins) == 0 {
		return nil
	}
	return cors.Handler(cors.Options{
		AllowedOrigins:   origins,
		AllowedMethods:   []string{"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"},
		AllowedHeaders:   []string{"Authorization", "Content-Type", "Idempotency-Key", "X-Request-Id"},
		ExposedHeaders:   []string{"X-Total-Count", "X-Request-Id", "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"},
		AllowCredentials: !slices.Contains(origins, "*"),
		MaxAge:           600,
	})
}
