package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/redis/go-redis/v9"

	"github.com/ternant/ternant/internal/testenv"
	"github.com/ternant/ternant/server/companies"
	"github.com/ternant/ternant/server/config"
	"github.com/ternant/ternant/server/identity"
	"github.com/ternant/ternant/server/platform/cache"
	"github.com/ternant/ternant/server/platform/metrics/metricstest"
	"github.com/ternant/ternant/server/servertest"
	"github.com/ternant/ternant/server/users"
)

// entityEnv is a server with one company (owner token, ids) and a staff user in it.
type entityEnv struct {
	inst                *servertest.Instance
	owner, company      string
	slug                string
	staffEmail, staffID string
}

func newEntityEnv(t *testing.T, inst *servertest.Instance, slug string) *entityEnv {
	t.Helper()
	owner, company := inst.RegisterCompany(t, slug)
	email, id := inst.CreateUser(t, company, identity.Staff)
	return &entityEnv{inst: inst, owner: owner, company: company, slug: slug, staffEmail: email, staffID: id}
}

func (e *entityEnv) do(t *testing.T, method, path, token string, body any) *servertest.Response {
	t.Helper()
	return e.inst.Do(t, servertest.Request{Method: method, Path: "/api/v1" + path, Token: token, Body: body})
}

// read is a GET that must answer 200; it returns the decoded object.
func (e *entityEnv) read(t *testing.T, path, token string) map[string]any {
	t.Helper()
	r := e.do(t, http.MethodGet, path, token, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, r.Status, r.Body)
	}
	return r.Map(t)
}

// cached reports whether key is present in the server's Redis.
func (e *entityEnv) cached(t *testing.T, key string) bool {
	t.Helper()
	n, err := e.inst.Redis.Exists(context.Background(), e.inst.KeyPrefix+key).Result()
	if err != nil {
		t.Fatalf("redis exists %s: %v", key, err)
	}
	return n == 1
}

func hits(t *testing.T, name string) float64 {
	return metricstest.Value(t, "cache_hits_total", map[string]string{"cache": name})
}

func misses(t *testing.T, name string) float64 {
	return metricstest.Value(t, "cache_misses_total", map[string]string{"cache": name})
}

// TestCompanyAndUserReadsAreCached: the second read of a company (by id and by slug) and of a user
// is answered from Redis with the same body, and the cached value holds no secret.
func TestCompanyAndUserReadsAreCached(t *testing.T) {
	e := newEntityEnv(t, servertest.Start(t, nil), "cached-co")
	cases := []struct {
		name, path, cache, key string
	}{
		{"company by id", "/companies/" + e.company, cache.Company, cache.CompanyKey(e.company)},
		{"company by slug", "/companies/slug/" + e.slug, cache.Company, cache.CompanySlugKey(e.slug)},
		{"user by id", "/users/" + e.staffID, cache.User, cache.UserKey(e.staffID)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if e.cached(t, c.key) {
				t.Fatalf("%s cached before the first read", c.key)
			}
			h0, m0 := hits(t, c.cache), misses(t, c.cache)
			first := e.do(t, http.MethodGet, c.path, e.owner, nil)
			if first.Status != http.StatusOK {
				t.Fatalf("first read: %d %s", first.Status, first.Body)
			}
			if !e.cached(t, c.key) {
				t.Fatalf("%s not in Redis after a read", c.key)
			}
			second := e.do(t, http.MethodGet, c.path, e.owner, nil)
			if string(second.Body) != string(first.Body) {
				t.Errorf("cached body differs:\nfirst  %s\nsecond %s", first.Body, second.Body)
			}
			if d := hits(t, c.cache) - h0; d != 1 {
				t.Errorf("cache_hits_total{cache=%q} rose by %v, want 1", c.cache, d)
			}
			if d := misses(t, c.cache) - m0; d != 1 {
				t.Errorf("cache_misses_total{cache=%q} rose by %v, want 1", c.cache, d)
			}
		})
	}
	raw, err := e.inst.Redis.Get(context.Background(), e.inst.KeyPrefix+cache.UserKey(e.staffID)).Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"password", "$2a$", "$2b$", "token"} {
		if strings.Contains(strings.ToLower(raw), strings.ToLower(secret)) {
			t.Errorf("cached user holds %q: %s", secret, raw)
		}
	}
}

