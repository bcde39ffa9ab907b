package companies_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ternant/ternant/server/companies"
	"github.com/ternant/ternant/server/identity"
	"github.com/ternant/ternant/server/servertest"
)

func registerBody(slug, email string) map[string]any {
	return map[string]any{
		"company": map[string]any{"name": "Acme " + slug, "slug": slug, "email": "info@acme.test", "phone": "+1 555",
			"currency": "KES", "timezone": "Africa/Nairobi"},
		"owner": map[string]any{"firstName": "Olive", "lastName": "Owner", "email": email,
			"password": servertest.Password, "phone": "+1 556"},
	}
}

func register(t *testing.T, inst *servertest.Instance, body any) *servertest.Response {
	t.Helper()
	return inst.Do(t, servertest.Request{Method: http.MethodPost, Path: "/api/v1/companies/register", Body: body})
}

func TestRegisterResponse(t *testing.T) {
	inst := servertest.Start(t, nil)
	resp := register(t, inst, registerBody("acme", "olive@acme.test"))
	require.Equal(t, http.StatusCreated, resp.Status, "%s", resp.Body)
	body := string(resp.Body)
	// Key order clients rely on: message, company, user, tokens; the first "id" is the company's.
	for i, key := range []string{`"message":"Company registered successfully"`, `"company":{"id":`, `"user":{"id":`, `"tokens":{"accessToken":`} {
		require.Contains(t, body, key, "key %d", i)
	}
	assert.Less(t, strings.Index(body, `"company"`), strings.Index(body, `"user"`))
	assert.NotContains(t, body, "passwordHash")
	assert.NotContains(t, body, "password_hash")

	var out struct {
		Company companies.Company
		User    struct {
			Role, Status, CompanyID string
			Profile                 map[string]any
		}
	}
	resp.JSON(t, &out)
	assert.Equal(t, "acme", out.Company.Slug)
	assert.Equal(t, "KES", out.Company.Currency)
	assert.True(t, out.Company.IsActive)
	assert.JSONEq(t, companies.DefaultReminderPreferences, string(out.Company.ReminderPreferences))
	assert.Equal(t, "OWNER", out.User.Role)
	assert.Equal(t, "ACTIVE", out.User.Status)
	assert.Equal(t, out.Company.ID, out.User.CompanyID)
	assert.Equal(t, "+1 556", out.User.Profile["phone"])
	assert.Regexp(t, `"createdAt":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"`, body)
}

func TestRegisterRejects(t *testing.T) {
	inst := servertest.Start(t, nil)
	require.Equal(t, http.StatusCreated, register(t, inst, registerBody("taken", "first@acme.test")).Status)

	missing := registerBody("x-co", "x@acme.test")
	delete(missing["company"].(map[string]any), "phone")
	delete(missing["company"].(map[string]any), "currency")
	extra := registerBody("y-co", "y@acme.test")
	extra["admin"] = true
	extra["owner"].(map[string]any)["isSuperAdmin"] = true
	weak := registerBody("z-co", "z@acme.test")
	weak["owner"].(map[string]any)["password"] = "password1"
	badSlug := registerBody("Bad Slug!", "s@acme.test")

	cases := []struct {
		name    string
		body    any
		status  int
		message any
	}{
		{"duplicate slug", registerBody("taken", "other@acme.test"), 409, companies.MsgSlugTaken},
		{"email in another company", registerBody("fresh", "first@acme.test"), 409, companies.MsgEmailTaken},
		{"required company fields", missing, 400, []any{
			"company.phone must be shorter than or equal to 50 characters", "company.phone must be a string", "company.phone should not be empty",
			"company.currency must be shorter than or equal to 10 characters", "company.currency must be a string", "company.currency should not be empty"}},
		{"unknown properties", extra, 400, []any{"property admin should not exist", "owner.property isSuperAdmin should not exist"}},
		{"password policy", weak, 400, []any{"Password must be at least 8 characters and contain uppercase, lowercase, number and special character"}},
		{"slug pattern", badSlug, 400, []any{"company.slug must match /^[a-z0-9-]+$/ regular expression"}},
		{"malformed JSON", `{"company":`, 400, "Malformed JSON in request body"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := register(t, inst, c.body)
			assert.Equal(t, c.status, resp.Status, "%s", resp.Body)
			assert.Equal(t, c.message, resp.Map(t)["message"])
		})
	}
}

