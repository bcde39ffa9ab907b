// Package auth authenticates callers: bcrypt passwords, HS256 access and refresh tokens, sessions
// in Redis under TernantApp's keys (with refresh rotation and reuse detection), the route guard,
// progressive lockout and the login rate limit.
package auth

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"
	"golang.org/x/crypto/bcrypt"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/identity"
	"github.com/ternant/ternant/server/platform/cache"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/ratelimit"
)

// TernantApp's 401 messages (clients match on them).
const (
	MsgInvalidCredentials = "Invalid credentials"
	MsgInactive           = "Account is inactive"
	MsgNoToken            = "No token provided"
	MsgInvalidToken       = "Invalid or expired token"
	MsgInvalidType        = "Invalid token type"
	MsgInvalidRefresh     = "Invalid refresh token"
	MsgRevoked            = "Token has been revoked"
	MsgNoSession          = "Session not found or expired"
	MsgForbidden          = "Insufficient permissions"
	MsgSuperAdminOnly     = "Super admin access required"
	MsgLocked             = "Too many failed login attempts. Try again later."
)

// Config is what the service needs from the server configuration.
type Config struct {
	AccessSecret  string
	RefreshSecret string
	BcryptCost    int
	// LoginLimit is login attempts per minute per client IP and email.
	LoginLimit int
	// KeyPrefix namespaces every Redis key.
	KeyPrefix string
}

// Tokens is the pair a login, registration or refresh returns.
type Tokens struct {
	AccessToken  string `json:"accessToken"`
	RefreshToken string `json:"refreshToken"`
}

// Client describes where a login came from (stored on the session).
type Client struct {
	IP        string
	UserAgent string
}

// ClientOf reads the client address and user agent of r.
func ClientOf(r *http.Request) Client {
	return Client{IP: httpx.ClientIP(r.Context()), UserAgent: r.UserAgent()}
}

// Service is authentication: logins, sessions and token checks.
type Service struct {
	cfg       Config
	db        *db.DB
	sessions  *Store
	signer    *Signer
	lock      *lockout
	limiter   *ratelimit.Limiter
	log       *slog.Logger
	dummyHash string
	now       func() time.Time
	decoded   decodedSessions

	// Companies loads the company a login returns (set by the server; nil answers null).
	Companies CompanyLoader
	// Cache drops a user's cached read after a login stamps lastLoginAt (set by the server).
	Cache cache.Invalidator
}

// CompanyLoader loads the company a login answers with, as the companies module serves it
// (companies.Service implements it; auth cannot import companies, which logs a registered owner in
// through auth). A missing company is an error.
type CompanyLoader interface {
	LoginCompany(ctx context.Context, id string) (any, error)
}

// NewService builds the service. Sessions need Redis.
func NewService(cfg Config, database *db.DB, rdb redis.UniversalClient, limiter *ratelimit.Limiter, log *slog.Logger) (*Service, error) {
	if rdb == nil {
		return nil, errors.New("auth: sessions need Redis: set REDIS_URL or REDIS_HOST")
	}
	cost := cfg.BcryptCost
	if cost < bcrypt.MinCost {
		cost = bcrypt.DefaultCost
	}
	dummy, err := HashPassword("timing-equaliser-Aa1!", cost)
	if err != nil {
		return nil, err
	}
	return &Service{
		cfg: cfg, db: database, sessions: NewStore(rdb, cfg.KeyPrefix), signer: NewSigner(cfg.AccessSecret, cfg.RefreshSecret),
		lock: &lockout{rdb: rdb, prefix: cfg.KeyPrefix}, limiter: limiter, log: log, dummyHash: dummy, now: time.Now,
		Cache: cache.Nop{},
	}, nil
}

// Signer returns the token signer (the rate limiter reads user ids from access tokens).
func (s *Service) Signer() *Signer { return s.signer }

// HashPassword hashes pw at the configured cost.
func (s *Service) HashPassword(pw string) (string, error) { return HashPassword(pw, s.cfg.BcryptCost) }

func newID() string { return uuid.Must(uuid.NewV7()).String() }

func iso(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// Issue starts a session for p and returns its tokens. A user past MaxSessions loses the oldest.
func (s *Service) Issue(ctx context.Context, p identity.Principal, c Client) (Tokens, error) {
	now := s.now()
	f := Family{SessionID: newID(), UserID: p.UserID, CompanyID: p.CompanyID, CreatedAt: iso(now),
		IPAddress: c.IP, UserAgent: c.UserAgent}
	tokens, err := s.rotate(ctx, &f, p, now)
	if err != nil {
		return Tokens{}, err
	}
	evicted, err := s.sessions.Register(ctx, p.UserID, f.SessionID)
	if err != nil {
		return Tokens{}, err
	}
	if err := s.sessions.Destroy(ctx, p.UserID, evicted...); err != nil {
		return Tokens{}, err
	}
	return tokens, nil
}

// rotate gives family f a fresh access/refresh pair, saves it and signs the tokens.
func (s *Service) rotate(ctx context.Context, f *Family, p identity.Principal, now time.Time) (Tokens, error) {
	f.AccessID, f.RefreshID = newID(), newID()
	f.RefreshedAt, f.ExpiresAt = iso(now), iso(now.Add(RefreshTTL))
	a := AccessSession{UserID: p.UserID, CompanyID: p.CompanyID, Email: p.Email, Role: string(p.Role),
		IsSuperAdmin: p.IsSuperAdmin, SessionID: f.AccessID, CreatedAt: iso(now), ExpiresAt: iso(now.Add(AccessTTL)),
		IPAddress: f.IPAddress, UserAgent: f.UserAgent, FamilyID: f.SessionID}
	r := RefreshSession{UserID: p.UserID, CompanyID: p.CompanyID, SessionID: f.RefreshID, AccessTokenID: f.AccessID,
		FamilyID: f.SessionID, CreatedAt: iso(now), ExpiresAt: f.ExpiresAt}
	if err := s.sessions.Save(ctx, *f, a, r); err != nil {
		return Tokens{}, err
	}
	access, err := s.signer.Sign(Claims{CompanyID: p.CompanyID, Email: p.Email, Role: string(p.Role),
		IsSuperAdmin: p.IsSuperAdmin, SessionID: f.AccessID, Type: TypeAccess,
		RegisteredClaims: registered(p.UserID)})
	if err != nil {
		return Tokens{}, err
	}
	refresh, err := s.signer.Sign(Claims{CompanyID: p.CompanyID, SessionID: f.RefreshID, Type: TypeRefresh,
		RegisteredClaims: registered(p.UserID)})
	if err != nil {
		return Tokens{}, err
	}
	return Tokens{AccessToken: access, RefreshToken: refresh}, nil
}

// tooMany is a 429 carrying the limiter's headers.
func tooMany(msg string, retry time.Duration) *httpx.Error {
	e := httpx.NewError(http.StatusTooManyRequests, msg)
	e.Headers = http.Header{"Retry-After": {strconv.Itoa(max(1, int((retry+time.Second-1)/time.Second)))}}
	return e
}

// RedisClient is the Redis API sessions use.
type RedisClient = redis.UniversalClient

// CountRateLimited counts a request the rate limiter rejected.
func CountRateLimited() { fail(ReasonRateLimited) }
