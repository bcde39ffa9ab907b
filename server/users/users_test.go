package users_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ternant/ternant/server/identity"
	"github.com/ternant/ternant/server/servertest"
	"github.com/ternant/ternant/server/users"
)

func newUser(email, role string) map[string]any {
	return map[string]any{"firstName": "Sam", "lastName": "Staff", "email": email, "password": servertest.Password,
		"role": role, "phone": "+254711"}
}

func TestUserLifecycle(t *testing.T) {
	inst := servertest.Start(t, nil)
	owner, company := inst.RegisterCompany(t, "people")

	create := inst.Do(t, servertest.Request{Method: http.MethodPost, Path: "/api/v1/users", Token: owner,
		Body: newUser("sam@people.test", "STAFF")})
	require.Equal(t, http.StatusCreated, create.Status, "%s", create.Body)
	var u struct {
		ID, CompanyID, Role, Status string
		Profile                     map[string]any
	}
	create.JSON(t, &u)
	assert.Equal(t, company, u.CompanyID)
	assert.Equal(t, "+254711", u.Profile["phone"])
	for _, secret := range []string{"password", "resetToken", "verificationToken"} {
		assert.NotContains(t, string(create.Body), secret)
	}

	dup := inst.Do(t, servertest.Request{Method: http.MethodPost, Path: "/api/v1/users", Token: owner,
		Body: newUser("sam@people.test", "ADMIN")})
	assert.Equal(t, http.StatusConflict, dup.Status)
	assert.Equal(t, users.MsgDuplicateInCompany, dup.Map(t)["message"])

	sam := inst.Login(t, "sam@people.test", servertest.Password)
	patch := inst.Do(t, servertest.Request{Method: http.MethodPatch, Path: "/api/v1/users/" + u.ID, Token: owner,
		Body: map[string]any{"lastName": "Senior", "role": "AUDITOR"}})
	require.Equal(t, http.StatusOK, patch.Status, "%s", patch.Body)
	assert.Equal(t, "AUDITOR", patch.Map(t)["role"])
	assert.Equal(t, http.StatusUnauthorized, inst.Get(t, "/api/v1/auth/me", sam).Status,
		"a role change ends the user's sessions so the new role applies at once")

	noEmail := inst.Do(t, servertest.Request{Method: http.MethodPatch, Path: "/api/v1/users/" + u.ID, Token: owner,
		Body: map[string]any{"email": "x@y.z"}})
	assert.Equal(t, http.StatusBadRequest, noEmail.Status)
	assert.Equal(t, []any{"property email should not exist"}, noEmail.Map(t)["message"])

	sam = inst.Login(t, "sam@people.test", servertest.Password)
	del := inst.Do(t, servertest.Request{Method: http.MethodDelete, Path: "/api/v1/users/" + u.ID, Token: owner})
	require.Equal(t, http.StatusNoContent, del.Status)
	assert.Equal(t, http.StatusUnauthorized, inst.Get(t, "/api/v1/auth/me", sam).Status, "deactivation ends sessions")
	bad := inst.Do(t, servertest.Request{Method: http.MethodPost, Path: "/api/v1/auth/login",
		Body: map[string]string{"email": "sam@people.test", "password": servertest.Password}})
	assert.Equal(t, "Account is inactive", bad.Map(t)["message"])

	var list []map[string]any
	resp := inst.Get(t, "/api/v1/users", owner)
	resp.JSON(t, &list)
	assert.Len(t, list, 1, "inactive users are hidden")
	assert.Equal(t, "1", resp.Header.Get("X-Total-Count"))
	inst.Get(t, "/api/v1/users?includeInactive=false", owner).JSON(t, &list)
	assert.Len(t, list, 1, `"false" means false`)
	inst.Get(t, "/api/v1/users?includeInactive=true", owner).JSON(t, &list)
	assert.Len(t, list, 2)
	assert.Equal(t, u.ID, list[0]["id"], "newest first")
	assert.Equal(t, http.StatusBadRequest, inst.Get(t, "/api/v1/users?includeInactive=maybe", owner).Status)

	act := inst.Do(t, servertest.Request{Method: http.MethodPost, Path: "/api/v1/users/" + u.ID + "/activate", Token: owner})
	require.Equal(t, http.StatusCreated, act.Status)
	assert.Equal(t, "ACTIVE", act.Map(t)["status"])
}

// TestRoleEscalation: /users never creates a super admin, and only an owner creates or promotes
// an owner.
func TestRoleEscalation(t *testing.T) {
	inst := servertest.Start(t, nil)
	owner, company := inst.RegisterCompany(t, "roles")
	admin := inst.UserToken(t, company, identity.Admin)
	_, staffID := inst.CreateUser(t, company, identity.Staff)

	cases := []struct {
		name, token, method, path string
		body                      any
		want                      int
	}{
		{"super admin role", owner, http.MethodPost, "/api/v1/users", newUser("s@roles.test", "SUPER_ADMIN"), 400},
		{"admin creates owner", admin, http.MethodPost, "/api/v1/users", newUser("o@roles.test", "OWNER"), 403},
		{"admin promotes to owner", admin, http.MethodPatch, "/api/v1/users/" + staffID, map[string]any{"role": "OWNER"}, 403},
		{"owner creates owner", owner, http.MethodPost, "/api/v1/users", newUser("o2@roles.test", "OWNER"), 201},
		{"admin creates staff", admin, http.MethodPost, "/api/v1/users", newUser("s2@roles.test", "STAFF"), 201},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := inst.Do(t, servertest.Request{Method: c.method, Path: c.path, Token: c.token, Body: c.body})
			assert.Equal(t, c.want, resp.Status, "%s", resp.Body)
		})
	}
}