// TestNotFoundIsNeverCached: a 404 leaves nothing in Redis, so an id or slug that comes to exist
// later (a registration, a rename) is found at once.
func TestNotFoundIsNeverCached(t *testing.T) {
	e := newEntityEnv(t, servertest.Start(t, nil), "nf-co")
	missingUser := "019a0000-0000-7000-8000-000000000000"
	for range 2 {
		if r := e.do(t, http.MethodGet, "/users/"+missingUser, e.owner, nil); r.Status != http.StatusNotFound {
			t.Fatalf("missing user: %d %s", r.Status, r.Body)
		}
		if r := e.do(t, http.MethodGet, "/companies/slug/nf-later", e.owner, nil); r.Status != http.StatusNotFound {
			t.Fatalf("missing slug: %d %s", r.Status, r.Body)
		}
	}
	for _, k := range []string{cache.UserKey(missingUser), cache.CompanySlugKey("nf-later")} {
		if e.cached(t, k) {
			t.Errorf("a 404 was cached under %s", k)
		}
	}
	// The slug comes to exist: the very next read finds it.
	if r := e.do(t, http.MethodPatch, "/companies/"+e.company, e.owner, map[string]any{"slug": "nf-later"}); r.Status != http.StatusOK {
		t.Fatalf("rename: %d %s", r.Status, r.Body)
	}
	if got := e.read(t, "/companies/slug/nf-later", e.owner)["id"]; got != e.company {
		t.Errorf("renamed slug answers %v", got)
	}
	// A new user is readable at once.
	created := e.do(t, http.MethodPost, "/users", e.owner, map[string]any{"firstName": "New", "lastName": "Comer",
		"email": "new-comer@nf.test", "password": servertest.Password, "role": "STAFF"})
	if created.Status != http.StatusCreated {
		t.Fatalf("create user: %d %s", created.Status, created.Body)
	}
	id := created.Map(t)["id"].(string)
	if got := e.read(t, "/users/"+id, e.owner)["email"]; got != "new-comer@nf.test" {
		t.Errorf("new user read = %v", got)
	}
}

// TestCompanyWritesInvalidateCache: after every write path that changes a company (its own routes
// and the super admin's) the cached entries by id and by slug are gone and the very next read
// shows the change.
func TestCompanyWritesInvalidateCache(t *testing.T) {
	inst := servertest.Start(t, nil)
	super := inst.SuperAdminToken(t)
	cases := []struct {
		name string
		// write changes the company and returns the token its owner uses afterwards.
		write func(t *testing.T, e *entityEnv) string
		// newSlug is the slug the company has after the write ("" = unchanged).
		newSlug string
		check   func(t *testing.T, before, after map[string]any)
	}{
		{"owner PATCH", func(t *testing.T, e *entityEnv) string {
			e.mustStatus(t, http.StatusOK, http.MethodPatch, "/companies/"+e.company, e.owner, map[string]any{"name": "Renamed Ltd"})
			return e.owner
		}, "", fieldIs("name", "Renamed Ltd")},
		{"owner PATCH slug", func(t *testing.T, e *entityEnv) string {
			e.mustStatus(t, http.StatusOK, http.MethodPatch, "/companies/"+e.company, e.owner, map[string]any{"slug": "co-owner-moved"})
			return e.owner
		}, "co-owner-moved", fieldIs("slug", "co-owner-moved")},
		{"owner DELETE", func(t *testing.T, e *entityEnv) string {
			e.mustStatus(t, http.StatusOK, http.MethodDelete, "/companies/"+e.company, e.owner, nil)
			return e.owner
		}, "", fieldIs("isActive", false)},
		{"super admin PATCH", func(t *testing.T, e *entityEnv) string {
			e.mustStatus(t, http.StatusOK, http.MethodPatch, "/super-admin/companies/"+e.company, super, map[string]any{"phone": "+1 999"})
			return e.owner
		}, "", fieldIs("phone", "+1 999")},
		{"super admin PATCH slug", func(t *testing.T, e *entityEnv) string {
			e.mustStatus(t, http.StatusOK, http.MethodPatch, "/super-admin/companies/"+e.company, super, map[string]any{"slug": "co-super-moved"})
			return e.owner
		}, "co-super-moved", fieldIs("slug", "co-super-moved")},
		{"super admin suspend, activate", func(t *testing.T, e *entityEnv) string {
			e.mustStatus(t, http.StatusOK, http.MethodPatch, "/super-admin/companies/"+e.company+"/suspend", super, nil)
			e.assertDropped(t, e.slug)
			e.mustStatus(t, http.StatusOK, http.MethodPatch, "/super-admin/companies/"+e.company+"/activate", super, nil)
			return e.inst.Login(t, servertest.OwnerEmail(e.slug), servertest.Password) // suspension ended the sessions
		}, "", updatedLater},
		{"super admin DELETE", func(t *testing.T, e *entityEnv) string {
			e.mustStatus(t, http.StatusOK, http.MethodDelete, "/super-admin/companies/"+e.company, super, nil)
			e.assertDropped(t, e.slug)
			// Only an active company's users can log in to read it again.
			e.mustStatus(t, http.StatusOK, http.MethodPatch, "/super-admin/companies/"+e.company+"/activate", super, nil)
			return e.inst.Login(t, servertest.OwnerEmail(e.slug), servertest.Password)
		}, "", updatedLater},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEntityEnv(t, inst, "co-write-"+string(rune('a'+i)))
			before := e.read(t, "/companies/"+e.company, e.owner)
			e.read(t, "/companies/slug/"+e.slug, e.owner)
			if c.newSlug != "" {
				// A read of the new slug before the rename (404, not cached).
				e.mustStatus(t, http.StatusNotFound, http.MethodGet, "/companies/slug/"+c.newSlug, e.owner, nil)
			}
			if !e.cached(t, cache.CompanyKey(e.company)) || !e.cached(t, cache.CompanySlugKey(e.slug)) {
				t.Fatal("reads did not fill the cache")
			}
			token := c.write(t, e)
			e.assertDropped(t, e.slug)
			after := e.read(t, "/companies/"+e.company, token)
			c.check(t, before, after)
			slug := e.slug
			if c.newSlug != "" {
				slug = c.newSlug
				e.mustStatus(t, http.StatusNotFound, http.MethodGet, "/companies/slug/"+e.slug, token, nil)
			}
			bySlug := e.read(t, "/companies/slug/"+slug, token)
			c.check(t, before, bySlug)
		})
	}
}

