package occupancies_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ternant/ternant/internal/propertytest"
)

var day = propertytest.Day

func lease(tenantID, apartmentID, start, end string) map[string]any {
	return map[string]any{"tenantId": tenantID, "apartmentId": apartmentID, "leaseStartDate": start,
		"leaseEndDate": end, "monthlyRent": 45000}
}

func TestOccupancyShapes(t *testing.T) {
	e := propertytest.Start(t)
	apt := propertytest.ID(t, e.Apartment(t, e.A, propertytest.ID(t, e.Compound(t, e.A, "Shape Court")), "S-1"))
	ten := propertytest.ID(t, e.Must(t, http.StatusCreated, e.A, http.MethodPost, "/tenants",
		map[string]any{"firstName": "Amina", "lastName": "Shape", "email": "shape@tenants.test"}))
	r := e.Call(t, e.A, http.MethodPost, "/occupancies", map[string]any{
		"tenantId": ten, "apartmentId": apt, "leaseStartDate": "2026-01-01", "leaseEndDate": "2026-12-31",
		"monthlyRent": 45000, "securityDeposit": "90000", "depositPaid": 45000.5, "moveInDate": "2026-01-02",
		"status": "active", "notes": "Signed",
	})
	if r.Status != http.StatusCreated {
		t.Fatalf("create = %d %s", r.Status, r.Body)
	}
	propertytest.Golden(t, "occupancy-create", r.Body)
	id := propertytest.ID(t, r.Map(t))
	got := e.Call(t, e.A, http.MethodGet, "/occupancies/"+id, nil)
	if got.Status != http.StatusOK {
		t.Fatalf("get = %d %s", got.Status, got.Body)
	}
	propertytest.Golden(t, "occupancy-get", got.Body)
	hist := e.Call(t, e.A, http.MethodGet, "/tenants/"+ten+"/history", nil)
	if hist.Status != http.StatusOK {
		t.Fatalf("history = %d %s", hist.Status, hist.Body)
	}
	propertytest.Golden(t, "tenant-history", hist.Body)
	// PATCH answers like GET: the changed lease with its tenant and apartment (and compound).
	upd := e.Call(t, e.A, http.MethodPatch, "/occupancies/"+id, map[string]any{"notes": "Renewed"})
	if upd.Status != http.StatusOK {
		t.Fatalf("update = %d %s", upd.Status, upd.Body)
	}
	propertytest.Golden(t, "occupancy-update", upd.Body)
	if after := e.Call(t, e.A, http.MethodGet, "/occupancies/"+id, nil); string(after.Body) != string(upd.Body) {
		t.Errorf("PATCH body differs from the GET that follows:\n%s\n%s", upd.Body, after.Body)
	}
}

