package invoices_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ternant/ternant/internal/billingtest"
	"github.com/ternant/ternant/server/identity"
	"github.com/ternant/ternant/server/invoices"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/idempotency"
	"github.com/ternant/ternant/server/platform/money"
	"github.com/ternant/ternant/server/servertest"
)

type env struct {
	db          *db.DB
	base        string
	l           billingtest.Lease
	invalidated []string
}

func setup(t *testing.T) *env {
	t.Helper()
	d := billingtest.Open(t, 10)
	company := billingtest.Company(t, d)
	e := &env{db: d}
	e.l = billingtest.NewLease(t, d, company, money.MustParse("45000"), dbtypes.NewDate(2026, 1, 1), dbtypes.NewDate(2026, 12, 31))
	svc := billingtest.NewServices(d).Invoices
	svc.Now = func() time.Time { return time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC) }
	svc.InvalidateDashboard = func(_ context.Context, c string) { e.invalidated = append(e.invalidated, c) }
	e.base = billingtest.Serve(t, company, identity.Staff, (&invoices.Handler{Service: svc, Once: idempotency.New(d)}).Routes())
	return e
}

func (e *env) do(t *testing.T, method, path string, body any) *servertest.Response {
	t.Helper()
	return servertest.Do(t, e.base, servertest.Request{Method: method, Path: path, Body: body})
}

func (e *env) invoice(t *testing.T, status string, due dbtypes.Date) string {
	t.Helper()
	return billingtest.Invoice(t, e.db, e.l, "INV-"+billingtest.ID(), money.MustParse("1000"), 0, status, dbtypes.NewDate(2026, 2, 1), due)
}

func TestStateMachine(t *testing.T) {
	e := setup(t)
	allowed := map[string]bool{
		"draft>sent": true, "draft>cancelled": true,
		"sent>paid": true, "sent>overdue": true, "sent>cancelled": true,
		"overdue>paid": true, "overdue>cancelled": true,
	}
	for _, from := range invoices.Statuses {
		for _, to := range invoices.Statuses {
			id := e.invoice(t, from, dbtypes.NewDate(2026, 3, 5))
			r := e.do(t, http.MethodPatch, "/invoices/"+id+"/status", map[string]string{"status": to})
			if allowed[from+">"+to] {
				if r.Status != 200 || r.Map(t)["status"] != to {
					t.Errorf("%s -> %s: %d %s, want 200", from, to, r.Status, r.Body)
				}
				continue
			}
			want := fmt.Sprintf("Cannot transition from %s to %s", from, to)
			if r.Status != 400 || r.Map(t)["message"] != want {
				t.Errorf("%s -> %s: %d %s, want 400 %q", from, to, r.Status, r.Body, want)
			}
		}
	}
}

func TestActionsFollowTheStateMachine(t *testing.T) {
	e := setup(t)
	due := dbtypes.NewDate(2026, 3, 5)
	cases := []struct {
		name, status, action string
		code                 int
		message              string
	}{
		{"send a draft", "draft", "send", 201, ""},
		{"send a sent invoice", "sent", "send", 400, "Cannot transition from sent to sent"},
		{"cancel a sent invoice", "sent", "cancel", 201, ""},
		{"cancel a paid invoice", "paid", "cancel", 400, "Cannot cancel paid invoice"},
		{"cancel a cancelled invoice", "cancelled", "cancel", 400, "Cannot transition from cancelled to cancelled"},
	}
	for _, c := range cases {
		id := e.invoice(t, c.status, due)
		r := e.do(t, http.MethodPost, "/invoices/"+id+"/"+c.action, nil)
		if r.Status != c.code || (c.message != "" && r.Map(t)["message"] != c.message) {
			t.Errorf("%s: %d %s, want %d %q", c.name, r.Status, r.Body, c.code, c.message)
		}
	}
	id := e.invoice(t, "sent", due)
	m := e.do(t, http.MethodPatch, "/invoices/"+id+"/status", map[string]string{"status": "paid"}).Map(t)
	if m["amountPaid"] != "1000.00" || m["paidDate"] != "2026-03-10" {
		t.Fatalf("marking paid settles the amount and dates it: %v", m)
	}
}