func (e *entityEnv) mustStatus(t *testing.T, status int, method, path, token string, body any) *servertest.Response {
	t.Helper()
	r := e.do(t, method, path, token, body)
	if r.Status != status {
		t.Fatalf("%s %s: %d %s, want %d", method, path, r.Status, r.Body, status)
	}
	return r
}

// assertDropped fails unless the company's entries by id and by slug are gone.
func (e *entityEnv) assertDropped(t *testing.T, slug string) {
	t.Helper()
	for _, k := range []string{cache.CompanyKey(e.company), cache.CompanySlugKey(slug)} {
		if e.cached(t, k) {
			t.Errorf("%s still cached after the write", k)
		}
	}
}

func fieldIs(field string, want any) func(t *testing.T, before, after map[string]any) {
	return func(t *testing.T, before, after map[string]any) {
		t.Helper()
		if after[field] != want {
			t.Errorf("%s after the write = %v, want %v (before %v)", field, after[field], want, before[field])
		}
	}
}

// updatedLater checks a write that leaves the read's other fields as they were.
func updatedLater(t *testing.T, before, after map[string]any) {
	t.Helper()
	if after["updatedAt"] == before["updatedAt"] {
		t.Errorf("updatedAt unchanged (%v): the read came from a stale cache", after["updatedAt"])
	}
}