func TestOccupancyRules(t *testing.T) {
	e := propertytest.Start(t)
	_, apt := e.Property(t, e.A)
	ten := propertytest.ID(t, e.Tenant(t, e.A, "Rules"))

	t.Run("validation", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			body map[string]any
			msg  string
		}{
			{"end before start", lease(ten, apt, "2030-05-01", "2030-04-30"), "Lease end date must be after start date"},
			{"end equals start", lease(ten, apt, "2030-05-01", "2030-05-01"), "Lease end date must be after start date"},
			{"timestamp as date", lease(ten, apt, "2030-05-01T00:00:00Z", "2030-06-01"), "leaseStartDate must be a valid ISO 8601 date string (YYYY-MM-DD)"},
			{"missing rent", map[string]any{"tenantId": ten, "apartmentId": apt, "leaseStartDate": "2030-01-01", "leaseEndDate": "2030-02-01"}, "monthlyRent must be a number conforming to the specified constraints"},
			{"negative deposit", func() map[string]any {
				m := lease(ten, apt, "2030-01-01", "2030-02-01")
				m["securityDeposit"] = -1
				return m
			}(), "securityDeposit must not be less than 0"},
			{"bad status", func() map[string]any {
				m := lease(ten, apt, "2030-01-01", "2030-02-01")
				m["status"] = "done"
				return m
			}(), "status must be one of the following values: pending, active, ended, cancelled"},
			{"tenantId not a UUID", lease("x", apt, "2030-01-01", "2030-02-01"), "tenantId must be a UUID"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				propertytest.ExpectError(t, e.Call(t, e.A, http.MethodPost, "/occupancies", tc.body), http.StatusBadRequest, tc.msg)
			})
		}
	})

	t.Run("references must be active and the caller's", func(t *testing.T) {
		_, foreignApt := e.Property(t, e.B)
		foreignTen := propertytest.ID(t, e.Tenant(t, e.B, "Foreign"))
		goneTen := propertytest.ID(t, e.Tenant(t, e.A, "Gone"))
		e.Must(t, http.StatusNoContent, e.A, http.MethodDelete, "/tenants/"+goneTen, nil)
		_, goneApt := e.Property(t, e.A)
		e.Must(t, http.StatusNoContent, e.A, http.MethodDelete, "/apartments/"+goneApt, nil)
		for _, tc := range []struct {
			name, tenant, apartment, msg string
		}{
			{"foreign tenant", foreignTen, apt, "Tenant with ID " + foreignTen + " not found"},
			{"inactive tenant", goneTen, apt, "Tenant with ID " + goneTen + " not found"},
			{"foreign apartment", ten, foreignApt, "Apartment with ID " + foreignApt + " not found"},
			{"inactive apartment", ten, goneApt, "Apartment with ID " + goneApt + " not found"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				propertytest.ExpectError(t, e.Call(t, e.A, http.MethodPost, "/occupancies", lease(tc.tenant, tc.apartment, "2030-01-01", "2030-12-31")),
					http.StatusNotFound, tc.msg)
			})
		}
	})

	t.Run("overlap rule", func(t *testing.T) {
		_, apt := e.Property(t, e.A)
		first := e.Lease(t, e.A, ten, apt, "2026-01-01", "2026-12-31", "pending")
		const msg = "Apartment is already occupied during this period"
		for _, p := range [][2]string{{"2026-12-31", "2027-06-30"}, {"2025-06-01", "2026-01-01"}, {"2026-03-01", "2026-04-01"}, {"2025-01-01", "2027-12-31"}} {
			propertytest.ExpectError(t, e.Call(t, e.A, http.MethodPost, "/occupancies", lease(ten, apt, p[0], p[1])), http.StatusConflict, msg)
		}
		second := e.Lease(t, e.A, ten, apt, "2027-01-01", "2027-12-31", "active") // adjacent, no shared day
		// Moving the second lease onto the first is re-checked; moving it within its own period is not a conflict with itself.
		propertytest.ExpectError(t, e.Call(t, e.A, http.MethodPatch, "/occupancies/"+propertytest.ID(t, second), map[string]any{"leaseStartDate": "2026-12-01"}),
			http.StatusConflict, msg)
		propertytest.ExpectError(t, e.Call(t, e.A, http.MethodPatch, "/occupancies/"+propertytest.ID(t, second), map[string]any{"leaseEndDate": "2026-06-01"}),
			http.StatusBadRequest, "Lease end date must be after start date")
		e.Must(t, http.StatusOK, e.A, http.MethodPatch, "/occupancies/"+propertytest.ID(t, second), map[string]any{"leaseEndDate": "2027-11-30"})
		// Moving a lease to another apartment checks that apartment's leases, and it must be active.
		_, other := e.Property(t, e.A)
		e.Lease(t, e.A, ten, other, "2027-06-01", "2027-06-30", "active")
		propertytest.ExpectError(t, e.Call(t, e.A, http.MethodPatch, "/occupancies/"+propertytest.ID(t, second), map[string]any{"apartmentId": other}),
			http.StatusConflict, msg)
		_, closed := e.Property(t, e.A)
		e.Must(t, http.StatusNoContent, e.A, http.MethodDelete, "/apartments/"+closed, nil)
		propertytest.ExpectError(t, e.Call(t, e.A, http.MethodPatch, "/occupancies/"+propertytest.ID(t, second), map[string]any{"apartmentId": closed}),
			http.StatusNotFound, "Apartment with ID "+closed+" not found")
		// Ended, cancelled and deleted leases do not block.
		e.Must(t, http.StatusOK, e.A, http.MethodPatch, "/occupancies/"+propertytest.ID(t, first)+"/status", map[string]any{"status": "cancelled"})
		third := e.Lease(t, e.A, ten, apt, "2026-02-01", "2026-05-31", "pending")
		e.Must(t, http.StatusOK, e.A, http.MethodDelete, "/occupancies/"+propertytest.ID(t, third), nil)
		e.Lease(t, e.A, ten, apt, "2026-03-01", "2026-04-30", "pending")
	})

	t.Run("end, deposit, delete, activate", func(t *testing.T) {
		_, apt := e.Property(t, e.A)
		e.Must(t, http.StatusOK, e.A, http.MethodPatch, "/apartments/"+apt+"/status", map[string]any{"status": "occupied"})
		id := propertytest.ID(t, e.Lease(t, e.A, ten, apt, "2026-01-01", "2026-12-31", "active"))

		got := e.Must(t, http.StatusCreated, e.A, http.MethodPost, "/occupancies/"+id+"/deposit-payment", map[string]any{"amount": 50000})
		if got["depositPaid"] != "50000.00" {
			t.Errorf("after deposit = %v", got["depositPaid"])
		}
		propertytest.ExpectError(t, e.Call(t, e.A, http.MethodPost, "/occupancies/"+id+"/deposit-payment", map[string]any{"amount": "40000.01"}),
			http.StatusBadRequest, "Deposit payment exceeds required security deposit")
		propertytest.ExpectError(t, e.Call(t, e.A, http.MethodPost, "/occupancies/"+id+"/deposit-payment", map[string]any{"amount": 0}),
			http.StatusBadRequest, "amount must be a positive number")
		got = e.Must(t, http.StatusCreated, e.A, http.MethodPost, "/occupancies/"+id+"/deposit-payment", map[string]any{"amount": "40000"})
		if got["depositPaid"] != "90000.00" {
			t.Errorf("after full deposit = %v", got["depositPaid"])
		}

		propertytest.ExpectError(t, e.Call(t, e.A, http.MethodDelete, "/occupancies/"+id, nil), http.StatusBadRequest,
			"Cannot delete an active occupancy. End it first.")
		got = e.Must(t, http.StatusCreated, e.A, http.MethodPost, "/occupancies/"+id+"/end", map[string]any{"moveOutDate": "2026-06-30"})
		if got["status"] != "ended" || got["moveOutDate"] != "2026-06-30" {
			t.Errorf("ended = %v", got)
		}
		propertytest.ExpectError(t, e.Call(t, e.A, http.MethodPost, "/occupancies/"+id+"/end", map[string]any{}), http.StatusBadRequest,
			"Occupancy is already ended")
		if a := e.Must(t, http.StatusOK, e.A, http.MethodGet, "/apartments/"+apt, nil); a["status"] != "occupied" {
			t.Errorf("ending a lease changed the apartment status to %v (TernantApp leaves it)", a["status"])
		}
		if r := e.Call(t, e.A, http.MethodDelete, "/occupancies/"+id, nil); r.Status != http.StatusOK || len(r.Body) != 0 {
			t.Fatalf("delete = %d %q, want 200 and no body", r.Status, r.Body)
		}
		if got := e.Must(t, http.StatusOK, e.A, http.MethodGet, "/occupancies/"+id, nil); got["isActive"] != false {
			t.Errorf("deleted lease = %v", got)
		}
		if got := e.Must(t, http.StatusCreated, e.A, http.MethodPost, "/occupancies/"+id+"/activate", nil); got["isActive"] != true {
			t.Errorf("activated lease = %v", got)
		}

		id2 := propertytest.ID(t, e.Lease(t, e.A, ten, apt, "2027-01-01", "2027-12-31", "pending"))
		got = e.Must(t, http.StatusCreated, e.A, http.MethodPost, "/occupancies/"+id2+"/end", nil)
		if got["moveOutDate"] != day(0) {
			t.Errorf("end without a date moved out on %v, want today", got["moveOutDate"])
		}
	})
}

