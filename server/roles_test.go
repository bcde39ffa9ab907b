package server_test

import (
	"net/http"
	"testing"

	"github.com/ternant/ternant/internal/propertytest"
	"github.com/ternant/ternant/server/identity"
	"github.com/ternant/ternant/server/servertest"
)

// TestLeastPrivilegeRoles: AUDITOR reads and never writes; a TENANT_PORTAL user reaches only its
// own tenant (the company's tenant with the user's email) and nothing else of the company.
func TestLeastPrivilegeRoles(t *testing.T) {
	e := propertytest.Start(t)
	portalEmail, _ := e.CreateUser(t, e.AID, identity.TenantPortal)
	portal := e.Login(t, portalEmail, servertest.Password)
	auditor := e.UserToken(t, e.AID, identity.Auditor)

	own := propertytest.ID(t, e.Must(t, http.StatusCreated, e.A, http.MethodPost, "/tenants",
		map[string]any{"firstName": "Portal", "lastName": "Self", "email": portalEmail}))
	other := propertytest.ID(t, e.Tenant(t, e.A, "Neighbour"))
	_, apt := e.Property(t, e.A)
	e.Lease(t, e.A, own, apt, propertytest.Day(-10), propertytest.Day(300), "active")

	t.Run("tenant portal: own tenant only", func(t *testing.T) {
		if got := e.Must(t, http.StatusOK, portal, http.MethodGet, "/tenants/"+own, nil); got["email"] != portalEmail {
			t.Errorf("own tenant = %v", got)
		}
		if rows, _ := e.List(t, portal, "/occupancies/tenant/"+own); len(rows) != 1 {
			t.Errorf("own leases = %d, want 1", len(rows))
		}
		e.Must(t, http.StatusOK, portal, http.MethodGet, "/tenants/"+own+"/history", nil)
		for _, path := range []string{"/tenants/" + other, "/occupancies/tenant/" + other, "/tenants/" + other + "/history"} {
			propertytest.ExpectError(t, e.Call(t, portal, http.MethodGet, path, nil), http.StatusNotFound, "Tenant with ID "+other+" not found")
		}
		for _, rq := range []struct{ method, path string }{
			{http.MethodGet, "/tenants"}, {http.MethodGet, "/apartments"}, {http.MethodGet, "/dashboard/stats"},
			{http.MethodGet, "/users"}, {http.MethodPatch, "/tenants/" + own}, {http.MethodPost, "/tenants"},
		} {
			if r := e.Call(t, portal, rq.method, rq.path, map[string]any{}); r.Status != http.StatusForbidden {
				t.Errorf("TENANT_PORTAL %s %s = %d, want 403", rq.method, rq.path, r.Status)
			}
		}
		e.Must(t, http.StatusOK, portal, http.MethodGet, "/auth/me", nil)
	})

	t.Run("auditor: reads, never writes", func(t *testing.T) {
		if rows, _ := e.List(t, auditor, "/tenants"); len(rows) != 2 {
			t.Errorf("auditor lists %d tenants, want 2", len(rows))
		}
		for _, rq := range []struct {
			method, path string
			body         any
		}{
			{http.MethodPost, "/tenants", map[string]any{"firstName": "A", "lastName": "B", "email": "aud@x.test"}},
			{http.MethodPatch, "/tenants/" + other, map[string]any{"notes": "x"}},
			{http.MethodDelete, "/tenants/" + other, nil},
			{http.MethodPost, "/tenants/" + other + "/documents", map[string]any{"type": "a", "fileName": "b", "fileUrl": "c"}},
		} {
			if r := e.Call(t, auditor, rq.method, rq.path, rq.body); r.Status != http.StatusForbidden {
				t.Errorf("AUDITOR %s %s = %d, want 403", rq.method, rq.path, r.Status)
			}
		}
		if got := e.Must(t, http.StatusOK, e.A, http.MethodGet, "/tenants/"+other, nil); got["isActive"] != true || got["notes"] != nil {
			t.Errorf("an auditor changed a tenant: %v", got)
		}
		e.Must(t, http.StatusNoContent, auditor, http.MethodPost, "/auth/logout", nil)
	})
}