// TestUserWritesInvalidateCache: after every write path that changes a user (the company's own
// routes, a login, and the super admin's) the cached entry is gone and the very next read shows
// the change.
func TestUserWritesInvalidateCache(t *testing.T) {
	inst := servertest.Start(t, nil)
	super := inst.SuperAdminToken(t)
	e := newEntityEnv(t, inst, "user-writes")
	cases := []struct {
		name  string
		write func(t *testing.T, id, email string)
		check func(t *testing.T, before, after map[string]any)
	}{
		{"PATCH name", func(t *testing.T, id, _ string) {
			e.mustStatus(t, http.StatusOK, http.MethodPatch, "/users/"+id, e.owner, map[string]any{"firstName": "Patched"})
		}, fieldIs("firstName", "Patched")},
		{"PATCH role", func(t *testing.T, id, _ string) {
			e.mustStatus(t, http.StatusOK, http.MethodPatch, "/users/"+id, e.owner, map[string]any{"role": "AUDITOR"})
		}, fieldIs("role", "AUDITOR")},
		{"PATCH phone", func(t *testing.T, id, _ string) {
			e.mustStatus(t, http.StatusOK, http.MethodPatch, "/users/"+id, e.owner, map[string]any{"phone": "+1 777"})
		}, func(t *testing.T, _, after map[string]any) {
			if p, _ := after["profile"].(map[string]any); p["phone"] != "+1 777" {
				t.Errorf("profile after the write = %v", after["profile"])
			}
		}},
		{"DELETE (deactivate)", func(t *testing.T, id, _ string) {
			e.mustStatus(t, http.StatusNoContent, http.MethodDelete, "/users/"+id, e.owner, nil)
		}, fieldIs("status", "INACTIVE")},
		{"activate", func(t *testing.T, id, _ string) {
			e.mustStatus(t, http.StatusNoContent, http.MethodDelete, "/users/"+id, e.owner, nil)
			e.read(t, "/users/"+id, e.owner) // cache the inactive user
			e.mustStatus(t, http.StatusCreated, http.MethodPost, "/users/"+id+"/activate", e.owner, nil)
		}, fieldIs("status", "ACTIVE")},
		{"login", func(t *testing.T, _, email string) {
			inst.Login(t, email, servertest.Password)
		}, func(t *testing.T, before, after map[string]any) {
			if after["lastLoginAt"] == nil || after["lastLoginAt"] == before["lastLoginAt"] {
				t.Errorf("lastLoginAt %v -> %v", before["lastLoginAt"], after["lastLoginAt"])
			}
		}},
		{"super admin PATCH", func(t *testing.T, id, _ string) {
			e.mustStatus(t, http.StatusOK, http.MethodPatch, "/super-admin/users/"+id, super, map[string]any{"lastName": "Supered"})
		}, fieldIs("lastName", "Supered")},
		{"super admin PATCH email", func(t *testing.T, id, _ string) {
			e.mustStatus(t, http.StatusOK, http.MethodPatch, "/super-admin/users/"+id, super, map[string]any{"email": "moved-" + id[len(id)-6:] + "@users.test"})
		}, func(t *testing.T, before, after map[string]any) {
			if !strings.HasPrefix(after["email"].(string), "moved-") {
				t.Errorf("email %v -> %v", before["email"], after["email"])
			}
		}},
		{"super admin suspend", func(t *testing.T, id, _ string) {
			e.mustStatus(t, http.StatusOK, http.MethodPatch, "/super-admin/users/"+id+"/suspend", super, nil)
		}, fieldIs("status", "SUSPENDED")},
		{"super admin DELETE", func(t *testing.T, id, _ string) {
			e.mustStatus(t, http.StatusNoContent, http.MethodDelete, "/super-admin/users/"+id, super, nil)
		}, fieldIs("status", "INACTIVE")},
		{"super admin activate", func(t *testing.T, id, _ string) {
			e.mustStatus(t, http.StatusOK, http.MethodPatch, "/super-admin/users/"+id+"/suspend", super, nil)
			e.read(t, "/users/"+id, e.owner) // cache the suspended user
			e.mustStatus(t, http.StatusOK, http.MethodPatch, "/super-admin/users/"+id+"/activate", super, nil)
		}, fieldIs("status", "ACTIVE")},
		{"super admin reset password", func(t *testing.T, id, _ string) {
			e.mustStatus(t, http.StatusOK, http.MethodPatch, "/super-admin/users/"+id+"/reset-password", super, map[string]any{"newPassword": "Changed123!"})
		}, updatedLater},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			email, id := inst.CreateUser(t, e.company, identity.Staff)
			before := e.read(t, "/users/"+id, e.owner)
			if !e.cached(t, cache.UserKey(id)) {
				t.Fatal("read did not fill the cache")
			}
			c.write(t, id, email)
			if e.cached(t, cache.UserKey(id)) {
				t.Errorf("%s still cached after the write", cache.UserKey(id))
			}
			c.check(t, before, e.read(t, "/users/"+id, e.owner))
		})
	}
}