// TestRegisterConcurrentSameSlug: of several simultaneous registrations of one slug exactly one
// succeeds and the rest are 409 (never 500).
func TestRegisterConcurrentSameSlug(t *testing.T) {
	inst := servertest.Start(t, nil)
	const n = 6
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			statuses[i] = register(t, inst, registerBody("race", "race"+string(rune('a'+i))+"@acme.test")).Status
		})
	}
	wg.Wait()
	created := 0
	for _, s := range statuses {
		if s == http.StatusCreated {
			created++
		} else {
			assert.Equal(t, http.StatusConflict, s)
		}
	}
	assert.Equal(t, 1, created, "%v", statuses)
}

// TestFreedSlugIsReusable: uniqueness is decided by the database, so a slug freed by a rename is
// available at once (TernantApp's 5-minute cache kept it taken).
func TestFreedSlugIsReusable(t *testing.T) {
	inst := servertest.Start(t, nil)
	token, id := inst.RegisterCompany(t, "old-slug")
	resp := inst.Do(t, servertest.Request{Method: http.MethodPatch, Path: "/api/v1/companies/" + id, Token: token,
		Body: map[string]any{"slug": "new-slug"}})
	require.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body)
	require.Equal(t, http.StatusCreated, register(t, inst, registerBody("old-slug", "again@acme.test")).Status)
}

func TestCompanyEndpoints(t *testing.T) {
	inst := servertest.Start(t, nil)
	owner, id := inst.RegisterCompany(t, "mine")
	_, otherID := inst.RegisterCompany(t, "theirs")
	staff := inst.UserToken(t, id, identity.Staff)

	get := inst.Get(t, "/api/v1/companies/"+id, staff)
	require.Equal(t, http.StatusOK, get.Status)
	assert.Equal(t, "mine", get.Map(t)["slug"])
	assert.Equal(t, http.StatusOK, inst.Get(t, "/api/v1/companies/slug/mine", staff).Status)

	// Another company, by id or slug, does not exist for this caller.
	other := inst.Get(t, "/api/v1/companies/"+otherID, owner)
	assert.Equal(t, http.StatusNotFound, other.Status)
	assert.Equal(t, "Company with ID "+otherID+" not found", other.Map(t)["message"])
	assert.Equal(t, http.StatusNotFound, inst.Get(t, "/api/v1/companies/slug/theirs", owner).Status)

	patch := inst.Do(t, servertest.Request{Method: http.MethodPatch, Path: "/api/v1/companies/" + id, Token: owner,
		Body: map[string]any{"name": "Mine Ltd", "branding": map[string]any{"primaryColor": "#112233"}}})
	require.Equal(t, http.StatusOK, patch.Status, "%s", patch.Body)
	m := patch.Map(t)
	assert.Equal(t, "Mine Ltd", m["name"])
	assert.Equal(t, "#112233", m["branding"].(map[string]any)["primaryColor"])

	assert.Equal(t, http.StatusForbidden, inst.Do(t, servertest.Request{Method: http.MethodDelete,
		Path: "/api/v1/companies/" + id, Token: staff}).Status)
	del := inst.Do(t, servertest.Request{Method: http.MethodDelete, Path: "/api/v1/companies/" + id, Token: owner})
	assert.Equal(t, http.StatusOK, del.Status)
	assert.Empty(t, del.Body)
	assert.Equal(t, false, inst.Get(t, "/api/v1/companies/"+id, owner).Map(t)["isActive"])
}
