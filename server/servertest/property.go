package servertest

import (
	"net/http"
	"testing"

	"github.com/ternant/ternant/internal/testenv"
)

// The property domain's fixtures: each creates the resource (and what it needs) through the API.
func init() {
	RegisterFixture("/compounds", func(t testing.TB, inst *Instance, _, token string) string {
		return propertyCompound(t, inst, token)
	})
	RegisterFixture("/apartments", func(t testing.TB, inst *Instance, _, token string) string {
		return propertyApartment(t, inst, token)
	})
	RegisterFixture("/tenants", func(t testing.TB, inst *Instance, _, token string) string {
		return propertyTenant(t, inst, token)
	})
	RegisterFixture("/occupancies", func(t testing.TB, inst *Instance, _, token string) string {
		return createID(t, inst, token, "/occupancies", map[string]any{
			"tenantId": propertyTenant(t, inst, token), "apartmentId": propertyApartment(t, inst, token),
			"leaseStartDate": "2030-01-01", "leaseEndDate": "2030-12-31", "monthlyRent": 1000,
		})
	})
}

func propertyCompound(t testing.TB, inst *Instance, token string) string {
	return createID(t, inst, token, "/compounds", map[string]any{
		"name": "Fixture Court", "addressLine": "1 Fixture Road", "city": "Nairobi", "country": "Kenya",
	})
}

func propertyApartment(t testing.TB, inst *Instance, token string) string {
	return createID(t, inst, token, "/apartments", map[string]any{
		"compoundId": propertyCompound(t, inst, token), "unitNumber": "F-1",
	})
}

func propertyTenant(t testing.TB, inst *Instance, token string) string {
	return createID(t, inst, token, "/tenants", map[string]any{
		"firstName": "Fix", "lastName": "Ture", "email": "fixture-" + testenv.Unique() + "@tenants.test",
	})
}

// createID POSTs body to /api/v1+path as token's user and returns the created id.
func createID(t testing.TB, inst *Instance, token, path string, body any) string {
	t.Helper()
	resp := inst.Do(t, Request{Method: http.MethodPost, Path: "/api/v1" + path, Token: token, Body: body})
	if resp.Status != http.StatusCreated {
		t.Fatalf("fixture POST %s: %d %s", path, resp.Status, resp.Body)
	}
	var out struct{ ID string }
	resp.JSON(t, &out)
	return out.ID
}
