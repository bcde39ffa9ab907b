package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// MaxSessions is how many sessions (logins) a user may hold; the oldest is evicted past it.
const MaxSessions = 5

// ErrNoSession means a session key does not exist (expired, logged out, evicted or rotated).
var ErrNoSession = errors.New("session not found")

// AccessSession is the value of session:access:{id}.
type AccessSession struct {
	UserID       string  `json:"userId"`
	CompanyID    *string `json:"companyId"`
	Email        string  `json:"email"`
	Role         string  `json:"role"`
	IsSuperAdmin bool    `json:"isSuperAdmin"`
	SessionID    string  `json:"sessionId"`
	CreatedAt    string  `json:"createdAt"`
	ExpiresAt    string  `json:"expiresAt"`
	IPAddress    string  `json:"ipAddress"`
	UserAgent    string  `json:"userAgent"`
	// FamilyID names the login this session belongs to (it survives refresh rotation).
	FamilyID string `json:"familyId"`
}

// RefreshSession is the value of session:refresh:{id}.
type RefreshSession struct {
	UserID        string  `json:"userId"`
	CompanyID     *string `json:"companyId"`
	SessionID     string  `json:"sessionId"`
	AccessTokenID string  `json:"accessTokenId"`
	FamilyID      string  `json:"familyId"`
	CreatedAt     string  `json:"createdAt"`
	ExpiresAt     string  `json:"expiresAt"`
}

// Family is one login and the current access/refresh pair it holds; refresh rotation replaces the
// pair but keeps the family, so the session cap and the session list count logins.
type Family struct {
	SessionID   string  `json:"sessionId"`
	UserID      string  `json:"userId"`
	CompanyID   *string `json:"companyId"`
	AccessID    string  `json:"accessSessionId"`
	RefreshID   string  `json:"refreshSessionId"`
	CreatedAt   string  `json:"createdAt"`
	RefreshedAt string  `json:"lastRefreshedAt"`
	ExpiresAt   string  `json:"expiresAt"`
	IPAddress   string  `json:"ipAddress"`
	UserAgent   string  `json:"userAgent"`
}

// Store keeps sessions in Redis under TernantApp's keys (behind an optional prefix):
// session:access:{id} (15 min), session:refresh:{id} (7 d), user:sessions:{userId} (the user's
// session list, at most MaxSessions) and token:blacklist:{accessSessionId} (TernantApp keyed it by
// the whole token; the access session id names one token as well, and keeps the key short). It adds session:family:{id}
// (one login across rotations) and session:refresh-used:{id} (rotated refresh ids, for reuse
// detection).
type Store struct {
	rdb    redis.UniversalClient
	prefix string
}

// NewStore returns a session store; prefix namespaces every key.
func NewStore(rdb redis.UniversalClient, prefix string) *Store {
	return &Store{rdb: rdb, prefix: prefix}
}

func (s *Store) accessKey(id string) string    { return s.prefix + "session:access:" + id }
func (s *Store) refreshKey(id string) string   { return s.prefix + "session:refresh:" + id }
func (s *Store) familyKey(id string) string    { return s.prefix + "session:family:" + id }
func (s *Store) usedKey(id string) string      { return s.prefix + "session:refresh-used:" + id }
func (s *Store) userKey(userID string) string  { return s.prefix + "user:sessions:" + userID }
func (s *Store) blacklistKey(id string) string { return s.prefix + "token:blacklist:" + id }

// addSession appends a family id to the user's list and returns the ids evicted past the cap.
var addSession = redis.NewScript(`
local raw = redis.call('GET', KEYS[1])
local ids = {}
if raw then ids = cjson.decode(raw) end
table.insert(ids, ARGV[1])
local evicted = {}
while #ids > tonumber(ARGV[2]) do table.insert(evicted, table.remove(ids, 1)) end
redis.call('SET', KEYS[1], cjson.encode(ids), 'EX', ARGV[3])
return evicted
`)

// removeSessions drops the given family ids from the user's list.
var removeSessions = redis.NewScript(`
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local drop = {}
for i = 1, #ARGV do drop[ARGV[i]] = true end
local keep = {}
for _, id in ipairs(cjson.decode(raw)) do
  if not drop[id] then table.insert(keep, id) end
end
if #keep == 0 then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], cjson.encode(keep), 'KEEPTTL')
end
return #keep
`)

func (s *Store) setJSON(ctx context.Context, p redis.Pipeliner, key string, v any, ttl time.Duration) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	p.Set(ctx, key, b, ttl)
	return nil
}

func (s *Store) getJSON(ctx context.Context, key string, v any) error {
	b, err := s.rdb.Get(ctx, key).Bytes()
	if errors.Is(err, redis.Nil) {
		return ErrNoSession
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", key, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decode %s: %w", key, err)
	}
	return nil
}

// Save writes a family with its current pair of sessions.
func (s *Store) Save(ctx context.Context, f Family, a AccessSession, r RefreshSession) error {
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		if err := s.setJSON(ctx, p, s.accessKey(f.AccessID), a, AccessTTL); err != nil {
			return err
		}
		if err := s.setJSON(ctx, p, s.refreshKey(f.RefreshID), r, RefreshTTL); err != nil {
			return err
		}
		if err := s.setJSON(ctx, p, s.familyKey(f.SessionID), f, RefreshTTL); err != nil {
			return err
		}
		// The user's list lives as long as their newest refresh token.
		p.Expire(ctx, s.userKey(f.UserID), RefreshTTL)
		return nil
	})
	if err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	return nil
}

