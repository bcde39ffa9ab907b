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
	if r := do(http.MethodGet, "/invoices", inst.SuperAdminToken(t), nil, nil); r.Status != http.StatusForbidden {
		t.Fatalf("super admin without a company: %d %s, want 403", r.Status, r.Body)
	}
}

// TestBillingResponsesMatchTheAPIDocument calls every billing route once with a valid request;
// servertest checks each exchange against the OpenAPI document generated from the route table.
func TestBillingResponsesMatchTheAPIDocument(t *testing.T) {
	inst := servertest.Start(t, nil)
	token, company := inst.RegisterCompany(t, "billing-doc-"+billingtest.ID()[24:])
	l := billingtest.NewLease(t, inst.DB, company, money.MustParse("1000"), dbtypes.NewDate(2026, 1, 1), dbtypes.NewDate(2026, 12, 31))
	do := func(method, path string, body any, want int) map[string]any {
		t.Helper()
		r := inst.Do(t, servertest.Request{Method: method, Path: "/api/v1" + path, Token: token, Body: body})
		if r.Status != want {
			t.Fatalf("%s %s: %d %s, want %d", method, path, r.Status, r.Body, want)
		}
		if len(r.Body) > 0 && r.Body[0] == '{' {
			return r.Map(t)
		}
		return nil
	}
	inv := do("POST", "/invoices", map[string]any{"invoiceNumber": "DOC-1", "occupancyId": l.OccupancyID, "tenantId": l.TenantID,
		"invoiceDate": "2026-03-01", "dueDate": "2026-03-05", "lineItems": []map[string]any{
			{"description": "Rent", "quantity": 1, "unitPrice": 1000, "amount": 1000, "type": "rent"}},
		"subtotal": 1000, "totalAmount": 1000, "notes": "doc"}, 201)["id"].(string)
	do("POST", "/invoices/generate-rent", map[string]any{"occupancyId": l.OccupancyID, "month": "2026-04"}, 201)
	do("POST", "/invoices/generate-rent/bulk", map[string]any{"month": "2026-05"}, 201)
	do("PATCH", "/invoices/"+inv, map[string]any{"notes": "checked"}, 200)
	do("POST", "/invoices/"+inv+"/send", nil, 201)
	pay := do("POST", "/payments", map[string]any{"invoiceId": inv, "amount": 400, "paidAt": "2026-03-04T10:00:00Z", "method": "CARD",
		"reference": "R-1", "metadata": map[string]any{"bank": "x"}}, 201)["id"].(string)
	do("POST", "/invoices/"+inv+"/payment", map[string]any{"amount": 100}, 201)
	do("PATCH", "/payments/"+pay, map[string]any{"amount": "450.00", "notes": "corrected"}, 200)
	for _, path := range []string{"/invoices", "/invoices/stats", "/invoices/overdue", "/invoices/due-soon?daysAhead=30",
		"/invoices/tenant/" + l.TenantID, "/invoices/occupancy/" + l.OccupancyID, "/invoices/" + inv,
		"/payments", "/payments/stats", "/payments/date-range?startDate=2026-03-01&endDate=2026-03-31", "/payments/invoice/" + inv,
		"/payments/" + pay, "/reports/kpis", "/reports/revenue", "/reports/occupancy", "/reports/aging"} {
		do("GET", path, nil, 200)
	}
	rem := do("POST", "/reminders", map[string]any{"type": "OVERDUE", "tenantId": l.TenantID, "invoiceId": inv, "subject": "Overdue",
		"message": "Please pay.", "scheduledFor": "2026-03-10T09:00:00Z"}, 201)["id"].(string)
	do("POST", "/reminders/receipt", map[string]any{"tenantId": l.TenantID, "invoiceId": inv, "amount": 450, "currency": "KES"}, 201)
	do("POST", "/reminders/welcome/"+l.TenantID, map[string]any{"apartmentCode": "1A"}, 201)
	do("GET", "/reminders", nil, 200)
	do("GET", "/reminders/"+rem, nil, 200)
	do("PATCH", "/reminders/"+rem, map[string]any{"subject": "Overdue rent"}, 200)
	do("POST", "/reminders/"+rem+"/mark-sent", nil, 201)
	do("DELETE", "/reminders/"+rem, nil, 204)
	do("DELETE", "/payments/"+pay, nil, 200)
	do("POST", "/payments/"+pay+"/activate", nil, 201)
	do("PATCH", "/invoices/"+inv+"/status", map[string]any{"status": "overdue"}, 200)
	do("POST", "/invoices/"+inv+"/cancel", nil, 201)
	do("DELETE", "/invoices/"+inv, nil, 200)
	do("POST", "/invoices/"+inv+"/activate", nil, 201)
	do("DELETE", "/reports/cache", nil, 204)
}
