package server_test

import (
	"net/http"
	"testing"

	"github.com/ternant/ternant/internal/billingtest"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/money"
	"github.com/ternant/ternant/server/servertest"
)

// TestWritesInvalidateDashboardStats proves the wiring between the writing domains and the
// dashboard cache: after each write through the API the very next stats call shows it, long before
// the cache's TTL would have expired.
func TestWritesInvalidateDashboardStats(t *testing.T) {
	inst := servertest.Start(t, nil)
	token, company := inst.RegisterCompany(t, "dash-"+billingtest.ID()[24:])
	l := billingtest.NewLease(t, inst.DB, company, money.MustParse("45000"), dbtypes.NewDate(2026, 1, 1), dbtypes.NewDate(2026, 12, 31))
	do := func(method, path string, body any) *servertest.Response {
		return inst.Do(t, servertest.Request{Method: method, Path: "/api/v1" + path, Token: token, Body: body})
	}
	stats := func() map[string]any {
		r := do(http.MethodGet, "/dashboard/stats", nil)
		if r.Status != http.StatusOK {
			t.Fatalf("stats: %d %s", r.Status, r.Body)
		}
		return r.Map(t)["data"].(map[string]any)
	}
	before := stats() // now cached

	// An apartment changes totalUnits.
	if r := do(http.MethodPost, "/apartments", map[string]any{"compoundId": l.CompoundID, "unitNumber": "9Z", "monthlyRent": 1000}); r.Status != http.StatusCreated {
		t.Fatalf("create apartment: %d %s", r.Status, r.Body)
	}
	if got := stats()["totalUnits"]; got != before["totalUnits"].(float64)+1 {
		t.Errorf("totalUnits after a new apartment = %v, was %v", got, before["totalUnits"])
	}

	// An invoice and a payment change totalRevenue.
	gen := do(http.MethodPost, "/invoices/generate-rent", map[string]any{"occupancyId": l.OccupancyID, "month": "2026-03"})
	if gen.Status != http.StatusCreated {
		t.Fatalf("generate-rent: %d %s", gen.Status, gen.Body)
	}
	invoiceID := gen.Map(t)["id"].(string)
	_ = stats()
	if r := do(http.MethodPost, "/payments", map[string]any{"invoiceId": invoiceID, "amount": "1500.00", "paidAt": "2026-03-04T10:00:00Z", "method": "CASH"}); r.Status != http.StatusCreated {
		t.Fatalf("payment: %d %s", r.Status, r.Body)
	}
	if got := stats()["totalRevenue"]; got != before["totalRevenue"].(float64)+1500 {
		t.Errorf("totalRevenue after a 1500.00 payment = %v, was %v", got, before["totalRevenue"])
	}
}
