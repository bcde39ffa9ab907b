package companies_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ternant/ternant/server/identity"
	"github.com/ternant/ternant/server/servertest"
)

// TestSMTPPasswordIsWriteOnly: the company's SMTP password is stored and can be changed, but no
// answer (company routes, the super admin's, login) and no cached copy ever carries it; editing
// the settings without a password keeps the stored one.
func TestSMTPPasswordIsWriteOnly(t *testing.T) {
	const secret = "smtp-s3cret-value"
	inst := servertest.Start(t, nil)
	owner, id := inst.RegisterCompany(t, "smtp-co")
	staff := inst.UserToken(t, id, identity.Staff)
	stored := func() string {
		var raw string
		require.NoError(t, inst.DB.Get(t.Context(), &raw, "SELECT email_settings FROM companies WHERE id = ?", id))
		return raw
	}
	patch := func(settings map[string]any) *servertest.Response {
		return inst.Do(t, servertest.Request{Method: http.MethodPatch, Path: "/api/v1/companies/" + id, Token: owner,
			Body: map[string]any{"emailSettings": settings}})
	}

	r := patch(map[string]any{"smtpHost": "smtp.example.com", "smtpUser": "mailer", "smtpPassword": secret})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	require.Contains(t, stored(), secret, "the password must be stored")
	assert.Equal(t, "smtp.example.com", r.Map(t)["emailSettings"].(map[string]any)["smtpHost"])

	answers := map[string]*servertest.Response{"PATCH /companies/:id": r}
	for _, tok := range []string{owner, staff} {
		answers["GET /companies/:id"] = inst.Get(t, "/api/v1/companies/"+id, tok)
		answers["GET /companies/:id (cached)"] = inst.Get(t, "/api/v1/companies/"+id, tok)
		answers["GET /companies/slug/:slug"] = inst.Get(t, "/api/v1/companies/slug/smtp-co", tok)
	}
	answers["POST /auth/login"] = inst.Do(t, servertest.Request{Method: http.MethodPost, Path: "/api/v1/auth/login",
		Body: map[string]string{"email": servertest.OwnerEmail("smtp-co"), "password": servertest.Password}})
	answers["GET /auth/me"] = inst.Get(t, "/api/v1/auth/me", owner)
	sa := inst.SuperAdminToken(t)
	answers["GET /super-admin/companies/:id"] = inst.Get(t, "/api/v1/super-admin/companies/"+id, sa)
	answers["GET /super-admin/companies"] = inst.Get(t, "/api/v1/super-admin/companies", sa)
	for name, a := range answers {
		assert.Less(t, a.Status, 300, "%s: %s", name, a.Body)
		assert.NotContains(t, string(a.Body), secret, name)
		assert.NotContains(t, string(a.Body), "smtpPassword", name)
	}
	keys, err := inst.Redis.Keys(t.Context(), inst.KeyPrefix+"*").Result()
	require.NoError(t, err)
	for _, k := range keys {
		if v, err := inst.Redis.Get(t.Context(), k).Result(); err == nil {
			assert.NotContains(t, v, secret, "cached under %s", k)
		}
	}

	// Settings edited as read back (no password) keep the stored password; a new one replaces it.
	require.Equal(t, http.StatusOK, patch(map[string]any{"smtpHost": "smtp2.example.com", "smtpUser": "mailer"}).Status)
	assert.Contains(t, stored(), secret)
	assert.Contains(t, stored(), "smtp2.example.com")
	require.Equal(t, http.StatusOK, patch(map[string]any{"smtpHost": "smtp2.example.com", "smtpPassword": "rotated"}).Status)
	assert.Contains(t, stored(), "rotated")
	assert.NotContains(t, stored(), secret)
}

// TestOnlyOwnersDeactivateTheCompanyOrAnOwner: an ADMIN may edit the company but not switch it
// off, and may deactivate users but not an OWNER; an OWNER may do both.
func TestOnlyOwnersDeactivateTheCompanyOrAnOwner(t *testing.T) {
	inst := servertest.Start(t, nil)
	owner, id := inst.RegisterCompany(t, "owner-co")
	admin := inst.UserToken(t, id, identity.Admin)
	_, ownerID := inst.CreateUser(t, id, identity.Owner)
	_, staffID := inst.CreateUser(t, id, identity.Staff)
	call := func(tok, method, path string, body any) *servertest.Response {
		return inst.Do(t, servertest.Request{Method: method, Path: "/api/v1" + path, Token: tok, Body: body})
	}

	r := call(admin, http.MethodPatch, "/companies/"+id, map[string]any{"isActive": false})
	assert.Equal(t, http.StatusForbidden, r.Status, "%s", r.Body)
	assert.Equal(t, "Insufficient permissions", r.Map(t)["message"])
	assert.Equal(t, http.StatusOK, call(admin, http.MethodGet, "/auth/me", nil).Status, "the company must still be active")
	r = call(admin, http.MethodPatch, "/companies/"+id, map[string]any{"name": "Owner Co Renamed"})
	assert.Equal(t, http.StatusOK, r.Status, "%s", r.Body)

	r = call(admin, http.MethodDelete, "/users/"+ownerID, nil)
	assert.Equal(t, http.StatusForbidden, r.Status, "%s", r.Body)
	var status string
	require.NoError(t, inst.DB.Get(t.Context(), &status, "SELECT status FROM users WHERE id = ?", ownerID))
	assert.Equal(t, "ACTIVE", status)
	assert.Equal(t, http.StatusNoContent, call(admin, http.MethodDelete, "/users/"+staffID, nil).Status)
	assert.Equal(t, http.StatusForbidden, call(admin, http.MethodPost, "/users/"+ownerID+"/activate", nil).Status)

	assert.Equal(t, http.StatusNoContent, call(owner, http.MethodDelete, "/users/"+ownerID, nil).Status)
	r = call(owner, http.MethodPatch, "/companies/"+id, map[string]any{"isActive": false})
	assert.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	assert.False(t, strings.Contains(string(r.Body), `"isActive":true`))
}
