package server_test

import (
	"net/http"
	"testing"

	"github.com/ternant/ternant/internal/billingtest"
	"github.com/ternant/ternant/server/identity"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/money"
	"github.com/ternant/ternant/server/servertest"
)

func init() {
	// Billing routes that validate their body before looking the invoice up.
	crossTenantBodies["PATCH /invoices/{id}/status"] = map[string]any{"status": "sent"}
	crossTenantBodies["POST /invoices/{id}/payment"] = map[string]any{"amount": 1}
}

// TestBillingThroughTheFullServer drives the billing endpoints with real tokens: rent generation,
// an idempotent payment, reports for OWNER only, and company isolation.
func TestBillingThroughTheFullServer(t *testing.T) {
	inst := servertest.Start(t, nil)
	token, company := inst.RegisterCompany(t, "billing-"+billingtest.ID()[24:])
	l := billingtest.NewLease(t, inst.DB, company, money.MustParse("45000"), dbtypes.NewDate(2026, 1, 1), dbtypes.NewDate(2026, 12, 31))
	do := func(method, path, tok string, body any, h http.Header) *servertest.Response {
		return inst.Do(t, servertest.Request{Method: method, Path: "/api/v1" + path, Token: tok, Body: body, Header: h})
	}

	gen := do(http.MethodPost, "/invoices/generate-rent", token, map[string]any{"occupancyId": l.OccupancyID, "month": "2026-03"}, nil)
	if gen.Status != http.StatusCreated {
		t.Fatalf("generate-rent: %d %s", gen.Status, gen.Body)
	}
	invoiceID := gen.Map(t)["id"].(string)
	if r := do(http.MethodPost, "/invoices/"+invoiceID+"/send", token, nil, nil); r.Status != http.StatusCreated {
		t.Fatalf("send: %d %s", r.Status, r.Body)
	}
	revenue := func() any {
		r := do(http.MethodGet, "/dashboard/stats", token, nil, nil)
		if r.Status != 200 {
			t.Fatalf("dashboard: %d %s", r.Status, r.Body)
		}
		return r.Map(t)["data"].(map[string]any)["totalRevenue"]
	}
	if got := revenue(); got != 0.0 {
		t.Fatalf("dashboard revenue before payment: %v", got)
	}
	key := http.Header{"Idempotency-Key": {"e2e-1"}}
	body := map[string]any{"invoiceId": invoiceID, "amount": "45000.00", "paidAt": "2026-03-04T10:00:00Z", "method": "MOBILE"}
	first := do(http.MethodPost, "/payments", token, body, key)
	again := do(http.MethodPost, "/payments", token, body, key)
	if first.Status != 201 || again.Status != 201 || string(first.Body) != string(again.Body) {
		t.Fatalf("idempotent payment: %d %s / %d %s", first.Status, first.Body, again.Status, again.Body)
	}
	if m := do(http.MethodGet, "/invoices/"+invoiceID, token, nil, nil).Map(t); m["status"] != "paid" || m["amountPaid"] != "45000.00" {
		t.Fatalf("invoice after payment: %v", m)
	}
	if got := revenue(); got != 45000.0 {
		t.Fatalf("dashboard revenue after payment: %v; the payment did not invalidate the cached figures", got)
	}
	if r := do(http.MethodGet, "/reports/kpis", token, nil, nil); r.Status != 200 || r.Map(t)["totalRevenue"] != 45000.0 {
		t.Fatalf("owner kpis: %d %s", r.Status, r.Body)
	}
	staff := inst.UserToken(t, company, identity.Staff)
	if r := do(http.MethodGet, "/reports/kpis", staff, nil, nil); r.Status != http.StatusForbidden {
		t.Fatalf("staff kpis: %d, want 403", r.Status)
	}
	if r := do(http.MethodGet, "/invoices", staff, nil, nil); r.Status != 200 {
		t.Fatalf("staff invoices: %d", r.Status)
	}
	if r := do(http.MethodGet, "/payments", "", nil, nil); r.Status != http.StatusUnauthorized {
		t.Fatalf("anonymous payments: %d, want 401", r.Status)
	}
	other, _ := inst.RegisterCompany(t, "other-"+billingtest.ID()[24:])
	if r := do(http.MethodGet, "/invoices/"+invoiceID, other, nil, nil); r.Status != http.StatusNotFound {
		t.Fatalf("another company's invoice: %d, want 404", r.Status)
	}
	if r := do(http.MethodPost, "/payments", other, body, key); r.Status != http.StatusNotFound {
		t.Fatalf("another company reusing the key: %d %s, want 404 (keys are per company)", r.Status, r.Body)
	}
	admin := inst.SuperAdminToken(t)
	if r := do(http.MethodGet, "/invoices", admin, nil, nil); r.Status != http.StatusOK || string(r.Body) != "[]" {
		t.Fatalf("super admin without a company sees another company's invoices: %d %s", r.Status, r.Body)
	}
	if r := do(http.MethodGet, "/invoices/"+invoiceID, admin, nil, nil); r.Status != http.StatusNotFound {
		t.Fatalf("super admin reading a company's invoice: %d, want 404", r.Status)
	}
}
