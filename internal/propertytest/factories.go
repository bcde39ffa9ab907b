package propertytest

import (
	"net/http"
	"testing"

	"github.com/ternant/ternant/internal/testenv"
)

// Compound creates a compound for token's company and returns it.
func (e *Env) Compound(t testing.TB, token, name string) map[string]any {
	t.Helper()
	return e.Must(t, http.StatusCreated, token, http.MethodPost, "/compounds", map[string]any{
		"name": name, "addressLine": "12 Riverside Drive", "city": "Nairobi", "country": "Kenya",
	})
}

// Apartment creates an apartment in compoundID and returns it.
func (e *Env) Apartment(t testing.TB, token, compoundID, unit string) map[string]any {
	t.Helper()
	return e.Must(t, http.StatusCreated, token, http.MethodPost, "/apartments", map[string]any{
		"compoundId": compoundID, "unitNumber": unit, "bedrooms": 2, "monthlyRent": 45000,
	})
}

// Tenant creates a tenant with a unique email and returns it.
func (e *Env) Tenant(t testing.TB, token, lastName string) map[string]any {
	t.Helper()
	return e.Must(t, http.StatusCreated, token, http.MethodPost, "/tenants", map[string]any{
		"firstName": "Amina", "lastName": lastName, "email": lastName + "-" + testenv.Unique() + "@tenants.test",
	})
}

// Lease creates a lease and returns it.
func (e *Env) Lease(t testing.TB, token, tenantID, apartmentID, start, end, status string) map[string]any {
	t.Helper()
	return e.Must(t, http.StatusCreated, token, http.MethodPost, "/occupancies", map[string]any{
		"tenantId": tenantID, "apartmentId": apartmentID, "leaseStartDate": start, "leaseEndDate": end,
		"monthlyRent": "45000.00", "securityDeposit": 90000, "status": status,
	})
}

// Property is one compound with one apartment, for tests that need a unit to lease.
func (e *Env) Property(t testing.TB, token string) (compoundID, apartmentID string) {
	t.Helper()
	c := e.Compound(t, token, "Compound "+testenv.Unique())
	a := e.Apartment(t, token, ID(t, c), "A-1")
	return ID(t, c), ID(t, a)
}
