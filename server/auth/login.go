package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/platform/cache"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/ratelimit"
)

func registered(sub string) jwt.RegisteredClaims { return jwt.RegisteredClaims{Subject: sub} }

// Login checks an email and password and starts a session. Order: the account lookup (the
// database's collation decides which spellings reach an account), the per IP+account rate limit,
// the lockout, the password (compared even for unknown emails, so timing says nothing), then the
// account status.
func (s *Service) Login(ctx context.Context, email, password string, c Client) (*Account, Tokens, error) {
	attemptsTotal.Inc()
	acct, err := accountByEmail(ctx, s.db, email)
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		return nil, Tokens{}, err
	}
	who := loginIdentity(acct, email)
	key := "login:" + c.IP + ":" + who
	if res := s.limiter.Allow(ctx, key, ratelimit.Limit{Rate: s.cfg.LoginLimit, Period: time.Minute}); !res.Allowed {
		fail(ReasonRateLimited)
		e := tooMany(ratelimit.TooManyMessage, res.RetryAfter)
		res.SetHeaders(e.Headers)
		return nil, Tokens{}, e
	}
	if d, err := s.lock.lockedFor(ctx, who, c.IP); err != nil {
		return nil, Tokens{}, err
	} else if d > 0 {
		fail(ReasonLocked)
		return nil, Tokens{}, tooMany(MsgLocked, d)
	}
	hash := s.dummyHash
	if acct != nil {
		hash = acct.PasswordHash
	}
	ok, err := CheckPassword(hash, password)
	if err != nil && acct != nil {
		s.log.WarnContext(ctx, "unreadable password hash", "user", acct.ID, "err", err)
	}
	if acct == nil || !ok {
		fail(ReasonInvalidCredentials)
		locked, err := s.lock.failure(ctx, who, c.IP)
		if err != nil {
			return nil, Tokens{}, err
		}
		if locked > 0 {
			s.log.WarnContext(ctx, "login locked after failed attempts", "email", email, "ip", c.IP, "for", locked)
		}
		return nil, Tokens{}, httpx.Unauthorized(MsgInvalidCredentials)
	}
	if !acct.CanLogIn() {
		return nil, Tokens{}, unauthorized(ReasonInactive, MsgInactive)
	}
	if err := s.lock.success(ctx, who); err != nil {
		return nil, Tokens{}, err
	}
	tokens, err := s.Issue(ctx, acct.Principal(), c)
	if err != nil {
		return nil, Tokens{}, err
	}
	err = recordLogin(ctx, s.db, acct.ID, c.IP)
	s.Cache.Invalidate(ctx, cache.UserKey(acct.ID)) // GET /users/:id shows lastLoginAt and lastLoginIp
	if err != nil {
		return nil, Tokens{}, err
	}
	successTotal.Inc()
	return acct, tokens, nil
}

// Refresh redeems a refresh token for a new pair. The token works for its whole 7-day life; each
// one can be redeemed once, and presenting one that was already redeemed revokes its whole
// session family (whoever holds the newer token is logged out too), as a stolen token would.
func (s *Service) Refresh(ctx context.Context, raw string) (Tokens, error) {
	attemptsTotal.Inc()
	c, err := s.signer.ParseRefresh(raw)
	switch {
	case errors.Is(err, ErrTokenExpired):
		return Tokens{}, unauthorized(ReasonExpiredToken, MsgInvalidRefresh)
	case err != nil:
		return Tokens{}, unauthorized(ReasonInvalidToken, MsgInvalidRefresh)
	case c.Type != TypeRefresh:
		return Tokens{}, unauthorized(ReasonInvalidToken, MsgInvalidType)
	}
	now := s.now()
	rs, usedBy, err := s.sessions.TakeRefresh(ctx, c.SessionID, c.ExpiresAt.Time.Sub(now))
	switch {
	case errors.Is(err, ErrNoSession) && usedBy != "":
		s.log.WarnContext(ctx, "refresh token reused: revoking its session family", "user", c.Subject, "session", usedBy)
		if err := s.sessions.Destroy(ctx, c.Subject, usedBy); err != nil {
			return Tokens{}, err
		}
		return Tokens{}, unauthorized(ReasonSessionRevoked, MsgRevoked)
	case errors.Is(err, ErrNoSession):
		return Tokens{}, unauthorized(ReasonSessionRevoked, MsgInvalidRefresh)
	case err != nil:
		return Tokens{}, err
	case rs.UserID != c.Subject:
		return Tokens{}, unauthorized(ReasonInvalidToken, MsgInvalidRefresh)
	}
	f, err := s.sessions.Family(ctx, rs.FamilyID)
	if errors.Is(err, ErrNoSession) {
		return Tokens{}, unauthorized(ReasonSessionRevoked, MsgInvalidRefresh)
	} else if err != nil {
		return Tokens{}, err
	}
	acct, err := accountByID(ctx, s.db, rs.UserID)
	if errors.Is(err, db.ErrNotFound) || (err == nil && !acct.CanLogIn()) {
		_ = s.sessions.Destroy(ctx, rs.UserID, f.SessionID)
		return Tokens{}, unauthorized(ReasonInactive, MsgInactive)
	} else if err != nil {
		return Tokens{}, err
	}
	if err := s.sessions.DropAccess(ctx, f.AccessID); err != nil {
		return Tokens{}, err
	}
	tokens, err := s.rotate(ctx, f, acct.Principal(), now)
	if err != nil {
		return Tokens{}, err
	}
	successTotal.Inc()
	return tokens, nil
}

// Logout ends the caller's session and blacklists the token it presented.
func (s *Service) Logout(ctx context.Context, userID, familyID string) error {
	if err := s.blacklistCurrent(ctx); err != nil {
		return err
	}
	return s.sessions.Destroy(ctx, userID, familyID)
}

// LogoutAll ends every session of the user.
func (s *Service) LogoutAll(ctx context.Context, userID string) error {
	if err := s.blacklistCurrent(ctx); err != nil {
		return err
	}
	return s.RevokeUser(ctx, userID)
}

// RevokeUser ends every session of a user (deactivation, password reset, logout-all).
func (s *Service) RevokeUser(ctx context.Context, userID string) error {
	ids, err := s.sessions.List(ctx, userID)
	if err != nil {
		return err
	}
	return s.sessions.Destroy(ctx, userID, ids...)
}

func (s *Service) blacklistCurrent(ctx context.Context) error {
	raw := rawToken(ctx)
	if raw == "" {
		return nil
	}
	c, err := s.signer.ParseAccess(raw)
	if err != nil {
		return nil //nolint:nilerr // an invalid token needs no blacklisting
	}
	return s.sessions.Blacklist(ctx, c.SessionID, c.ExpiresAt.Time.Sub(s.now()))
}

// Sessions lists the user's live sessions, oldest first.
func (s *Service) Sessions(ctx context.Context, userID string) ([]Family, error) {
	ids, err := s.sessions.List(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := make([]Family, 0, len(ids))
	var gone []string
	for _, id := range ids {
		f, err := s.sessions.Family(ctx, id)
		if errors.Is(err, ErrNoSession) {
			gone = append(gone, id)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("list sessions: %w", err)
		}
		out = append(out, *f)
	}
	if len(gone) > 0 {
		if err := s.sessions.Destroy(ctx, userID, gone...); err != nil {
			return nil, err
		}
	}
	return out, nil
}
