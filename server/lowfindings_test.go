package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/ternant/ternant/internal/propertytest"
	"github.com/ternant/ternant/server/servertest"
)

// TestIdempotencyKeysAreCaseSensitive: keys differing only in letter case are different keys, so a
// genuine second payment is recorded; the exact key still replays.
func TestIdempotencyKeysAreCaseSensitive(t *testing.T) {
	e := propertytest.Start(t)
	_, f, _ := servertest.FixtureFor("/invoices/{id}")
	invoice := f(t, e.Instance, e.AID, e.A)
	pay := func(key string) *servertest.Response {
		return e.Do(t, servertest.Request{Method: http.MethodPost, Path: "/api/v1/payments", Token: e.A,
			Header: http.Header{"Idempotency-Key": {key}},
			Body:   map[string]any{"invoiceId": invoice, "amount": 1, "paidAt": "2026-01-02T03:04:05Z", "method": "CASH"}})
	}
	for _, key := range []string{"Pay-ABC", "pay-abc", "PAY-ÁBC"} {
		if r := pay(key); r.Status != http.StatusCreated || r.Header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("key %q: %d (replayed %q) %s", key, r.Status, r.Header.Get("Idempotent-Replayed"), r.Body)
		}
	}
	if r := pay("Pay-ABC"); r.Status != http.StatusCreated || r.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("the same key again: %d, replayed %q", r.Status, r.Header.Get("Idempotent-Replayed"))
	}
	if rows, _ := e.List(t, e.A, "/payments/invoice/"+invoice); len(rows) != 3 {
		t.Errorf("payments recorded = %d, want 3", len(rows))
	}
}

// TestPasswordsPastBcryptsLimitAre400: a password the policy allows but bcrypt cannot hash
// (over 72 bytes) is refused with 400 on every route that sets one, never 500.
func TestPasswordsPastBcryptsLimitAre400(t *testing.T) {
	inst := servertest.Start(t, nil)
	owner, company := inst.RegisterCompany(t, "longpw-co")
	_, userID := inst.CreateUser(t, company, "STAFF")
	sa := inst.SuperAdminToken(t)
	long := "Aa1!" + strings.Repeat("a", 69) // 73 bytes, within the policy's 100 characters
	const msg = "password must be shorter than or equal to 72 bytes"
	for _, rq := range []struct {
		path, token string
		body        map[string]any
		msg         string
	}{
		{"/companies/register", "", map[string]any{
			"company": map[string]any{"name": "Long", "slug": "long-pw", "email": "i@x.test", "phone": "1", "currency": "KES", "timezone": "UTC"},
			"owner":   map[string]any{"firstName": "Lo", "lastName": "Ng", "email": "long@x.test", "password": long, "phone": "1"}}, "owner." + msg},
		{"/users", owner, map[string]any{"firstName": "Lo", "lastName": "Ng", "email": "long2@x.test", "password": long, "role": "STAFF"}, msg},
		{"/super-admin/users", sa, map[string]any{"firstName": "Lo", "lastName": "Ng", "email": "long3@x.test", "password": long, "role": "STAFF", "companyId": company}, msg},
		{"/super-admin/users/" + userID + "/reset-password", sa, map[string]any{"newPassword": long}, "newPassword must be shorter than or equal to 72 bytes"},
	} {
		method := http.MethodPost
		if strings.HasSuffix(rq.path, "/reset-password") {
			method = http.MethodPatch
		}
		r := inst.Do(t, servertest.Request{Method: method, Path: "/api/v1" + rq.path, Token: rq.token, Body: rq.body})
		if r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), rq.msg) {
			t.Errorf("%s %s with a 73-byte password = %d %s, want 400 %q", method, rq.path, r.Status, r.Body, rq.msg)
		}
	}
}

// TestReceiptsTakePositiveAmounts: a receipt for a negative or zero amount is 400.
func TestReceiptsTakePositiveAmounts(t *testing.T) {
	e := propertytest.Start(t)
	_, f, _ := servertest.FixtureFor("/invoices/{id}")
	invoice := e.Must(t, http.StatusOK, e.A, http.MethodGet, "/invoices/"+f(t, e.Instance, e.AID, e.A), nil)
	for _, amount := range []any{-450.5, 0, "-0.01"} {
		propertytest.ExpectError(t, e.Call(t, e.A, http.MethodPost, "/reminders/receipt", map[string]any{
			"tenantId": invoice["tenantId"], "invoiceId": invoice["id"], "amount": amount, "currency": "KES"}),
			http.StatusBadRequest, "amount must be a positive number")
	}
	e.Must(t, http.StatusCreated, e.A, http.MethodPost, "/reminders/receipt", map[string]any{
		"tenantId": invoice["tenantId"], "invoiceId": invoice["id"], "amount": 1, "currency": "KES"})
}
