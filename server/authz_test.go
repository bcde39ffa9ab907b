package server_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ternant/ternant/server/auth"
	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/identity"
	"github.com/ternant/ternant/server/servertest"
)

// accessKinds is the matrix's expectation table: every access rule a route may declare, by name.
// A route whose rule is not listed fails TestAuthorizationMatrix, so a new kind of rule is a
// deliberate addition here, with the roles it admits spelled out.
var accessKinds = map[string][]identity.Role{
	"public":                          nil,
	"any":                             identity.AllRoles,
	"company-user":                    {identity.Owner, identity.Admin, identity.Staff, identity.Auditor, identity.TenantPortal},
	"super-admin":                     {identity.SuperAdmin},
	"roles:OWNER":                     {identity.Owner},
	"roles:OWNER,ADMIN":               {identity.Owner, identity.Admin},
	"roles:OWNER,ADMIN,STAFF,AUDITOR": {identity.Owner, identity.Admin, identity.Staff, identity.Auditor},
	"roles:OWNER,ADMIN,STAFF":         {identity.Owner, identity.Admin, identity.Staff},
	// Effective rules of routes declared for any user: reads admit AUDITOR, writes do not;
	// TENANT_PORTAL only reads its own tenant's data (portal routes).
	"roles:SUPER_ADMIN,OWNER,ADMIN,STAFF,AUDITOR":                {identity.SuperAdmin, identity.Owner, identity.Admin, identity.Staff, identity.Auditor},
	"roles:SUPER_ADMIN,OWNER,ADMIN,STAFF":                        {identity.SuperAdmin, identity.Owner, identity.Admin, identity.Staff},
	"portal:SUPER_ADMIN,OWNER,ADMIN,STAFF,AUDITOR,TENANT_PORTAL": identity.AllRoles,
	"self": identity.AllRoles,
}

// crossTenantBodies are request bodies for {id} routes that validate their body before looking the
// id up, so the cross-tenant call reaches the lookup. Key: "METHOD pattern".
var crossTenantBodies = map[string]any{
	"PATCH /invoices/{id}/status": map[string]any{"status": "sent"},
	"POST /invoices/{id}/payment": map[string]any{"amount": 1},
}

func kindOf(a identity.Access) string {
	switch {
	case a.Public:
		return "public"
	case a.Self:
		return "self"
	case a.SuperAdmin:
		return "super-admin"
	case a.CompanyOnly && len(a.Roles) == 0:
		return "company-user"
	case len(a.Roles) == 0:
		return "any"
	}
	names := make([]string, len(a.Roles))
	for i, r := range a.Roles {
		names[i] = string(r)
	}
	if a.Portal {
		return "portal:" + strings.Join(names, ",")
	}
	return "roles:" + strings.Join(names, ",")
}

var param = regexp.MustCompile(`\{[^}]+\}`)

// concrete fills a pattern's parameters with a well-formed id that matches nothing.
func concrete(pattern, id string) string {
	return "/api/v1" + param.ReplaceAllString(pattern, id)
}

// badTokens are the credentials every non-public route must refuse with 401.
func badTokens(t *testing.T, inst *servertest.Instance, valid auth.Tokens) map[string]string {
	t.Helper()
	secret := []byte(inst.Config.JWTSecret)
	var claims map[string]any
	payload := strings.Split(valid.AccessToken, ".")[1]
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &claims); err != nil {
		t.Fatal(err)
	}
	expiredClaims := jwt.MapClaims{}
	for k, v := range claims {
		expiredClaims[k] = v
	}
	expiredClaims["iat"] = time.Now().Add(-time.Hour).Unix()
	expiredClaims["exp"] = time.Now().Add(-30 * time.Minute).Unix()
	expired, err := jwt.NewWithClaims(jwt.SigningMethodHS256, expiredClaims).SignedString(secret)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(valid.AccessToken, ".")
	sig := []byte(parts[2])
	sig[len(sig)/2] ^= 1
	if sig[len(sig)/2] == parts[2][len(sig)/2] {
		t.Fatal("tampering did not change the signature")
	}
	tampered := parts[0] + "." + parts[1] + "." + string(sig)
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."
	return map[string]string{
		"no token":           "",
		"expired":            expired,
		"tampered signature": tampered,
		"alg none":           none,
		"refresh as access":  valid.RefreshToken,
		"garbage":            "not-a-jwt",
	}
}

type caller struct {
	role  identity.Role
	email string
	token string
}