func TestOccupancyLists(t *testing.T) {
	e := propertytest.Start(t)
	_, apt1 := e.Property(t, e.A)
	_, apt2 := e.Property(t, e.A)
	_, apt3 := e.Property(t, e.A)
	t1 := propertytest.ID(t, e.Tenant(t, e.A, "One"))
	t2 := propertytest.ID(t, e.Tenant(t, e.A, "Two"))

	running := propertytest.ID(t, e.Lease(t, e.A, t1, apt1, day(-100), day(10), "active"))    // active, expiring soon
	later := propertytest.ID(t, e.Lease(t, e.A, t2, apt2, day(-10), day(200), "active"))      // active, not expiring
	future := propertytest.ID(t, e.Lease(t, e.A, t1, apt3, day(300), day(600), "pending"))    // pending
	old := propertytest.ID(t, e.Lease(t, e.A, t2, apt3, day(-700), day(-400), "ended"))       // ended
	deleted := propertytest.ID(t, e.Lease(t, e.A, t2, apt1, day(-900), day(-800), "pending")) // deleted below
	e.Must(t, http.StatusOK, e.A, http.MethodDelete, "/occupancies/"+deleted, nil)

	ids := func(rows []map[string]any) string {
		var s []string
		for _, r := range rows {
			s = append(s, r["id"].(string))
		}
		return strings.Join(s, ",")
	}
	join := func(v ...string) string { return strings.Join(v, ",") }

	rows, total := e.List(t, e.A, "/occupancies")
	if ids(rows) != join(future, later, running, old) || total != "4" {
		t.Errorf("list (newest start first) = %s total %s", ids(rows), total)
	}
	if _, ok := rows[0]["tenant"].(map[string]any); !ok {
		t.Errorf("list row lacks tenant: %v", rows[0])
	}
	if a, ok := rows[0]["apartment"].(map[string]any); !ok || a["id"] != apt3 {
		t.Errorf("list row lacks its apartment: %v", rows[0])
	}
	if rows, total := e.List(t, e.A, "/occupancies?includeInactive=true"); total != "5" || len(rows) != 5 {
		t.Errorf("list with inactive has %d rows, total %s", len(rows), total)
	}
	if rows, _ := e.List(t, e.A, "/occupancies?status=active&limit=1"); ids(rows) != later {
		t.Errorf("active page = %s", ids(rows))
	}
	if rows, _ := e.List(t, e.A, "/occupancies/active"); ids(rows) != join(running, later) {
		t.Errorf("active now (soonest end first) = %s", ids(rows))
	}
	if rows, _ := e.List(t, e.A, "/occupancies/expiring"); ids(rows) != running {
		t.Errorf("expiring in 30 days = %s", ids(rows))
	}
	if rows, _ := e.List(t, e.A, "/occupancies/expiring?days=365"); ids(rows) != join(running, later) {
		t.Errorf("expiring in 365 days = %s", ids(rows))
	}
	propertytest.ExpectError(t, e.Call(t, e.A, http.MethodGet, "/occupancies/expiring?days=soon", nil), http.StatusBadRequest, "days must be an integer number")
	if rows, _ := e.List(t, e.A, "/occupancies/tenant/"+t1); ids(rows) != join(future, running) {
		t.Errorf("by tenant = %s", ids(rows))
	}
	if rows, _ := e.List(t, e.A, "/occupancies/apartment/"+apt3); ids(rows) != join(future, old) {
		t.Errorf("by apartment = %s", ids(rows))
	}
	if rows, _ := e.List(t, e.B, "/occupancies/apartment/"+apt3); len(rows) != 0 {
		t.Errorf("company B sees A's leases: %v", rows)
	}
	st := e.Call(t, e.A, http.MethodGet, "/occupancies/stats", nil)
	monthEnd := time.Date(time.Now().UTC().Year(), time.Now().UTC().Month()+1, 0, 0, 0, 0, 0, time.UTC)
	expiring := 0
	if !time.Now().UTC().AddDate(0, 0, 10).After(monthEnd) {
		expiring = 1
	}
	want := fmt.Sprintf(`{"total":4,"active":2,"pending":1,"ended":1,"expiringThisMonth":%d}`, expiring)
	if string(st.Body) != want {
		t.Errorf("stats = %s, want %s", st.Body, want)
	}
	hist := e.Must(t, http.StatusOK, e.A, http.MethodGet, "/tenants/"+t2+"/history", nil)
	if occ, _ := hist["occupancies"].([]any); len(occ) != 3 || hist["lastName"] != "Two" {
		t.Errorf("history of tenant two has %d leases: %v", len(occ), hist)
	}
}