// TestCachedReadsKeepCompanyScoping: a company or user cached by company A's reads is answered to
// company B (and to a super admin on the company routes) exactly as it is uncached: 404 with the
// same body, the second time from the cache.
func TestCachedReadsKeepCompanyScoping(t *testing.T) {
	inst := servertest.Start(t, nil)
	a := newEntityEnv(t, inst, "scope-a")
	b := newEntityEnv(t, inst, "scope-b")
	bStaff := inst.Login(t, b.staffEmail, servertest.Password)
	super := inst.SuperAdminToken(t)
	cases := []struct {
		name, path, cache, key string
		token                  string
	}{
		{"company by id, other owner", "/companies/" + a.company, cache.Company, cache.CompanyKey(a.company), b.owner},
		{"company by id, super admin", "/companies/" + a.company, cache.Company, cache.CompanyKey(a.company), super},
		{"company by slug, other owner", "/companies/slug/" + a.slug, cache.Company, cache.CompanySlugKey(a.slug), b.owner},
		{"company by slug, other staff", "/companies/slug/" + a.slug, cache.Company, cache.CompanySlugKey(a.slug), bStaff},
		{"user, other owner", "/users/" + a.staffID, cache.User, cache.UserKey(a.staffID), b.owner},
		{"user, other staff", "/users/" + a.staffID, cache.User, cache.UserKey(a.staffID), bStaff},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			inst.Cache.Invalidate(context.Background(), c.key)
			uncached := a.do(t, http.MethodGet, c.path, c.token, nil)
			if uncached.Status != http.StatusNotFound {
				t.Fatalf("uncached cross-company read: %d %s", uncached.Status, uncached.Body)
			}
			a.read(t, c.path, a.owner) // company A's read caches the object
			if !a.cached(t, c.key) {
				t.Fatalf("%s not cached by its own company's read", c.key)
			}
			h0 := hits(t, c.cache)
			cached := a.do(t, http.MethodGet, c.path, c.token, nil)
			if cached.Status != uncached.Status || string(cached.Body) != string(uncached.Body) {
				t.Errorf("cached cross-company read = %d %s, uncached = %d %s", cached.Status, cached.Body, uncached.Status, uncached.Body)
			}
			if c.cache == cache.User || strings.Contains(c.path, "/slug/") {
				// These reads looked the object up (and found it in the cache) before refusing it.
				if d := hits(t, c.cache) - h0; d != 1 {
					t.Errorf("cache_hits_total{cache=%q} rose by %v, want 1", c.cache, d)
				}
			}
		})
	}
}

// TestNonCanonicalIDsBypassCache: MySQL matches ids and slugs case-insensitively, so a read by
// "ABC" finds row "abc"; such reads are answered from the database, never cached under a key a
// writer would not drop, and see every write at once.
func TestNonCanonicalIDsBypassCache(t *testing.T) {
	e := newEntityEnv(t, servertest.Start(t, nil), "canon-co")
	upperUser := strings.ToUpper(e.staffID)
	upperSlug := strings.ToUpper(e.slug)
	for range 2 {
		e.read(t, "/users/"+upperUser, e.owner)
		e.read(t, "/companies/slug/"+upperSlug, e.owner)
	}
	for _, k := range []string{cache.UserKey(upperUser), cache.CompanySlugKey(upperSlug)} {
		if e.cached(t, k) {
			t.Errorf("cached under the non-canonical key %s", k)
		}
	}
	e.mustStatus(t, http.StatusOK, http.MethodPatch, "/users/"+e.staffID, e.owner, map[string]any{"firstName": "Upper"})
	if got := e.read(t, "/users/"+upperUser, e.owner)["firstName"]; got != "Upper" {
		t.Errorf("read by upper-case id after a write = %v", got)
	}

	cr := e.mustStatus(t, http.StatusCreated, http.MethodPost, "/compounds", e.owner, map[string]any{"name": "Case Court",
		"addressLine": "1 Case Street", "city": "Nairobi", "country": "Kenya"})
	compound := cr.Map(t)["id"].(string)
	upperCompound := "/compounds/" + strings.ToUpper(compound)
	e.read(t, upperCompound, e.owner)
	e.mustStatus(t, http.StatusOK, http.MethodPatch, "/compounds/"+compound, e.owner, map[string]any{"name": "Case Court Two"})
	if got := e.read(t, upperCompound, e.owner)["name"]; got != "Case Court Two" {
		t.Errorf("compound read by upper-case id after a write = %v", got)
	}
}

