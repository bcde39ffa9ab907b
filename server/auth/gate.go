package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/identity"
	"github.com/ternant/ternant/server/platform/cache"
	"github.com/ternant/ternant/server/platform/ratelimit"
)

// GateConfig is what an authenticated route's gate decides besides the token: the request rate
// limit and, through the route's Prefetch, the cached value the handler will read.
type GateConfig struct {
	Limiter *ratelimit.Limiter
	Limit   ratelimit.Limit
	// OnReject is called for each request the limit rejects (metrics).
	OnReject func()
	// Cache is where prefetched values live (nil: nothing is read ahead).
	Cache *cache.Cache
}

// gateScript makes, in one round trip, every Redis decision an authenticated cached read needs: the
// rate-limit decision (GCRA on KEYS[1]; a denial ends the script), whether the token is revoked
// (KEYS[2]), the access session (KEYS[3]) and, when KEYS[4] and KEYS[5] are given, the cached value
// (in the hash field ARGV[3] when not empty) and its version. Reply: {allowed, retry µs, reset µs,
// revoked 0|1, session|false, value|false, version|false}.
var gateScript = redis.NewScript(ratelimit.GCRALua + `
if rl[1] == 0 then return rl end
rl[4] = redis.call('EXISTS', KEYS[2])
rl[5] = redis.call('GET', KEYS[3])
if #KEYS >= 5 then
  if ARGV[3] == '' then
    rl[6] = redis.call('GET', KEYS[4])
  else
    rl[6] = redis.call('HGET', KEYS[4], ARGV[3])
  end
  rl[7] = redis.call('GET', KEYS[5])
end
return rl`)

// gateTimeout bounds the gate's round trip; past it the request takes the step-by-step path, which
// has the limiter's in-process fallback and the session check's own error handling.
const gateTimeout = 500 * time.Millisecond

// Gate is the front of a route: the request rate limit, then the guard of a (authentication and
// role), with prefetch naming the cached value the handler reads, if known up front. For a request
// carrying a validly signed access token it makes all the Redis decisions — rate limit, revocation,
// session and the prefetched value — in ONE round trip; anything else (no or bad token, public
// route, Redis failing or not configured for the limiter) takes the step-by-step path, the rate
// limiter's middleware followed by Guard, so every answer and fallback stays the same.
func (s *Service) Gate(a identity.Access, gc GateConfig, prefetch httpx.Prefetch) func(http.Handler) http.Handler {
	limit := gc.Limiter.Middleware(gc.Limit, s.ClientKey, gc.OnReject)
	if a.Public {
		return limit
	}
	guard := s.Guard(a)
	return func(next http.Handler) http.Handler {
		slow := limit(guard(next))
		if gc.Limit.Rate <= 0 || !gc.Limiter.Remote() {
			return slow
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			raw := bearer(r)
			if raw == "" || r.Method == http.MethodOptions {
				slow.ServeHTTP(w, r)
				return
			}
			c, err := s.signer.ParseAccess(raw)
			if err != nil || c.Type != TypeAccess {
				slow.ServeHTTP(w, r)
				return
			}
			rlKey := "http:user:" + c.Subject
			keys := []string{gc.Limiter.Key(rlKey), s.sessions.blacklistKey(c.SessionID), s.sessions.accessKey(c.SessionID)}
			emission, burst := ratelimit.Args(gc.Limit)
			args := []any{emission, burst, ""}
			var pf *cache.Prefetched
			if prefetch != nil && c.CompanyID != nil {
				if key, field, ok := prefetch(r, *c.CompanyID); ok {
					k := cache.Key{Key: key, Field: field}
					if vk, verk, ok := gc.Cache.PrefetchKeys(k); ok {
						pf = &cache.Prefetched{Key: k}
						keys = append(keys, vk, verk)
						args[2] = field
					}
				}
			}
			ctx, cancel := context.WithTimeout(r.Context(), gateTimeout)
			reply, err := gateScript.Run(ctx, s.sessions.rdb, keys, args...).Slice()
			cancel()
			if err != nil {
				// Redis is failing or slow: the step-by-step path decides, with its fallbacks.
				slow.ServeHTTP(w, r)
				return
			}
			res, err := ratelimit.Decode(gc.Limit, reply)
			if err != nil {
				httpx.WriteError(w, r, err)
				return
			}
			res.SetHeaders(w.Header())
			if !res.Allowed {
				if gc.OnReject != nil {
					gc.OnReject()
				}
				httpx.WriteError(w, r, httpx.NewError(http.StatusTooManyRequests, ratelimit.TooManyMessage))
				return
			}
			if len(reply) < 5 {
				httpx.WriteError(w, r, fmt.Errorf("gate: unexpected reply of %d values", len(reply)))
				return
			}
			revoked, _ := reply[3].(int64)
			sessRaw, _ := reply[4].(string)
			p, err := s.principal(c, revoked > 0, sessRaw)
			if err != nil {
				httpx.WriteError(w, r, err)
				return
			}
			if !a.Allows(p) {
				httpx.WriteError(w, r, forbidden(a))
				return
			}
			rctx := identity.With(r.Context(), p)
			rctx = context.WithValue(rctx, rawTokenKey{}, raw)
			if pf != nil && len(reply) >= 7 {
				if v, ok := reply[5].(string); ok {
					pf.Value = []byte(v)
				}
				pf.Version, _ = reply[6].(string)
				rctx = cache.WithPrefetched(rctx, pf)
			}
			next.ServeHTTP(w, r.WithContext(rctx))
		})
	}
}