// Register adds a new family to the user's list and returns the families evicted by the cap.
func (s *Store) Register(ctx context.Context, userID, familyID string) ([]string, error) {
	res, err := addSession.Run(ctx, s.rdb, []string{s.userKey(userID)}, familyID, MaxSessions,
		int(RefreshTTL/time.Second)).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("register session: %w", err)
	}
	return res, nil
}

// Access returns the access session id and whether its token is blacklisted, in one round trip.
func (s *Store) Access(ctx context.Context, id string) (*AccessSession, bool, error) {
	p := s.rdb.Pipeline()
	bl := p.Exists(ctx, s.blacklistKey(id))
	get := p.Get(ctx, s.accessKey(id))
	if _, err := p.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, false, fmt.Errorf("read access session: %w", err)
	}
	if bl.Val() > 0 {
		return nil, true, nil
	}
	b, err := get.Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, false, ErrNoSession
	}
	if err != nil {
		return nil, false, fmt.Errorf("read access session: %w", err)
	}
	var a AccessSession
	if err := json.Unmarshal(b, &a); err != nil {
		return nil, false, fmt.Errorf("decode access session: %w", err)
	}
	return &a, false, nil
}

// Blacklisted reports whether the token of access session id was revoked by a logout.
func (s *Store) Blacklisted(ctx context.Context, id string) (bool, error) {
	n, err := s.rdb.Exists(ctx, s.blacklistKey(id)).Result()
	if err != nil {
		return false, fmt.Errorf("read blacklist: %w", err)
	}
	return n > 0, nil
}

// Blacklist revokes the token of access session id until it would have expired anyway.
func (s *Store) Blacklist(ctx context.Context, id string, ttl time.Duration) error {
	if ttl <= 0 {
		return nil
	}
	if err := s.rdb.Set(ctx, s.blacklistKey(id), "1", ttl).Err(); err != nil {
		return fmt.Errorf("blacklist token: %w", err)
	}
	return nil
}

// takeRefresh redeems a refresh session in one step: it deletes the session and leaves a marker
// naming its family for as long as the token could be presented (ARGV[1] ms), or, when the session
// is gone, reports the marker left by an earlier redemption. Doing both atomically means two
// concurrent redemptions cannot both miss the reuse.
var takeRefresh = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v then
  redis.call('DEL', KEYS[1])
  local ttl = tonumber(ARGV[1])
  if ttl > 0 then
    redis.call('SET', KEYS[2], cjson.decode(v)['familyId'], 'PX', ttl)
  end
  return {1, v}
end
local f = redis.call('GET', KEYS[2])
if f then return {2, f} end
return {0, ''}
`)

// TakeRefresh removes and returns a refresh session, so a refresh token can be redeemed once;
// usedFor is how long the token stays presentable (the reuse marker's lifetime). When the session
// is absent, usedBy names the family it was redeemed from, if any (token reuse).
func (s *Store) TakeRefresh(ctx context.Context, id string, usedFor time.Duration) (r *RefreshSession, usedBy string, err error) {
	res, err := takeRefresh.Run(ctx, s.rdb, []string{s.refreshKey(id), s.usedKey(id)}, usedFor.Milliseconds()).Slice()
	if err != nil {
		return nil, "", fmt.Errorf("take refresh session: %w", err)
	}
	if len(res) != 2 {
		return nil, "", fmt.Errorf("take refresh session: unexpected reply %v", res)
	}
	kind, _ := res[0].(int64)
	val, _ := res[1].(string)
	switch kind {
	case 1:
		var rs RefreshSession
		if err := json.Unmarshal([]byte(val), &rs); err != nil {
			return nil, "", fmt.Errorf("decode refresh session: %w", err)
		}
		return &rs, "", nil
	case 2:
		return nil, val, ErrNoSession
	}
	return nil, "", ErrNoSession
}

// Family loads one family.
func (s *Store) Family(ctx context.Context, id string) (*Family, error) {
	var f Family
	if err := s.getJSON(ctx, s.familyKey(id), &f); err != nil {
		return nil, err
	}
	return &f, nil
}

// DropAccess deletes one access session (its refresh sibling was already taken).
func (s *Store) DropAccess(ctx context.Context, id string) error {
	if err := s.rdb.Del(ctx, s.accessKey(id)).Err(); err != nil {
		return fmt.Errorf("drop access session: %w", err)
	}
	return nil
}

// Destroy deletes families and their sessions, and removes them from the user's list.
func (s *Store) Destroy(ctx context.Context, userID string, familyIDs ...string) error {
	if len(familyIDs) == 0 {
		return nil
	}
	keys := make([]string, 0, 3*len(familyIDs))
	for _, id := range familyIDs {
		f, err := s.Family(ctx, id)
		if err == nil {
			keys = append(keys, s.accessKey(f.AccessID), s.refreshKey(f.RefreshID))
		} else if !errors.Is(err, ErrNoSession) {
			return err
		}
		keys = append(keys, s.familyKey(id))
	}
	if err := s.rdb.Del(ctx, keys...).Err(); err != nil {
		return fmt.Errorf("destroy sessions: %w", err)
	}
	args := make([]any, len(familyIDs))
	for i, id := range familyIDs {
		args[i] = id
	}
	if err := removeSessions.Run(ctx, s.rdb, []string{s.userKey(userID)}, args...).Err(); err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("update session list: %w", err)
	}
	return nil
}

// List returns the user's family ids, oldest first.
func (s *Store) List(ctx context.Context, userID string) ([]string, error) {
	var ids []string
	if err := s.getJSON(ctx, s.userKey(userID), &ids); err != nil {
		if errors.Is(err, ErrNoSession) {
			return nil, nil
		}
		return nil, err
	}
	return ids, nil
}
