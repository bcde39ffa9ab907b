package server

import (
	"context"
	"fmt"
	"net/http"

	"github.com/ternant/ternant/server/auth"
	"github.com/ternant/ternant/server/companies"
	"github.com/ternant/ternant/server/httpx"
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
