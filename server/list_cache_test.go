package server_test

import (
	"net/http"
	"testing"

	"github.com/ternant/ternant/internal/billingtest"
	"github.com/ternant/ternant/internal/propertytest"
	"github.com/ternant/ternant/server/config"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/metrics/metricstest"
	"github.com/ternant/ternant/server/platform/money"
	"github.com/ternant/ternant/server/servertest"
)

// TestListCacheFollowsWrites proves the wiring of the cached list pages and totals
// (X-Total-Count): a repeated list is answered from the cache, and every kind of write through the
// API changes the very next list's rows and total, for each filter, long before the cache's TTL
// would expire. Pages of one row force a count (a short last page carries its own total).
func TestListCacheFollowsWrites(t *testing.T) {
	e := propertytest.Start(t)
	total := func(path string) string {
		t.Helper()
		_, n := e.List(t, e.A, path)
		return n
	}
	expect := func(path, want string) {
		t.Helper()
		if got := total(path); got != want {
			t.Errorf("%s: X-Total-Count = %s, want %s", path, got, want)
		}
	}
	hits := func(list string) float64 {
		return metricstest.Value(t, "cache_hits_total", map[string]string{"cache": "list:" + list})
	}

	t.Run("compounds", func(t *testing.T) {
		a := propertytest.ID(t, e.Compound(t, e.A, "Alpha Court"))
		e.Compound(t, e.A, "Bravo Court")
		expect("/compounds?limit=1", "2")
		h := hits("compounds")
		expect("/compounds?limit=1", "2")
		if hits("compounds") <= h {
			t.Error("a repeated page was not answered from the cache")
		}
		e.Must(t, http.StatusOK, e.A, http.MethodPatch, "/compounds/"+a, map[string]any{"name": "Aardvark Court"})
		if rows, _ := e.List(t, e.A, "/compounds?limit=1"); rows[0]["name"] != "Aardvark Court" {
			t.Errorf("first row after a rename = %v, want Aardvark Court", rows[0]["name"])
		}
		e.Compound(t, e.A, "Charlie Court")
		expect("/compounds?limit=1", "3")
		e.Must(t, http.StatusNoContent, e.A, http.MethodDelete, "/compounds/"+a, nil)
		expect("/compounds?limit=1", "2")
		expect("/compounds?includeInactive=true&limit=1", "3")
		e.Must(t, http.StatusCreated, e.A, http.MethodPost, "/compounds/"+a+"/activate", nil)
		expect("/compounds?limit=1", "3")
		// Company B's count is its own.
		if _, n := e.List(t, e.B, "/compounds?limit=1"); n != "0" {
			t.Errorf("company B's compounds total = %s, want 0", n)
		}
	})

	t.Run("apartments", func(t *testing.T) {
		c := propertytest.ID(t, e.Compound(t, e.A, "Delta Court"))
		a1 := propertytest.ID(t, e.Apartment(t, e.A, c, "D-1"))
		e.Apartment(t, e.A, c, "D-2")
		expect("/apartments?compoundId="+c+"&limit=1", "2")
		expect("/apartments?compoundId="+c+"&status=maintenance&limit=1", "0")
		// The rows include their compound: renaming it changes the cached apartments page.
		e.Must(t, http.StatusOK, e.A, http.MethodPatch, "/compounds/"+c, map[string]any{"name": "Delta Heights"})
		rows, _ := e.List(t, e.A, "/apartments?compoundId="+c+"&limit=1")
		if got := rows[0]["compound"].(map[string]any)["name"]; got != "Delta Heights" {
			t.Errorf("apartment's compound after the rename = %v, want Delta Heights", got)
		}
		e.Must(t, http.StatusOK, e.A, http.MethodPatch, "/apartments/"+a1, map[string]any{"bedrooms": 4})
		if rows, _ := e.List(t, e.A, "/apartments?compoundId="+c+"&limit=1"); rows[0]["bedrooms"] != 4.0 {
			t.Errorf("first apartment after an update = %v bedrooms, want 4", rows[0]["bedrooms"])
		}
		e.Must(t, http.StatusOK, e.A, http.MethodPatch, "/apartments/"+a1+"/status", map[string]any{"status": "maintenance"})
		expect("/apartments?compoundId="+c+"&status=maintenance&limit=1", "1")
		e.Apartment(t, e.A, c, "D-3")
		expect("/apartments?compoundId="+c+"&limit=1", "3")
		e.Must(t, http.StatusNoContent, e.A, http.MethodDelete, "/apartments/"+a1, nil)
		expect("/apartments?compoundId="+c+"&limit=1", "2")
		expect("/apartments?compoundId="+c+"&status=maintenance&limit=1", "0")
	})

	t.Run("tenants", func(t *testing.T) {
		t1 := propertytest.ID(t, e.Tenant(t, e.A, "Otieno"))
		e.Tenant(t, e.A, "Wanjiru")
		expect("/tenants?limit=1", "2")
		e.Must(t, http.StatusOK, e.A, http.MethodPatch, "/tenants/"+t1, map[string]any{"firstName": "Zawadi"})
		if rows, _ := e.List(t, e.A, "/tenants?limit=1"); rows[0]["firstName"] != "Zawadi" {
			t.Errorf("first tenant after an update = %v, want Zawadi", rows[0]["firstName"])
		}
		e.Must(t, http.StatusOK, e.A, http.MethodPatch, "/tenants/"+t1+"/status", map[string]any{"status": "inactive"})
		expect("/tenants?status=inactive&limit=1", "1")
		e.Must(t, http.StatusNoContent, e.A, http.MethodDelete, "/tenants/"+t1, nil)
		expect("/tenants?limit=1", "1")
		expect("/tenants?includeInactive=true&limit=1", "2")
	})
}