// TestOverlappingCreatesRace sends N overlapping creates for one apartment at once: the apartment
// row lock must let exactly one through and turn every other into the overlap 409 (TernantApp let
// 2-3 of 12 through).
func TestOverlappingCreatesRace(t *testing.T) {
	e := propertytest.Start(t)
	_, apt := e.Property(t, e.A)
	const n = 12
	tenants := make([]string, n)
	for i := range tenants {
		tenants[i] = propertytest.ID(t, e.Tenant(t, e.A, "Racer"))
	}
	statuses := make([]int, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			// Every period overlaps every other: they all contain July 2030.
			start := fmt.Sprintf("2030-%02d-01", 1+i%6)
			r := e.Call(t, e.A, http.MethodPost, "/occupancies", lease(tenants[i], apt, start, "2030-12-31"))
			statuses[i] = r.Status
		}()
	}
	close(start)
	wg.Wait()
	created, conflicts := 0, 0
	for _, s := range statuses {
		switch s {
		case http.StatusCreated:
			created++
		case http.StatusConflict:
			conflicts++
		}
	}
	if created != 1 || conflicts != n-1 {
		t.Fatalf("statuses = %v: %d created, %d conflicts; want exactly 1 and %d", statuses, created, conflicts, n-1)
	}
	if rows, total := e.List(t, e.A, "/occupancies/apartment/"+apt); len(rows) != 1 || total != "1" {
		t.Errorf("apartment has %d leases stored, want 1", len(rows))
	}
}

