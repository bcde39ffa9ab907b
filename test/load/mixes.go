package load

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"time"
)

// ReadMix is the k6 script's iteration (test/load/k6.js): health, dashboard stats, and the
// compounds, apartments and tenants lists.
func ReadMix() Mix {
	return Mix{Name: "read", Requests: []Request{
		{Name: "GET /health", Method: http.MethodGet, Path: "/api/v1/health"},
		{Name: "GET /dashboard/stats", Method: http.MethodGet, Path: "/api/v1/dashboard/stats"},
		{Name: "GET /compounds", Method: http.MethodGet, Path: "/api/v1/compounds"},
		{Name: "GET /apartments", Method: http.MethodGet, Path: "/api/v1/apartments?limit=100"},
		{Name: "GET /tenants", Method: http.MethodGet, Path: "/api/v1/tenants?limit=100"},
	}}
}

// K6Mix is the k6 script's iteration as k6 runs it: the same five GETs with the lists at their
// default page size, then sleep(1). At n clients it offers at most n*5 requests per second, so it
// measures latency under the script's load rather than the server's saturation point.
func K6Mix() Mix {
	return Mix{Name: "k6", Think: time.Second, Requests: []Request{
		{Name: "GET /health", Method: http.MethodGet, Path: "/api/v1/health"},
		{Name: "GET /dashboard/stats", Method: http.MethodGet, Path: "/api/v1/dashboard/stats"},
		{Name: "GET /compounds", Method: http.MethodGet, Path: "/api/v1/compounds"},
		{Name: "GET /apartments", Method: http.MethodGet, Path: "/api/v1/apartments"},
		{Name: "GET /tenants", Method: http.MethodGet, Path: "/api/v1/tenants"},
	}}
}

// Single is a mix of one GET (for per-endpoint figures such as cached stats).
func Single(name, path string) Mix {
	return Mix{Name: name, Requests: []Request{{Name: "GET " + path, Method: http.MethodGet, Path: path}}}
}

// WriteMix creates an invoice for an occupancy and pays it in two parts, each payment with an
// Idempotency-Key. occupancyIDs and tenantIDs are parallel lists the workers share round robin.
func WriteMix(occupancyIDs, tenantIDs []string) Mix {
	// Numbers must be unique across every level the mix runs at, not just within one run.
	run := time.Now().UnixNano() % 1_000_000_000
	var seq atomic.Int64
	number := func(int, int) string { return fmt.Sprintf("LOAD-%d-%d", run, seq.Add(1)) }
	pick := func(w int) int { return w % len(occupancyIDs) }
	return Mix{Name: "write", Requests: []Request{
		{Name: "POST /invoices", Method: http.MethodPost, Path: "/api/v1/invoices", Body: func(w, i int) any {
			k := pick(w)
			return map[string]any{
				"invoiceNumber": number(w, i), "occupancyId": occupancyIDs[k], "tenantId": tenantIDs[k],
				"invoiceDate": "2026-11-01", "dueDate": "2026-11-08", "status": "sent",
				"lineItems": []map[string]any{{"description": "Load test rent", "quantity": 1, "unitPrice": 1000, "amount": 1000, "type": "rent"}},
				"subtotal":  1000, "taxAmount": 0, "totalAmount": 1000,
			}
		}},
		{Name: "GET /invoices", Method: http.MethodGet, Path: "/api/v1/invoices?limit=100"},
		{Name: "GET /payments", Method: http.MethodGet, Path: "/api/v1/payments?limit=100"},
	}}
}
