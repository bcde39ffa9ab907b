package propertytest

import (
	"net/http"
	"testing"
)

// Walkthrough exercises every kind of statement the property stores run (inserts, locked reads,
// updates, filtered and paged lists, LIKE searches, aggregate stats, includes) once, so the same
// scenario can prove a storage engine serves the whole domain.
func Walkthrough(t *testing.T, e *Env) {
	t.Helper()
	compound := ID(t, e.Compound(t, e.A, "Walk Court"))
	apt := ID(t, e.Apartment(t, e.A, compound, "W-1"))
	e.Apartment(t, e.A, compound, "W-2")
	ExpectError(t, e.Call(t, e.A, http.MethodPost, "/apartments", map[string]any{"compoundId": compound, "unitNumber": "W-1"}),
		http.StatusConflict, "Unit number 'W-1' already exists in this compound")
	tenant := ID(t, e.Tenant(t, e.A, "Walker"))
	lease := ID(t, e.Lease(t, e.A, tenant, apt, Day(-30), Day(300), "active"))
	ExpectError(t, e.Call(t, e.A, http.MethodPost, "/occupancies", map[string]any{"tenantId": tenant, "apartmentId": apt,
		"leaseStartDate": Day(100), "leaseEndDate": Day(500), "monthlyRent": 1}),
		http.StatusConflict, "Apartment is already occupied during this period")
	e.Must(t, http.StatusCreated, e.A, http.MethodPost, "/occupancies/"+lease+"/deposit-payment", map[string]any{"amount": "100.50"})
	e.Must(t, http.StatusOK, e.A, http.MethodPatch, "/tenants/"+tenant, map[string]any{"notes": "walked"})
	e.Must(t, http.StatusCreated, e.A, http.MethodPost, "/tenants/"+tenant+"/references", map[string]any{"name": "R", "phone": "1", "relationship": "x"})

	for path, want := range map[string]int{
		"/compounds": 1, "/compounds/search?q=walk": 1, "/apartments?compoundId=" + compound: 2,
		"/apartments/search?q=W-": 2, "/tenants?status=active": 1, "/tenants/search?q=walker": 1,
		"/occupancies": 1, "/occupancies/expiring?days=3650": 1, "/occupancies/tenant/" + tenant: 1,
	} {
		if rows, _ := e.List(t, e.A, path); len(rows) != want {
			t.Errorf("GET %s: %d rows, want %d", path, len(rows), want)
		}
	}
	for path, want := range map[string]string{
		"/apartments/stats":  `{"total":2,"available":2,"occupied":0,"maintenance":0,"reserved":0}`,
		"/tenants/stats":     `{"total":1,"active":1,"inactive":0,"blacklisted":0}`,
		"/compounds/count":   `{"count":1}`,
		"/apartments/count":  `{"count":2}`,
		"/tenants/count":     `{"count":1}`,
		"/occupancies/stats": `{"total":1,"active":1,"pending":0,"ended":0,"expiringThisMonth":0}`,
	} {
		if r := e.Call(t, e.A, http.MethodGet, path, nil); string(r.Body) != want {
			t.Errorf("GET %s = %d %s, want %s", path, r.Status, r.Body, want)
		}
	}
	got := e.Must(t, http.StatusOK, e.A, http.MethodGet, "/occupancies/"+lease, nil)
	if got["depositPaid"] != "100.50" || got["apartment"].(map[string]any)["compound"] == nil {
		t.Errorf("lease = %v", got)
	}
	e.Must(t, http.StatusCreated, e.A, http.MethodPost, "/occupancies/"+lease+"/end", nil)
	e.Must(t, http.StatusOK, e.A, http.MethodDelete, "/occupancies/"+lease, nil)
	e.Must(t, http.StatusNoContent, e.A, http.MethodDelete, "/apartments/"+apt, nil)
	e.Must(t, http.StatusNoContent, e.A, http.MethodDelete, "/compounds/"+compound, nil)
	ExpectError(t, e.Call(t, e.B, http.MethodGet, "/tenants/"+tenant, nil), http.StatusNotFound, "Tenant with ID "+tenant+" not found")
}