// TestEntityCacheUsesRedisTTL: entries live for REDIS_TTL.
func TestEntityCacheUsesRedisTTL(t *testing.T) {
	inst := servertest.Start(t, func(c *config.Config) { c.CacheTTL = 90 * time.Second })
	e := newEntityEnv(t, inst, "ttl-co")
	e.read(t, "/users/"+e.staffID, e.owner)
	e.read(t, "/companies/"+e.company, e.owner)
	for _, k := range []string{cache.UserKey(e.staffID), cache.CompanyKey(e.company)} {
		ttl, err := inst.Redis.PTTL(context.Background(), inst.KeyPrefix+k).Result()
		if err != nil {
			t.Fatal(err)
		}
		if ttl <= 80*time.Second || ttl > 90*time.Second {
			t.Errorf("%s TTL = %v, want about 90s", k, ttl)
		}
	}
}

// TestEntityReadsWithRedisDown serves the company and user routes with their cache on a Redis
// that becomes unreachable (a proxy in front of the real server is cut): reads keep answering from
// MariaDB, writes still succeed and the next read shows them. Authentication is replaced by a fixed
// principal, because the server's sessions live in the same Redis and this test is about the cache.
func TestEntityReadsWithRedisDown(t *testing.T) {
	inst := servertest.Start(t, nil)
	e := newEntityEnv(t, inst, "redis-down")
	proxy := testenv.NewProxy(t, testenv.RedisAddr(t))
	rdb := redis.NewClient(&redis.Options{Addr: proxy.Addr, MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { rdb.Close() })
	c := cache.New(rdb, inst.KeyPrefix+"down:", nil)
	us := users.NewService(inst.DB, nil, func(string) (string, error) { return "", nil }, c, time.Minute)
	cs := companies.NewService(inst.DB, us, nil, c, time.Minute)
	principal := &identity.Principal{UserID: "owner", CompanyID: &e.company, Role: identity.Owner}
	r := chi.NewRouter()
	for _, rt := range append((&companies.Handler{Service: cs}).Routes(), (&users.Handler{Service: us}).Routes()...) {
		r.Method(rt.Method, rt.Pattern, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			rt.Handler(w, req.WithContext(identity.With(req.Context(), principal)))
		}))
	}
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	call := func(method, path string, body any) *servertest.Response {
		return servertest.Do(t, srv.URL, servertest.Request{Method: method, Path: path, Body: body})
	}
	paths := []string{"/companies/" + e.company, "/companies/slug/" + e.slug, "/users/" + e.staffID}
	for _, p := range paths { // Redis up: the reads fill the cache
		if r := call(http.MethodGet, p, nil); r.Status != http.StatusOK {
			t.Fatalf("GET %s with Redis up: %d %s", p, r.Status, r.Body)
		}
	}

	errs0 := metricstest.Value(t, "cache_errors_total", map[string]string{"cache": cache.Company, "operation": "get"}) +
		metricstest.Value(t, "cache_errors_total", map[string]string{"cache": cache.User, "operation": "get"})
	proxy.Break()
	for range 3 {
		for _, p := range paths {
			if r := call(http.MethodGet, p, nil); r.Status != http.StatusOK {
				t.Errorf("GET %s with Redis down: %d %s", p, r.Status, r.Body)
			}
		}
		time.Sleep(cache.DefaultBypassFor / 2)
	}
	errs := metricstest.Value(t, "cache_errors_total", map[string]string{"cache": cache.Company, "operation": "get"}) +
		metricstest.Value(t, "cache_errors_total", map[string]string{"cache": cache.User, "operation": "get"})
	if errs <= errs0 {
		t.Error("cache_errors_total did not rise while Redis was down")
	}
	if r := call(http.MethodPatch, "/companies/"+e.company, map[string]any{"name": "Written While Down"}); r.Status != http.StatusOK {
		t.Fatalf("PATCH with Redis down: %d %s", r.Status, r.Body)
	}
	if r := call(http.MethodPatch, "/users/"+e.staffID, map[string]any{"firstName": "Downey"}); r.Status != http.StatusOK {
		t.Fatalf("PATCH user with Redis down: %d %s", r.Status, r.Body)
	}
	if got := call(http.MethodGet, "/companies/"+e.company, nil).Map(t)["name"]; got != "Written While Down" {
		t.Errorf("company read after a write with Redis down = %v", got)
	}
	if got := call(http.MethodGet, "/users/"+e.staffID, nil).Map(t)["firstName"]; got != "Downey" {
		t.Errorf("user read after a write with Redis down = %v", got)
	}
}
