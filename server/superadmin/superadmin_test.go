package superadmin_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ternant/ternant/server/identity"
	"github.com/ternant/ternant/server/servertest"
)

func TestSuperAdminCompanies(t *testing.T) {
	inst := servertest.Start(t, nil)
	sa := inst.SuperAdminToken(t)
	ownerA, companyA := inst.RegisterCompany(t, "alpha")
	inst.RegisterCompany(t, "beta")

	create := inst.Do(t, servertest.Request{Method: http.MethodPost, Path: "/api/v1/super-admin/companies", Token: sa,
		Body: map[string]any{"name": "Gamma", "slug": "gamma", "ownerFirstName": "Gus", "ownerLastName": "Gamma",
			"ownerEmail": "gus@gamma.test", "ownerPassword": servertest.Password}})
	require.Equal(t, http.StatusCreated, create.Status, "%s", create.Body)
	var created struct {
		Company struct{ ID, Slug string }
		Owner   struct{ Role, CompanyID string }
	}
	create.JSON(t, &created)
	assert.Equal(t, "OWNER", created.Owner.Role)
	assert.Equal(t, created.Company.ID, created.Owner.CompanyID)
	assert.Equal(t, http.StatusOK, inst.Get(t, "/api/v1/auth/me", inst.Login(t, "gus@gamma.test", servertest.Password)).Status)

	var page struct {
		Data []struct{ Slug string }
		Meta struct{ Total, Page, Limit, TotalPages int }
	}
	inst.Get(t, "/api/v1/super-admin/companies?limit=2&page=1", sa).JSON(t, &page)
	assert.Equal(t, 3, page.Meta.Total)
	assert.Equal(t, 2, page.Meta.TotalPages)
	assert.Len(t, page.Data, 2)
	inst.Get(t, "/api/v1/super-admin/companies?search=alp", sa).JSON(t, &page)
	require.Len(t, page.Data, 1)
	assert.Equal(t, "alpha", page.Data[0].Slug)

	stats := inst.Get(t, "/api/v1/super-admin/companies/"+companyA+"/stats", sa)
	require.Equal(t, http.StatusOK, stats.Status, "%s", stats.Body)
	assert.EqualValues(t, 1, stats.Map(t)["totalUsers"])
	platform := inst.Get(t, "/api/v1/super-admin/companies/platform/stats", sa)
	require.Equal(t, http.StatusOK, platform.Status)
	assert.EqualValues(t, 3, platform.Map(t)["totalCompanies"])

	// Suspending a company ends its users' sessions and refuses their logins until reactivated.
	// The action routes are PATCH with 200, as in TernantApp; POST is an unknown route there too.
	post := inst.Do(t, servertest.Request{Method: http.MethodPost, Path: "/api/v1/super-admin/companies/" + companyA + "/suspend", Token: sa})
	require.Equal(t, http.StatusNotFound, post.Status, "%s", post.Body)
	susp := inst.Do(t, servertest.Request{Method: http.MethodPatch, Path: "/api/v1/super-admin/companies/" + companyA + "/suspend", Token: sa})
	require.Equal(t, http.StatusOK, susp.Status, "%s", susp.Body)
	assert.Equal(t, false, susp.Map(t)["isActive"])
	assert.Equal(t, http.StatusUnauthorized, inst.Get(t, "/api/v1/auth/me", ownerA).Status)
	login := inst.Do(t, servertest.Request{Method: http.MethodPost, Path: "/api/v1/auth/login",
		Body: map[string]string{"email": servertest.OwnerEmail("alpha"), "password": servertest.Password}})
	assert.Equal(t, http.StatusUnauthorized, login.Status)
	act := inst.Do(t, servertest.Request{Method: http.MethodPatch, Path: "/api/v1/super-admin/companies/" + companyA + "/activate", Token: sa})
	require.Equal(t, http.StatusOK, act.Status, "%s", act.Body)
	assert.Equal(t, true, act.Map(t)["isActive"])
	assert.NotEmpty(t, inst.Login(t, servertest.OwnerEmail("alpha"), servertest.Password))

	// DELETE deactivates (TernantApp's always failed); the row and its data stay.
	del := inst.Do(t, servertest.Request{Method: http.MethodDelete, Path: "/api/v1/super-admin/companies/" + created.Company.ID, Token: sa})
	assert.Equal(t, http.StatusOK, del.Status)
	assert.Empty(t, del.Body)
	assert.Equal(t, false, inst.Get(t, "/api/v1/super-admin/companies/"+created.Company.ID, sa).Map(t)["isActive"])

	missing := inst.Get(t, "/api/v1/super-admin/companies/0190a5c4-0000-7000-8000-000000000000", sa)
	assert.Equal(t, http.StatusNotFound, missing.Status)
}