func createBody(e *env, number string) map[string]any {
	return map[string]any{
		"invoiceNumber": number, "occupancyId": e.l.OccupancyID, "tenantId": e.l.TenantID,
		"invoiceDate": "2026-03-01", "dueDate": "2026-03-05",
		"lineItems": []map[string]any{
			{"description": "Rent", "quantity": 1, "unitPrice": 45000, "amount": 45000, "type": "rent"},
			{"description": "Water", "quantity": 1.5, "unitPrice": "33.33", "amount": 50, "type": "utility"},
		},
		"subtotal": 45050, "taxAmount": "0.10", "totalAmount": "45050.10",
	}
}

func TestCreateValidatesTotalsExactly(t *testing.T) {
	e := setup(t)
	r := e.do(t, http.MethodPost, "/invoices", createBody(e, "INV-1"))
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	m := r.Map(t)
	if m["totalAmount"] != "45050.10" || m["dueDate"] != "2026-03-05" || m["status"] != "draft" || m["amountPaid"] != "0.00" {
		t.Fatalf("create response is not in the read representation: %s", r.Body)
	}
	if !strings.Contains(string(r.Body), `"quantity":1.5,"unitPrice":33.33,"amount":50.00`) {
		t.Fatalf("line items: %s", r.Body)
	}
	if dup := e.do(t, http.MethodPost, "/invoices", createBody(e, "INV-1")); dup.Status != 409 || dup.Map(t)["message"] != "Invoice with number 'INV-1' already exists" {
		t.Fatalf("duplicate: %d %s", dup.Status, dup.Body)
	}
	bad := []struct {
		name   string
		mutate func(map[string]any)
		want   string
	}{
		{"line amount", func(b map[string]any) { b["lineItems"].([]map[string]any)[1]["amount"] = 49.99 },
			"lineItems.1.amount must equal quantity x unitPrice (50.00)"},
		{"subtotal", func(b map[string]any) { b["subtotal"] = 45000 }, "subtotal must equal the sum of line item amounts (45050.00)"},
		{"total", func(b map[string]any) { b["totalAmount"] = 45050 }, "totalAmount must equal subtotal + taxAmount (45050.10)"},
		{"paid over total", func(b map[string]any) { b["amountPaid"] = 50000 }, "amountPaid must not be greater than totalAmount"},
		{"three decimals", func(b map[string]any) { b["subtotal"] = 1.005 }, "subtotal must be a number conforming to the specified constraints"},
		{"due before invoice", func(b map[string]any) { b["dueDate"] = "2026-02-28" }, "Due date must be on or after invoice date"},
		{"timestamp in a date", func(b map[string]any) { b["dueDate"] = "2026-03-05T00:00:00Z" }, "dueDate must be a valid ISO 8601 date string (YYYY-MM-DD)"},
		{"unknown property", func(b map[string]any) { b["discount"] = 1 }, "property discount should not exist"},
		{"missing occupancy", func(b map[string]any) { b["occupancyId"] = "nope" }, "Occupancy with ID nope not found"},
	}
	for i, c := range bad {
		body := createBody(e, fmt.Sprintf("INV-BAD-%d", i))
		c.mutate(body)
		r := e.do(t, http.MethodPost, "/invoices", body)
		if r.Status/100 != 4 || !strings.Contains(string(r.Body), c.want) {
			t.Errorf("%s: %d %s, want a 4xx with %q", c.name, r.Status, r.Body, c.want)
		}
	}
}

