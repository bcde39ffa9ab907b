package servertest

import (
	"testing"

	"github.com/ternant/ternant/internal/billingtest"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/money"
)

// billingLease makes a lease (compound, apartment, tenant, occupancy) and a sent invoice on it.
func billingLease(t testing.TB, inst *Instance, companyID string) (billingtest.Lease, string) {
	t.Helper()
	l := billingtest.NewLease(t, inst.DB, companyID, money.MustParse("1000"), dbtypes.NewDate(2026, 1, 1), dbtypes.NewDate(2026, 12, 31))
	inv := billingtest.Invoice(t, inst.DB, l, "INV-"+billingtest.ID(), money.MustParse("1000"), money.MustParse("100"), "sent",
		dbtypes.NewDate(2026, 3, 1), dbtypes.NewDate(2026, 3, 5))
	return l, inv
}

func init() {
	RegisterFixture("/invoices", func(t testing.TB, inst *Instance, companyID, _ string) string {
		_, inv := billingLease(t, inst, companyID)
		return inv
	})
	RegisterFixture("/invoices/tenant", func(t testing.TB, inst *Instance, companyID, _ string) string {
		l, _ := billingLease(t, inst, companyID)
		return l.TenantID
	})
	RegisterFixture("/invoices/occupancy", func(t testing.TB, inst *Instance, companyID, _ string) string {
		l, _ := billingLease(t, inst, companyID)
		return l.OccupancyID
	})
	RegisterFixture("/payments", func(t testing.TB, inst *Instance, companyID, _ string) string {
		_, inv := billingLease(t, inst, companyID)
		return billingtest.Payment(t, inst.DB, companyID, inv, money.MustParse("100"))
	})
	RegisterFixture("/payments/invoice", func(t testing.TB, inst *Instance, companyID, _ string) string {
		_, inv := billingLease(t, inst, companyID)
		return inv
	})
	RegisterFixture("/reminders", func(t testing.TB, inst *Instance, companyID, _ string) string {
		l, inv := billingLease(t, inst, companyID)
		return billingtest.Reminder(t, inst.DB, l, inv)
	})
}
