package auth

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/identity"
)

// unauthorized is a 401 counted under reason.
func unauthorized(reason, msg string) *httpx.Error {
	fail(reason)
	return httpx.Unauthorized(msg)
}

// bearer extracts the token of an "Authorization: Bearer <token>" header.
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) < 7 || !strings.EqualFold(h[:7], "bearer ") {
		return ""
	}
	return strings.TrimSpace(h[7:])
}

// Authenticate checks r's bearer token: present, valid HS256 access token, not blacklisted, and
// its access session alive. The signature is checked before Redis is asked, so garbage tokens cost
// no round trip; a revoked token is never valid either way.
func (s *Service) Authenticate(r *http.Request) (*identity.Principal, string, error) {
	raw := bearer(r)
	if raw == "" {
		return nil, "", unauthorized(ReasonInvalidToken, MsgNoToken)
	}
	c, err := s.signer.ParseAccess(raw)
	switch {
	case errors.Is(err, ErrTokenExpired):
		return nil, "", unauthorized(ReasonExpiredToken, MsgInvalidToken)
	case err != nil:
		return nil, "", unauthorized(ReasonInvalidToken, MsgInvalidToken)
	case c.Type != TypeAccess:
		return nil, "", unauthorized(ReasonInvalidToken, MsgInvalidType)
	}
	ctx, cancel := context.WithTimeout(r.Context(), sessionLookupTimeout)
	defer cancel()
	sess, blacklisted, err := s.sessions.Access(ctx, c.SessionID)
	switch {
	case errors.Is(err, ErrNoSession):
		return nil, "", unauthorized(ReasonSessionRevoked, MsgNoSession)
	case err != nil:
		return nil, "", err
	case blacklisted:
		return nil, "", unauthorized(ReasonSessionRevoked, MsgRevoked)
	}
	p, err := s.checkSession(c, sess)
	if err != nil {
		return nil, "", err
	}
	return p, raw, nil
}

// sessionLookupTimeout bounds the Redis round trip of a token check, so a Redis outage fails
// requests quickly instead of holding them.
const sessionLookupTimeout = time.Second

type rawTokenKey struct{}

// Guard enforces a route's access rule: public routes pass untouched; others need a valid access
// token (401) and a permitted role (403). The principal goes into the request context.
func (s *Service) Guard(a identity.Access) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		if a.Public {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p, raw, err := s.Authenticate(r)
			if err != nil {
				httpx.WriteError(w, r, err)
				return
			}
			if !a.Allows(p) {
				httpx.WriteError(w, r, forbidden(a))
				return
			}
			ctx := identity.With(r.Context(), p)
			ctx = context.WithValue(ctx, rawTokenKey{}, raw)
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// rawToken returns the bearer token the guard accepted.
func rawToken(ctx context.Context) string {
	s, _ := ctx.Value(rawTokenKey{}).(string)
	return s
}

// ClientKey names the caller for the request rate limit: the user id when the request carries a
// validly signed access token (checked locally, no Redis), else the client IP.
func (s *Service) ClientKey(r *http.Request) string {
	if raw := bearer(r); raw != "" {
		if c, err := s.signer.ParseAccess(raw); err == nil && c.Type == TypeAccess {
			return "user:" + c.Subject
		}
	}
	return "ip:" + httpx.ClientIP(r.Context())
}