func TestUpdateAndDeleteRules(t *testing.T) {
	e := setup(t)
	due := dbtypes.NewDate(2026, 3, 5)
	paid := e.invoice(t, "paid", due)
	if r := e.do(t, http.MethodPatch, "/invoices/"+paid, map[string]any{"notes": "x"}); r.Status != 400 || r.Map(t)["message"] != "Cannot update paid invoice" {
		t.Fatalf("update paid: %d %s", r.Status, r.Body)
	}
	if r := e.do(t, http.MethodDelete, "/invoices/"+paid, nil); r.Status != 400 || r.Map(t)["message"] != "Can only delete draft or cancelled invoices" {
		t.Fatalf("delete paid: %d %s", r.Status, r.Body)
	}
	if r := e.do(t, http.MethodPatch, "/invoices/"+paid, map[string]any{"amountPaid": 1}); r.Status != 400 {
		t.Fatalf("amountPaid is not patchable: %d %s", r.Status, r.Body)
	}
	draft := e.invoice(t, "draft", due)
	if r := e.do(t, http.MethodPatch, "/invoices/"+draft, map[string]any{"totalAmount": 999}); r.Status != 400 {
		t.Fatalf("inconsistent total accepted: %d %s", r.Status, r.Body)
	}
	r := e.do(t, http.MethodPatch, "/invoices/"+draft, map[string]any{"notes": "checked", "status": "sent"})
	if r.Status != 200 || r.Map(t)["notes"] != "checked" || r.Map(t)["status"] != "sent" {
		t.Fatalf("update: %d %s", r.Status, r.Body)
	}
	cancelled := e.invoice(t, "cancelled", due)
	if r := e.do(t, http.MethodDelete, "/invoices/"+cancelled, nil); r.Status != 200 || len(r.Body) != 0 {
		t.Fatalf("delete cancelled: %d %s", r.Status, r.Body)
	}
	var list []map[string]any
	e.do(t, http.MethodGet, "/invoices", nil).JSON(t, &list)
	for _, inv := range list {
		if inv["id"] == cancelled {
			t.Fatal("deleted invoice still listed")
		}
	}
	if r := e.do(t, http.MethodGet, "/invoices/"+cancelled, nil); r.Status != 200 || r.Map(t)["isActive"] != false {
		t.Fatalf("get of a deleted invoice: %d %s", r.Status, r.Body)
	}
	if r := e.do(t, http.MethodPost, "/invoices/"+cancelled+"/activate", nil); r.Status != 201 || r.Map(t)["isActive"] != true {
		t.Fatalf("activate: %d %s", r.Status, r.Body)
	}
	if r := e.do(t, http.MethodGet, "/invoices/nope", nil); r.Status != 404 || r.Map(t)["message"] != "Invoice with ID nope not found" {
		t.Fatalf("missing: %d %s", r.Status, r.Body)
	}
	if len(e.invalidated) == 0 {
		t.Fatal("writes never invalidated the dashboard")
	}
}

func TestGenerateRent(t *testing.T) {
	e := setup(t)
	r := e.do(t, http.MethodPost, "/invoices/generate-rent", map[string]any{"occupancyId": e.l.OccupancyID, "month": "2026-02", "dueDay": 31})
	if r.Status != 201 {
		t.Fatalf("generate: %d %s", r.Status, r.Body)
	}
	m := r.Map(t)
	wantNumber := "INV-202602-" + e.l.OccupancyID[:8]
	if m["invoiceNumber"] != wantNumber || m["invoiceDate"] != "2026-02-01" || m["dueDate"] != "2026-02-28" ||
		m["totalAmount"] != "45000.00" || m["notes"] != "Automatically generated rent invoice for February 2026" {
		t.Fatalf("generated: %s", r.Body)
	}
	if !strings.Contains(string(r.Body), `"description":"Monthly Rent - February 2026","quantity":1,"unitPrice":45000.00,"amount":45000.00,"type":"rent"`) {
		t.Fatalf("line: %s", r.Body)
	}
	again := e.do(t, http.MethodPost, "/invoices/generate-rent", map[string]any{"occupancyId": e.l.OccupancyID, "month": "2026-02"})
	if again.Status != 409 || again.Map(t)["message"] != "Invoice for this period already exists" {
		t.Fatalf("repeat: %d %s", again.Status, again.Body)
	}
	if r := e.do(t, http.MethodPost, "/invoices/generate-rent", map[string]any{"occupancyId": e.l.OccupancyID, "month": "2026-13"}); r.Status != 400 {
		t.Fatalf("bad month: %d", r.Status)
	}

	// A second lease, and one ended lease that must be left out. The leases' v7 ids share their
	// first 8 characters, so the second lease's number falls back to its full id.
	l2 := billingtest.NewLease(t, e.db, e.l.CompanyID, money.MustParse("30000.50"), dbtypes.NewDate(2025, 6, 1), dbtypes.NewDate(2027, 5, 31))
	ended := billingtest.NewLease(t, e.db, e.l.CompanyID, money.MustParse("1"), dbtypes.NewDate(2025, 1, 1), dbtypes.NewDate(2026, 12, 31))
	if _, err := e.db.Exec(context.Background(), `UPDATE occupancies SET status = 'ended' WHERE id = ?`, ended.OccupancyID); err != nil {
		t.Fatal(err)
	}
	var res invoices.BulkResult
	b := e.do(t, http.MethodPost, "/invoices/generate-rent/bulk", map[string]any{"month": "2026-03"})
	b.JSON(t, &res)
	if b.Status != 201 || res.Created != 2 || res.Skipped != 0 {
		t.Fatalf("bulk: %d %s", b.Status, b.Body)
	}
	b = e.do(t, http.MethodPost, "/invoices/generate-rent/bulk", map[string]any{"month": "2026-03"})
	res = invoices.BulkResult{}
	b.JSON(t, &res)
	if res.Created != 0 || res.Skipped != 2 {
		t.Fatalf("bulk repeat is not idempotent: %s", b.Body)
	}
	var n int
	if err := e.db.Get(context.Background(), &n, `SELECT COUNT(*) FROM invoices WHERE occupancy_id IN (?, ?) AND invoice_date = '2026-03-01'`,
		e.l.OccupancyID, l2.OccupancyID); err != nil || n != 2 {
		t.Fatalf("%d March invoices (%v), want 2", n, err)
	}
}

