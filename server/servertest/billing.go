package servertest

import (
	"testing"
)

// The billing domain's fixtures: each creates the resource (and the lease it needs) through the API.
func init() {
	RegisterFixture("/invoices", func(t testing.TB, inst *Instance, _, token string) string {
		return billingInvoice(t, inst, token)
	})
	RegisterFixture("/payments", func(t testing.TB, inst *Instance, _, token string) string {
		return createID(t, inst, token, "/payments", map[string]any{
			"invoiceId": billingInvoice(t, inst, token), "amount": "10.00", "paidAt": "2030-01-03T10:00:00Z", "method": "CASH",
		})
	})
	RegisterFixture("/reminders", func(t testing.TB, inst *Instance, _, token string) string {
		return createID(t, inst, token, "/reminders", map[string]any{
			"type": "DUE_SOON", "tenantId": propertyTenant(t, inst, token), "subject": "Rent due",
			"message": "Your rent is due soon.", "scheduledFor": "2030-01-01T09:00:00Z",
		})
	})
}

// billingLease creates a pending lease through the API and returns its occupancy and tenant ids.
func billingLease(t testing.TB, inst *Instance, token string) (occupancyID, tenantID string) {
	tenantID = propertyTenant(t, inst, token)
	occupancyID = createID(t, inst, token, "/occupancies", map[string]any{
		"tenantId": tenantID, "apartmentId": propertyApartment(t, inst, token),
		"leaseStartDate": "2030-01-01", "leaseEndDate": "2030-12-31", "monthlyRent": 1000,
	})
	return occupancyID, tenantID
}

// billingInvoice generates a rent invoice for a new lease and returns its id.
func billingInvoice(t testing.TB, inst *Instance, token string) string {
	occ, _ := billingLease(t, inst, token)
	return createID(t, inst, token, "/invoices/generate-rent", map[string]any{"occupancyId": occ, "month": "2030-01"})
}
