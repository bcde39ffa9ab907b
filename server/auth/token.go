package auth

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Token types, the payload's "type" claim.
const (
	TypeAccess  = "access"
	TypeRefresh = "refresh"
)

// Lifetimes, hard-coded as in TernantApp's SessionConfig.
const (
	AccessTTL  = 15 * time.Minute
	RefreshTTL = 7 * 24 * time.Hour
)

// Token errors; the guard maps them to 401 messages and failure reasons.
var (
	ErrTokenExpired = errors.New("token expired")
	ErrTokenInvalid = errors.New("token invalid")
)

// Claims is TernantApp's JWT payload: {sub, companyId|null, email, role, isSuperAdmin, sessionId,
// type, iat, exp}. A refresh token carries the same keys with email and role empty and sessionId
// naming the refresh session.
type Claims struct {
	CompanyID    *string `json:"companyId"`
	Email        string  `json:"email"`
	Role         string  `json:"role"`
	IsSuperAdmin bool    `json:"isSuperAdmin"`
	SessionID    string  `json:"sessionId"`
	Type         string  `json:"type"`
	jwt.RegisteredClaims
}

// Signer signs and verifies HS256 tokens with separate access and refresh secrets.
type Signer struct {
	accessKey  []byte
	refreshKey []byte
	parser     *jwt.Parser
	now        func() time.Time
	verified   verifiedTokens
}

// maxVerified bounds the verified access tokens kept in memory (about 1 KB each).
const maxVerified = 10000

// verifiedTokens remembers access tokens whose signature and claims were verified, by their exact
// text: a client presents the same token for up to AccessTTL, and only its expiry can change the
// verdict, which is checked on every use. A token never verified is never in it, so it cannot
// admit anything the full check would refuse.
type verifiedTokens struct {
	mu sync.Mutex
	m  map[string]*Claims
}

func (v *verifiedTokens) get(raw string) (*Claims, bool) {
	v.mu.Lock()
	c, ok := v.m[raw]
	v.mu.Unlock()
	return c, ok
}

func (v *verifiedTokens) put(raw string, c *Claims) {
	v.mu.Lock()
	if v.m == nil || len(v.m) >= maxVerified {
		v.m = make(map[string]*Claims, 64) // a fresh start beats tracking recency here
	}
	v.m[raw] = c
	v.mu.Unlock()
}

// NewSigner returns a Signer for the two secrets.
func NewSigner(accessSecret, refreshSecret string) *Signer {
	s := &Signer{accessKey: []byte(accessSecret), refreshKey: []byte(refreshSecret), now: time.Now}
	s.parser = jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(func() time.Time { return s.now() }),
	)
	return s
}

// Sign returns the signed token for c, stamping iat and exp from its type's lifetime.
func (s *Signer) Sign(c Claims) (string, error) {
	key, ttl := s.accessKey, AccessTTL
	if c.Type == TypeRefresh {
		key, ttl = s.refreshKey, RefreshTTL
	}
	now := s.now()
	c.IssuedAt = jwt.NewNumericDate(now)
	c.ExpiresAt = jwt.NewNumericDate(now.Add(ttl))
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(key)
	if err != nil {
		return "", fmt.Errorf("sign %s token: %w", c.Type, err)
	}
	return tok, nil
}

// ParseAccess verifies raw against the access secret. It returns ErrTokenExpired or
// ErrTokenInvalid; a verified token of another type is returned with its claims, so the caller can
// answer "Invalid token type". A token verified before is not verified again, only its expiry; the
// claims returned are then shared, and callers must not modify them.
func (s *Signer) ParseAccess(raw string) (*Claims, error) {
	if c, ok := s.verified.get(raw); ok {
		if !s.now().Before(c.ExpiresAt.Time) {
			return nil, ErrTokenExpired
		}
		return c, nil
	}
	c, err := s.parse(raw, s.accessKey)
	if err == nil {
		s.verified.put(raw, c)
	}
	return c, err
}

// ParseRefresh verifies raw against the refresh secret, like ParseAccess.
func (s *Signer) ParseRefresh(raw string) (*Claims, error) { return s.parse(raw, s.refreshKey) }

func (s *Signer) parse(raw string, key []byte) (*Claims, error) {
	var c Claims
	_, err := s.parser.ParseWithClaims(raw, &c, func(*jwt.Token) (any, error) { return key, nil })
	switch {
	case err == nil:
	case errors.Is(err, jwt.ErrTokenExpired):
		return nil, ErrTokenExpired
	default:
		return nil, fmt.Errorf("%w: %w", ErrTokenInvalid, err)
	}
	if c.Subject == "" || c.SessionID == "" {
		return nil, fmt.Errorf("%w: missing sub or sessionId", ErrTokenInvalid)
	}
	return &c, nil
}