// principal turns the verified claims c and what Redis holds for their session (revoked, and the
// access session's JSON, "" when there is none) into the caller, or a 401.
func (s *Service) principal(c *Claims, revoked bool, sessRaw string) (*identity.Principal, error) {
	if revoked {
		return nil, unauthorized(ReasonSessionRevoked, MsgRevoked)
	}
	if sessRaw == "" {
		return nil, unauthorized(ReasonSessionRevoked, MsgNoSession)
	}
	sess, err := s.decoded.session(sessRaw)
	if err != nil {
		return nil, err
	}
	return s.checkSession(c, sess)
}

// maxDecoded bounds the decoded sessions kept in memory (about 1 KB each).
const maxDecoded = 10000

// decodedSessions remembers access sessions decoded from their stored JSON. A session key's value
// is written once and never changed, so the same bytes always decode to the same session: a request
// whose session JSON was seen before skips the decode. The check that the session exists and is not
// revoked still happens in Redis on every request; this only spares the CPU.
type decodedSessions struct {
	mu sync.Mutex
	m  map[string]*AccessSession
}

// session decodes raw, or returns the session decoded from the same bytes earlier. The result is
// shared: callers must not modify it.
func (d *decodedSessions) session(raw string) (*AccessSession, error) {
	d.mu.Lock()
	sess, ok := d.m[raw]
	d.mu.Unlock()
	if ok {
		return sess, nil
	}
	sess = new(AccessSession)
	if err := json.Unmarshal([]byte(raw), sess); err != nil {
		return nil, fmt.Errorf("decode access session: %w", err)
	}
	d.mu.Lock()
	if d.m == nil || len(d.m) >= maxDecoded {
		d.m = make(map[string]*AccessSession, 64) // a fresh start beats tracking recency here
	}
	d.m[raw] = sess
	d.mu.Unlock()
	return sess, nil
}

// checkSession matches the session against the token's subject and returns the caller it names.
func (s *Service) checkSession(c *Claims, sess *AccessSession) (*identity.Principal, error) {
	if sess.UserID != c.Subject {
		return nil, unauthorized(ReasonInvalidToken, MsgInvalidToken)
	}
	var company *string
	if sess.CompanyID != nil {
		id := *sess.CompanyID // the principal gets its own copy: sess may be shared
		company = &id
	}
	return &identity.Principal{UserID: sess.UserID, CompanyID: company, Email: sess.Email,
		Role: identity.Role(sess.Role), IsSuperAdmin: sess.IsSuperAdmin, SessionID: sess.FamilyID}, nil
}

// forbidden is the 403 of a route whose rule a's caller does not meet.
func forbidden(a identity.Access) error {
	if a.SuperAdmin {
		return httpx.Forbidden(MsgSuperAdminOnly)
	}
	return httpx.Forbidden(MsgForbidden)
}