func TestOccupancyCrossCompany(t *testing.T) {
	e := propertytest.Start(t)
	_, apt := e.Property(t, e.A)
	ten := propertytest.ID(t, e.Tenant(t, e.A, "Private"))
	id := propertytest.ID(t, e.Lease(t, e.A, ten, apt, "2026-01-01", "2026-12-31", "pending"))
	want := "Occupancy with ID " + id + " not found"
	for _, rq := range []struct {
		method, path string
		body         any
	}{
		{http.MethodGet, "/occupancies/" + id, nil},
		{http.MethodPatch, "/occupancies/" + id, map[string]any{"notes": "x"}},
		{http.MethodPatch, "/occupancies/" + id + "/status", map[string]any{"status": "active"}},
		{http.MethodPost, "/occupancies/" + id + "/end", map[string]any{}},
		{http.MethodPost, "/occupancies/" + id + "/deposit-payment", map[string]any{"amount": 1}},
		{http.MethodDelete, "/occupancies/" + id, nil},
		{http.MethodPost, "/occupancies/" + id + "/activate", nil},
	} {
		propertytest.ExpectError(t, e.Call(t, e.B, rq.method, rq.path, rq.body), http.StatusNotFound, want)
	}
	if got := e.Must(t, http.StatusOK, e.A, http.MethodGet, "/occupancies/"+id, nil); got["status"] != "pending" || got["notes"] != nil || got["isActive"] != true {
		t.Errorf("company B changed A's lease: %v", got)
	}
}

// Apartment and lease writes drop the company's cached dashboard, so its figures follow them
// (TernantApp never invalidated it).
func TestDashboardFollowsPropertyWrites(t *testing.T) {
	e := propertytest.Start(t)
	stats := func() map[string]any {
		t.Helper()
		return e.Must(t, http.StatusOK, e.A, http.MethodGet, "/dashboard/stats", nil)["data"].(map[string]any)
	}
	if s := stats(); s["totalUnits"] != 0.0 { // cached from here on
		t.Fatalf("empty company dashboard = %v", s)
	}
	_, apt := e.Property(t, e.A)
	if s := stats(); s["totalUnits"] != 1.0 || s["occupiedUnits"] != 0.0 {
		t.Errorf("after an apartment = %v, want 1 unit", s)
	}
	ten := propertytest.ID(t, e.Tenant(t, e.A, "Dash"))
	id := propertytest.ID(t, e.Lease(t, e.A, ten, apt, day(-10), day(100), "active"))
	if s := stats(); s["occupiedUnits"] != 1.0 {
		t.Errorf("after an active lease = %v, want 1 occupied", s)
	}
	e.Must(t, http.StatusCreated, e.A, http.MethodPost, "/occupancies/"+id+"/end", nil)
	if s := stats(); s["occupiedUnits"] != 0.0 {
		t.Errorf("after ending the lease = %v, want 0 occupied", s)
	}
	e.Must(t, http.StatusNoContent, e.A, http.MethodDelete, "/apartments/"+apt, nil)
	if s := stats(); s["totalUnits"] != 0.0 {
		t.Errorf("after deleting the apartment = %v, want 0 units", s)
	}
}