// TestAuthorizationMatrix sends every route of the route table every kind of credential: none,
// expired, tampered, alg none, a refresh token, each role of the company, and (for {id} routes)
// another company's user holding another company's id.
func TestAuthorizationMatrix(t *testing.T) {
	inst := servertest.Start(t, nil)
	ownerA, companyA := inst.RegisterCompany(t, "matrix-a")
	ownerB, companyB := inst.RegisterCompany(t, "matrix-b")

	callers := map[identity.Role]*caller{}
	for _, role := range identity.AllRoles {
		company := companyA
		if role == identity.SuperAdmin {
			company = ""
		}
		email, _ := inst.CreateUser(t, company, role)
		callers[role] = &caller{role: role, email: email, token: inst.Login(t, email, servertest.Password)}
	}
	// fresh re-logs a caller in when a route it called (logout, logout-all) ended its session.
	fresh := func(c *caller) string {
		if inst.Get(t, "/api/v1/auth/me", c.token).Status != http.StatusOK {
			c.token = inst.Login(t, c.email, servertest.Password)
		}
		return c.token
	}
	bad := badTokens(t, inst, inst.LoginTokens(t, callers[identity.Staff].email, servertest.Password))
	const missing = "0190a5c4-0000-7000-8000-000000000000"

	routes := inst.Routes()
	if len(routes) == 0 {
		t.Fatal("empty route table")
	}
	for _, rt := range routes {
		name := rt.Method + " " + rt.Pattern
		allowed, known := accessKinds[kindOf(rt.Access)]
		if !known {
			t.Errorf("%s: access rule %q has no entry in the matrix's accessKinds table", name, kindOf(rt.Access))
			continue
		}
		path := concrete(rt.Pattern, missing)
		t.Run(name, func(t *testing.T) {
			for label, tok := range bad {
				resp := inst.Do(t, servertest.Request{Method: rt.Method, Path: path, Token: tok, Body: "{}"})
				if rt.Access.Public {
					if resp.Status == http.StatusUnauthorized && !strings.HasPrefix(rt.Pattern, "/auth/") {
						t.Errorf("%s: public route answered 401", label)
					}
					continue
				}
				if resp.Status != http.StatusUnauthorized {
					t.Errorf("%s: got %d %s, want 401", label, resp.Status, resp.Body)
				}
			}
			if rt.Access.Public {
				return
			}
			for _, role := range identity.AllRoles {
				c := callers[role]
				resp := inst.Do(t, servertest.Request{Method: rt.Method, Path: path, Token: fresh(c), Body: "{}"})
				switch {
				case slices.Contains(allowed, role) && (resp.Status == http.StatusUnauthorized || resp.Status == http.StatusForbidden):
					t.Errorf("%s: got %d %s, want access", role, resp.Status, resp.Body)
				case slices.Contains(allowed, role) && resp.Status >= 500:
					t.Errorf("%s: got %d %s", role, resp.Status, resp.Body)
				case !slices.Contains(allowed, role) && resp.Status != http.StatusForbidden:
					t.Errorf("%s: got %d %s, want 403", role, resp.Status, resp.Body)
				}
			}
			if !strings.Contains(rt.Pattern, "/{id}") || rt.Access.SuperAdmin {
				return
			}
			crossTenant(t, inst, rt, allowed, [2]string{companyA, ownerA}, ownerB, companyB)
		})
	}
}

// crossTenant proves that company B's user, holding a role the route admits, gets 404 for
// company A's id, while company A's owner can read it.
func crossTenant(t *testing.T, inst *servertest.Instance, rt httpx.Route, allowed []identity.Role, a [2]string, ownerB, companyB string) {
	t.Helper()
	prefix, fixture, ok := servertest.FixtureFor(rt.Pattern)
	if !ok {
		t.Errorf("no servertest fixture for %q: register one with servertest.RegisterFixture", prefix)
		return
	}
	var role identity.Role
	for _, r := range []identity.Role{identity.Owner, identity.Admin, identity.Staff, identity.Auditor, identity.TenantPortal} {
		if slices.Contains(allowed, r) {
			role = r
			break
		}
	}
	if role == "" {
		return
	}
	id := fixture(t, inst, a[0], a[1])
	token := ownerB
	if role != identity.Owner {
		token = inst.UserToken(t, companyB, role)
	}
	path := concrete(rt.Pattern, id)
	if rt.Method == http.MethodGet {
		if own := inst.Get(t, path, a[1]); own.Status != http.StatusOK {
			t.Errorf("own company: GET %s = %d %s, want 200 (is the fixture right?)", path, own.Status, own.Body)
		}
	}
	body, ok := crossTenantBodies[rt.Method+" "+rt.Pattern]
	if !ok {
		body = "{}"
	}
	resp := inst.Do(t, servertest.Request{Method: rt.Method, Path: path, Token: token, Body: body})
	if resp.Status != http.StatusNotFound {
		t.Errorf("other company's %s: got %d %s, want 404", role, resp.Status, resp.Body)
	}
	if strings.Contains(string(resp.Body), id) && !strings.Contains(resp.Map(t)["message"].(string), id) {
		t.Errorf("other company's response leaks the row: %s", resp.Body)
	}
}