func TestListsAndStats(t *testing.T) {
	e := setup(t)
	// Today is 2026-03-10 in this service.
	past := e.invoice(t, "sent", dbtypes.NewDate(2026, 3, 1))
	soon := e.invoice(t, "sent", dbtypes.NewDate(2026, 3, 12))
	later := e.invoice(t, "draft", dbtypes.NewDate(2026, 4, 30))
	e.invoice(t, "paid", dbtypes.NewDate(2026, 3, 1))
	if _, err := e.db.Exec(context.Background(), `UPDATE invoices SET amount_paid = 250.25 WHERE id = ?`, soon); err != nil {
		t.Fatal(err)
	}
	ids := func(path string) []string {
		var list []map[string]any
		r := e.do(t, http.MethodGet, path, nil)
		r.JSON(t, &list)
		var out []string
		for _, m := range list {
			out = append(out, m["id"].(string))
			if m["tenant"] == nil || m["occupancy"] == nil {
				t.Fatalf("%s lacks includes: %v", path, m)
			}
		}
		return out
	}
	if got := ids("/invoices/overdue"); len(got) != 1 || got[0] != past {
		t.Fatalf("overdue %v, want [%s]", got, past)
	}
	if got := ids("/invoices/due-soon?daysAhead=7"); len(got) != 1 || got[0] != soon {
		t.Fatalf("due soon %v, want [%s]", got, soon)
	}
	if got := ids("/invoices?status=draft"); len(got) != 1 || got[0] != later {
		t.Fatalf("drafts %v", got)
	}
	r := e.do(t, http.MethodGet, "/invoices?limit=2&offset=1", nil)
	if r.Header.Get("X-Total-Count") != "4" {
		t.Fatalf("X-Total-Count %q", r.Header.Get("X-Total-Count"))
	}
	st := e.do(t, http.MethodGet, "/invoices/stats", nil)
	want := `{"total":4,"draft":1,"sent":2,"paid":1,"overdue":1,"totalOutstanding":1749.75}`
	if string(st.Body) != want {
		t.Fatalf("stats %s, want %s", st.Body, want)
	}
	for path, msg := range map[string]string{"/invoices/tenant/nope": "Tenant with ID nope not found",
		"/invoices/occupancy/nope": "Occupancy with ID nope not found"} {
		if r := e.do(t, http.MethodGet, path, nil); r.Status != 404 || r.Map(t)["message"] != msg {
			t.Fatalf("%s: %d %s", path, r.Status, r.Body)
		}
	}
	if r := e.do(t, http.MethodGet, "/invoices/tenant/"+e.l.TenantID, nil); r.Status != 200 || r.Header.Get("X-Total-Count") != "4" {
		t.Fatalf("tenant's invoices: %d %s", r.Status, r.Body)
	}
	g := e.do(t, http.MethodGet, "/invoices/"+past, nil).Map(t)
	occ := g["occupancy"].(map[string]any)
	if occ["apartment"] == nil || g["tenant"] == nil {
		t.Fatalf("get lacks tenant or occupancy.apartment: %v", g)
	}
}
