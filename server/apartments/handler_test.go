package apartments_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/ternant/ternant/internal/propertytest"
)

func units(rows []map[string]any) string {
	var s []string
	for _, r := range rows {
		s = append(s, r["unitNumber"].(string))
	}
	return strings.Join(s, ",")
}

func TestApartments(t *testing.T) {
	e := propertytest.Start(t)
	compoundID := propertytest.ID(t, e.Compound(t, e.A, "Acacia Court"))

	t.Run("create, get and list shapes", func(t *testing.T) {
		r := e.Call(t, e.A, http.MethodPost, "/apartments", map[string]any{
			"compoundId": compoundID, "unitNumber": "G-1", "floor": 0, "bedrooms": 3, "bathrooms": 2,
			"areaSqm": 120.5, "monthlyRent": 45000, "amenities": []string{"parking", "balcony"}, "notes": "Corner unit",
		})
		if r.Status != http.StatusCreated {
			t.Fatalf("create = %d %s", r.Status, r.Body)
		}
		propertytest.Golden(t, "apartment-create", r.Body)
		id := propertytest.ID(t, r.Map(t))
		got := e.Call(t, e.A, http.MethodGet, "/apartments/"+id, nil)
		if got.Status != http.StatusOK {
			t.Fatalf("get = %d %s", got.Status, got.Body)
		}
		propertytest.Golden(t, "apartment-get", got.Body)
	})

	t.Run("validation and references", func(t *testing.T) {
		other := propertytest.ID(t, e.Compound(t, e.B, "Foreign Court"))
		closed := propertytest.ID(t, e.Compound(t, e.A, "Closed Court"))
		e.Must(t, http.StatusNoContent, e.A, http.MethodDelete, "/compounds/"+closed, nil)
		for _, tc := range []struct {
			name string
			body map[string]any
			msg  string
		}{
			{"compound of another company", map[string]any{"compoundId": other, "unitNumber": "X1"}, "Compound not found or does not belong to your company"},
			{"inactive compound", map[string]any{"compoundId": closed, "unitNumber": "X1"}, "Compound not found or does not belong to your company"},
			{"compoundId not a UUID", map[string]any{"compoundId": "nope", "unitNumber": "X1"}, "compoundId must be a UUID"},
			{"too many bedrooms", map[string]any{"compoundId": compoundID, "unitNumber": "X1", "bedrooms": 21}, "bedrooms must not be greater than 20"},
			{"negative floor", map[string]any{"compoundId": compoundID, "unitNumber": "X1", "floor": -1}, "floor must not be less than 0"},
			{"negative rent", map[string]any{"compoundId": compoundID, "unitNumber": "X1", "monthlyRent": -5}, "monthlyRent must not be less than 0"},
			{"rent with three decimals", map[string]any{"compoundId": compoundID, "unitNumber": "X1", "monthlyRent": 1.005}, "monthlyRent must be a number conforming to the specified constraints"},
			{"unknown status", map[string]any{"compoundId": compoundID, "unitNumber": "X1", "status": "sold"}, "status must be one of the following values: available, occupied, maintenance, reserved"},
			{"unit number too long", map[string]any{"compoundId": compoundID, "unitNumber": strings.Repeat("9", 51)}, "unitNumber must be shorter than or equal to 50 characters"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				propertytest.ExpectError(t, e.Call(t, e.A, http.MethodPost, "/apartments", tc.body), http.StatusBadRequest, tc.msg)
			})
		}
	})

	t.Run("unit numbers are unique per compound", func(t *testing.T) {
		second := propertytest.ID(t, e.Compound(t, e.A, "Baobab Court"))
		e.Apartment(t, e.A, compoundID, "D-4")
		e.Apartment(t, e.A, second, "D-4") // the same number in another compound is fine
		propertytest.ExpectError(t, e.Call(t, e.A, http.MethodPost, "/apartments", map[string]any{"compoundId": compoundID, "unitNumber": "D-4"}),
			http.StatusConflict, "Unit number 'D-4' already exists in this compound")
		d5 := propertytest.ID(t, e.Apartment(t, e.A, compoundID, "D-5"))
		propertytest.ExpectError(t, e.Call(t, e.A, http.MethodPatch, "/apartments/"+d5, map[string]any{"unitNumber": "D-4"}),
			http.StatusConflict, "Unit number 'D-4' already exists in this compound")
		propertytest.ExpectError(t, e.Call(t, e.A, http.MethodPatch, "/apartments/"+d5, map[string]any{"compoundId": second}),
			http.StatusBadRequest, "property compoundId should not exist")
	})

	t.Run("lists, filters, search, count and stats", func(t *testing.T) {
		e2 := propertytest.Start(t)
		c1 := propertytest.ID(t, e2.Compound(t, e2.A, "One"))
		c2 := propertytest.ID(t, e2.Compound(t, e2.A, "Two"))
		b2 := propertytest.ID(t, e2.Apartment(t, e2.A, c1, "B2"))
		a1 := propertytest.ID(t, e2.Apartment(t, e2.A, c1, "A1"))
		e2.Apartment(t, e2.A, c2, "C3")
		gone := propertytest.ID(t, e2.Apartment(t, e2.A, c2, "Z9"))
		e2.Must(t, http.StatusOK, e2.A, http.MethodPatch, "/apartments/"+b2+"/status", map[string]any{"status": "maintenance"})
		e2.Must(t, http.StatusOK, e2.A, http.MethodPatch, "/apartments/"+a1, map[string]any{"notes": "near the 50% lift"})
		e2.Must(t, http.StatusNoContent, e2.A, http.MethodDelete, "/apartments/"+gone, nil)

		rows, total := e2.List(t, e2.A, "/apartments")
		if units(rows) != "A1,B2,C3" || total != "3" {
			t.Errorf("list = %s (total %s)", units(rows), total)
		}
		if c, ok := rows[0]["compound"].(map[string]any); !ok || c["name"] != "One" {
			t.Errorf("list row lacks its compound: %v", rows[0])
		}
		if rows, _ := e2.List(t, e2.A, "/apartments?compoundId="+c2); units(rows) != "C3" {
			t.Errorf("compound filter = %s", units(rows))
		}
		if rows, _ := e2.List(t, e2.A, "/apartments?status=maintenance"); units(rows) != "B2" {
			t.Errorf("status filter = %s", units(rows))
		}
		if rows, total := e2.List(t, e2.A, "/apartments?limit=1&offset=1"); units(rows) != "B2" || total != "3" {
			t.Errorf("page = %s (total %s)", units(rows), total)
		}
		propertytest.ExpectError(t, e2.Call(t, e2.A, http.MethodGet, "/apartments?status=sold", nil), http.StatusBadRequest,
			"status must be one of the following values: available, occupied, maintenance, reserved")
		if rows, _ := e2.List(t, e2.A, "/apartments/search?q=50%25"); units(rows) != "A1" {
			t.Errorf("search by notes = %s", units(rows))
		}
		if rows, _ := e2.List(t, e2.A, "/apartments/search?q=c3"); units(rows) != "C3" {
			t.Errorf("search by unit = %s", units(rows))
		}
		if got := e2.Must(t, http.StatusOK, e2.A, http.MethodGet, "/apartments/count", nil); got["count"] != 3.0 {
			t.Errorf("count = %v", got)
		}
		st := e2.Call(t, e2.A, http.MethodGet, "/apartments/stats", nil)
		if string(st.Body) != `{"total":3,"available":2,"occupied":0,"maintenance":1,"reserved":0}` {
			t.Errorf("stats = %s", st.Body)
		}
		if st := e2.Call(t, e2.B, http.MethodGet, "/apartments/stats", nil); string(st.Body) != `{"total":0,"available":0,"occupied":0,"maintenance":0,"reserved":0}` {
			t.Errorf("company B's stats = %s", st.Body)
		}
		stats := e2.Call(t, e2.A, http.MethodGet, "/compounds/"+c1+"/stats", nil)
		if stats.Status != http.StatusOK {
			t.Fatalf("compound stats = %d %s", stats.Status, stats.Body)
		}
		propertytest.Golden(t, "compound-stats", stats.Body)
	})

	t.Run("search returns at most 50", func(t *testing.T) {
		c := propertytest.ID(t, e.Compound(t, e.A, "Big Court"))
		for i := range 52 {
			e.Apartment(t, e.A, c, fmt.Sprintf("S-%02d", i))
		}
		if rows, _ := e.List(t, e.A, "/apartments/search?q=S-"); len(rows) != 50 || rows[0]["unitNumber"] != "S-00" {
			t.Errorf("search returned %d rows starting %v, want 50 from S-00", len(rows), rows[0]["unitNumber"])
		}
	})

	t.Run("delete guard, delete and activate", func(t *testing.T) {
		id := propertytest.ID(t, e.Apartment(t, e.A, compoundID, "O-1"))
		e.Must(t, http.StatusOK, e.A, http.MethodPatch, "/apartments/"+id+"/status", map[string]any{"status": "occupied"})
		propertytest.ExpectError(t, e.Call(t, e.A, http.MethodDelete, "/apartments/"+id, nil), http.StatusBadRequest,
			"Cannot delete an occupied apartment. Please end the occupancy first.")
		propertytest.ExpectError(t, e.Call(t, e.A, http.MethodPatch, "/apartments/"+id+"/status", map[string]any{"status": "gone"}),
			http.StatusBadRequest, "status must be one of the following values: available, occupied, maintenance, reserved")
		e.Must(t, http.StatusOK, e.A, http.MethodPatch, "/apartments/"+id+"/status", map[string]any{"status": "available"})
		if r := e.Call(t, e.A, http.MethodDelete, "/apartments/"+id, nil); r.Status != http.StatusNoContent || len(r.Body) != 0 {
			t.Fatalf("delete = %d %q", r.Status, r.Body)
		}
		if got := e.Must(t, http.StatusOK, e.A, http.MethodGet, "/apartments/"+id, nil); got["isActive"] != false {
			t.Errorf("deleted apartment = %v", got)
		}
		if got := e.Must(t, http.StatusCreated, e.A, http.MethodPost, "/apartments/"+id+"/activate", nil); got["isActive"] != true {
			t.Errorf("activated apartment = %v", got)
		}
	})

	t.Run("another company's apartment is 404 on every id route", func(t *testing.T) {
		id := propertytest.ID(t, e.Apartment(t, e.A, compoundID, "P-1"))
		want := "Apartment with ID " + id + " not found"
		for _, rq := range []struct {
			method, path string
			body         any
		}{
			{http.MethodGet, "/apartments/" + id, nil},
			{http.MethodPatch, "/apartments/" + id, map[string]any{"notes": "x"}},
			{http.MethodPatch, "/apartments/" + id + "/status", map[string]any{"status": "reserved"}},
			{http.MethodDelete, "/apartments/" + id, nil},
			{http.MethodPost, "/apartments/" + id + "/activate", nil},
		} {
			propertytest.ExpectError(t, e.Call(t, e.B, rq.method, rq.path, rq.body), http.StatusNotFound, want)
		}
		if got := e.Must(t, http.StatusOK, e.A, http.MethodGet, "/apartments/"+id, nil); got["status"] != "available" || got["notes"] != nil {
			t.Errorf("company B changed A's apartment: %v", got)
		}
	})
}