func TestSuperAdminUsers(t *testing.T) {
	inst := servertest.Start(t, nil)
	sa := inst.SuperAdminToken(t)
	_, company := inst.RegisterCompany(t, "delta")

	create := inst.Do(t, servertest.Request{Method: http.MethodPost, Path: "/api/v1/super-admin/users", Token: sa,
		Body: map[string]any{"firstName": "Ada", "lastName": "Admin", "email": "ada@delta.test",
			"password": servertest.Password, "role": "ADMIN", "companyId": company}})
	require.Equal(t, http.StatusCreated, create.Status, "%s", create.Body)
	id := create.Map(t)["id"].(string)

	// A company id in another letter case finds the company, and the user gets its stored id.
	upper := inst.Do(t, servertest.Request{Method: http.MethodPost, Path: "/api/v1/super-admin/users", Token: sa,
		Body: map[string]any{"firstName": "Upper", "lastName": "Case", "email": "upper@delta.test",
			"password": servertest.Password, "role": "STAFF", "companyId": strings.ToUpper(company)}})
	require.Equal(t, http.StatusCreated, upper.Status, "%s", upper.Body)
	assert.Equal(t, company, upper.Map(t)["companyId"], "the user must carry the company's stored id")

	noCompany := inst.Do(t, servertest.Request{Method: http.MethodPost, Path: "/api/v1/super-admin/users", Token: sa,
		Body: map[string]any{"firstName": "No", "lastName": "Company", "email": "nc@x.test",
			"password": servertest.Password, "role": "STAFF"}})
	assert.Equal(t, http.StatusBadRequest, noCompany.Status)

	var page struct {
		Data []struct{ Email string }
		Meta struct{ Total int }
	}
	inst.Get(t, "/api/v1/super-admin/users?companyId="+company, sa).JSON(t, &page)
	assert.Equal(t, 3, page.Meta.Total)
	inst.Get(t, "/api/v1/super-admin/users?search=ada&role=ADMIN", sa).JSON(t, &page)
	require.Len(t, page.Data, 1)
	assert.Equal(t, "ada@delta.test", page.Data[0].Email)

	ada := inst.Login(t, "ada@delta.test", servertest.Password)
	reset := inst.Do(t, servertest.Request{Method: http.MethodPatch, Path: "/api/v1/super-admin/users/" + id + "/reset-password",
		Token: sa, Body: map[string]any{"newPassword": "NewPass123!"}})
	require.Equal(t, http.StatusOK, reset.Status, "%s", reset.Body)
	assert.Equal(t, http.StatusUnauthorized, inst.Get(t, "/api/v1/auth/me", ada).Status, "reset ends sessions")
	ada = inst.Login(t, "ada@delta.test", "NewPass123!")

	susp := inst.Do(t, servertest.Request{Method: http.MethodPatch, Path: "/api/v1/super-admin/users/" + id + "/suspend", Token: sa})
	require.Equal(t, http.StatusOK, susp.Status)
	assert.Equal(t, "SUSPENDED", susp.Map(t)["status"])
	assert.Equal(t, http.StatusUnauthorized, inst.Get(t, "/api/v1/auth/me", ada).Status)
	act := inst.Do(t, servertest.Request{Method: http.MethodPatch, Path: "/api/v1/super-admin/users/" + id + "/activate", Token: sa})
	require.Equal(t, http.StatusOK, act.Status, "%s", act.Body)
	assert.Equal(t, "ACTIVE", act.Map(t)["status"])

	del := inst.Do(t, servertest.Request{Method: http.MethodDelete, Path: "/api/v1/super-admin/users/" + id, Token: sa})
	assert.Equal(t, http.StatusNoContent, del.Status)
	assert.Equal(t, "INACTIVE", inst.Get(t, "/api/v1/super-admin/users/"+id, sa).Map(t)["status"])

	stats := inst.Get(t, "/api/v1/super-admin/users/stats", sa)
	require.Equal(t, http.StatusOK, stats.Status)
	m := stats.Map(t)
	assert.EqualValues(t, 1, m["superAdmins"])
	assert.EqualValues(t, 1, m["inactive"])

	// A super admin has no company: company-scoped routes see nothing, role-guarded ones refuse.
	assert.Equal(t, http.StatusNotFound, inst.Get(t, "/api/v1/users/"+id, sa).Status)
	assert.Equal(t, http.StatusForbidden, inst.Do(t, servertest.Request{Method: http.MethodPost, Path: "/api/v1/users",
		Token: sa, Body: map[string]any{}}).Status)
	owner := inst.UserToken(t, company, identity.Owner)
	assert.Equal(t, http.StatusForbidden, inst.Get(t, "/api/v1/super-admin/users", owner).Status)
}