// TestPaymentListCountFollowsWrites: the payments list's cached X-Total-Count follows a payment's
// create, delete and reactivation through the API.
func TestPaymentListCountFollowsWrites(t *testing.T) {
	inst := servertest.Start(t, nil)
	token, company := inst.RegisterCompany(t, "pay-"+billingtest.ID()[24:])
	l := billingtest.NewLease(t, inst.DB, company, money.MustParse("45000"), dbtypes.NewDate(2026, 1, 1), dbtypes.NewDate(2026, 12, 31))
	do := func(method, path string, body any) *servertest.Response {
		return inst.Do(t, servertest.Request{Method: method, Path: "/api/v1" + path, Token: token, Body: body})
	}
	gen := do(http.MethodPost, "/invoices/generate-rent", map[string]any{"occupancyId": l.OccupancyID, "month": "2026-03"})
	if gen.Status != http.StatusCreated {
		t.Fatalf("generate-rent: %d %s", gen.Status, gen.Body)
	}
	invoiceID := gen.Map(t)["id"].(string)
	pay := func() string {
		r := do(http.MethodPost, "/payments", map[string]any{"invoiceId": invoiceID, "amount": "100.00", "paidAt": "2026-03-04T10:00:00Z", "method": "CASH"})
		if r.Status != http.StatusCreated {
			t.Fatalf("payment: %d %s", r.Status, r.Body)
		}
		return r.Map(t)["id"].(string)
	}
	total := func() string {
		r := do(http.MethodGet, "/payments?limit=1", nil)
		if r.Status != http.StatusOK {
			t.Fatalf("list: %d %s", r.Status, r.Body)
		}
		return r.Header.Get("X-Total-Count")
	}
	first := pay()
	pay()
	if got := total(); got != "2" {
		t.Fatalf("total = %s, want 2", got)
	}
	total() // cached now
	pay()
	if got := total(); got != "3" {
		t.Errorf("total after a third payment = %s, want 3", got)
	}
	if r := do(http.MethodDelete, "/payments/"+first, nil); r.Status/100 != 2 {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	if got := total(); got != "2" {
		t.Errorf("total after a delete = %s, want 2", got)
	}
	if r := do(http.MethodPost, "/payments/"+first+"/activate", nil); r.Status != http.StatusCreated {
		t.Fatalf("activate: %d %s", r.Status, r.Body)
	}
	if got := total(); got != "3" {
		t.Errorf("total after a reactivation = %s, want 3", got)
	}
}

// TestListCacheOff: with LIST_CACHE_TTL=0 lists read SQL every time (no cache hit) and still
// follow writes.
func TestListCacheOff(t *testing.T) {
	e := propertytest.StartOn(t, servertest.Start(t, func(c *config.Config) { c.ListCacheTTL = 0 }))
	e.Compound(t, e.A, "Alpha Court")
	e.Compound(t, e.A, "Bravo Court")
	hits := metricstest.Value(t, "cache_hits_total", map[string]string{"cache": "list:compounds"})
	for range 3 {
		if _, n := e.List(t, e.A, "/compounds?limit=1"); n != "2" {
			t.Fatalf("total = %s, want 2", n)
		}
	}
	e.Compound(t, e.A, "Charlie Court")
	if _, n := e.List(t, e.A, "/compounds?limit=1"); n != "3" {
		t.Errorf("total after a create = %s, want 3", n)
	}
	if d := metricstest.Value(t, "cache_hits_total", map[string]string{"cache": "list:compounds"}) - hits; d != 0 {
		t.Errorf("cache_hits_total{cache=list:compounds} rose by %v with the list cache off, want 0", d)
	}
}
