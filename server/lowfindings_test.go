package server_test

import (
	"net/http"
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
