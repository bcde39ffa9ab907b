package compounds_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/ternant/ternant/internal/propertytest"
	"github.com/ternant/ternant/server/identity"
)

func TestCompounds(t *testing.T) {
	e := propertytest.Start(t)

	t.Run("create and read back in the read representation", func(t *testing.T) {
		r := e.Call(t, e.A, http.MethodPost, "/compounds", map[string]any{
			"name": "Golden Court", "addressLine": "1 Golden Road", "city": "Nairobi", "region": "Nairobi County",
			"country": "Kenya", "geoLat": -1.2921, "geoLng": 36.8219, "notes": "Gated",
		})
		if r.Status != http.StatusCreated {
			t.Fatalf("create = %d %s", r.Status, r.Body)
		}
		propertytest.Golden(t, "compound", r.Body)
		id := propertytest.ID(t, r.Map(t))
		got := e.Call(t, e.A, http.MethodGet, "/compounds/"+id, nil)
		if got.Status != http.StatusOK || string(got.Body) != string(r.Body) {
			t.Errorf("GET after create = %d %s, want the create body %s", got.Status, got.Body, r.Body)
		}
	})

	t.Run("validation", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			body map[string]any
			msg  string
		}{
			{"missing name", map[string]any{"addressLine": "1 Road x", "city": "Nairobi", "country": "Kenya"}, "name should not be empty"},
			{"short address", map[string]any{"name": "Ok", "addressLine": "1 R", "city": "Nairobi", "country": "Kenya"}, "addressLine must be longer than or equal to 5 characters"},
			{"latitude out of range", map[string]any{"name": "Ok", "addressLine": "1 Road", "city": "Nairobi", "country": "Kenya", "geoLat": 91}, "geoLat must not be greater than 90"},
			{"longitude out of range", map[string]any{"name": "Ok", "addressLine": "1 Road", "city": "Nairobi", "country": "Kenya", "geoLng": -181}, "geoLng must not be less than -180"},
			{"unknown property", map[string]any{"name": "Ok", "addressLine": "1 Road", "city": "Nairobi", "country": "Kenya", "floors": 3}, "property floors should not exist"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				propertytest.ExpectError(t, e.Call(t, e.A, http.MethodPost, "/compounds", tc.body), http.StatusBadRequest, tc.msg)
			})
		}
	})

	t.Run("roles: R4 reads, OWNER/ADMIN write", func(t *testing.T) {
		c := e.Compound(t, e.A, "Role Court")
		id := propertytest.ID(t, c)
		for _, role := range []identity.Role{identity.Staff, identity.Auditor} {
			tok := e.UserToken(t, e.AID, role)
			e.Must(t, http.StatusOK, tok, http.MethodGet, "/compounds/"+id, nil)
			if r := e.Call(t, tok, http.MethodPost, "/compounds", map[string]any{}); r.Status != http.StatusForbidden {
				t.Errorf("%s create = %d, want 403", role, r.Status)
			}
			if r := e.Call(t, tok, http.MethodDelete, "/compounds/"+id, nil); r.Status != http.StatusForbidden {
				t.Errorf("%s delete = %d, want 403", role, r.Status)
			}
		}
		admin := e.UserToken(t, e.AID, identity.Admin)
		e.Must(t, http.StatusOK, admin, http.MethodPatch, "/compounds/"+id, map[string]any{"notes": "by admin"})
		if r := e.Call(t, "", http.MethodGet, "/compounds", nil); r.Status != http.StatusUnauthorized {
			t.Errorf("anonymous list = %d, want 401", r.Status)
		}
	})

	t.Run("update, delete, list, activate", func(t *testing.T) {
		e2 := propertytest.Start(t)
		z := e2.Compound(t, e2.A, "Zebra Court")
		b := e2.Compound(t, e2.A, "Bravo Court")
		e2.Compound(t, e2.A, "Alpha Court")
		zid, bid := propertytest.ID(t, z), propertytest.ID(t, b)

		up := e2.Must(t, http.StatusOK, e2.A, http.MethodPatch, "/compounds/"+zid, map[string]any{"city": "Mombasa", "geoLat": "4.0435"})
		if up["city"] != "Mombasa" || up["geoLat"] != "4.0435000" || up["name"] != "Zebra Court" {
			t.Errorf("patched = %v", up)
		}
		propertytest.ExpectError(t, e2.Call(t, e2.A, http.MethodPatch, "/compounds/"+zid, map[string]any{"name": "Z"}),
			http.StatusBadRequest, "name must be longer than or equal to 2 characters")

		if r := e2.Call(t, e2.A, http.MethodDelete, "/compounds/"+bid, nil); r.Status != http.StatusNoContent || len(r.Body) != 0 {
			t.Fatalf("delete = %d %q", r.Status, r.Body)
		}
		if got := e2.Must(t, http.StatusOK, e2.A, http.MethodGet, "/compounds/"+bid, nil); got["isActive"] != false {
			t.Errorf("GET of a deleted compound = %v, want isActive false", got)
		}
		names := func(rows []map[string]any) string {
			var s []string
			for _, r := range rows {
				s = append(s, r["name"].(string))
			}
			return strings.Join(s, ",")
		}
		rows, total := e2.List(t, e2.A, "/compounds")
		if names(rows) != "Alpha Court,Zebra Court" || total != "2" {
			t.Errorf("list = %s (total %s)", names(rows), total)
		}
		rows, total = e2.List(t, e2.A, "/compounds?includeInactive=true&limit=2&offset=1")
		if names(rows) != "Bravo Court,Zebra Court" || total != "3" {
			t.Errorf("page with inactive = %s (total %s)", names(rows), total)
		}
		rows, _ = e2.List(t, e2.A, "/compounds?includeInactive=false")
		if len(rows) != 2 {
			t.Errorf("includeInactive=false listed %d, want 2 (strict boolean)", len(rows))
		}
		propertytest.ExpectError(t, e2.Call(t, e2.A, http.MethodGet, "/compounds?includeInactive=yes", nil),
			http.StatusBadRequest, "includeInactive must be a boolean value")
		propertytest.ExpectError(t, e2.Call(t, e2.A, http.MethodGet, "/compounds?limit=1001", nil),
			http.StatusBadRequest, "limit must not be greater than 1000")
		if got := e2.Must(t, http.StatusOK, e2.A, http.MethodGet, "/compounds/count", nil); got["count"] != 2.0 {
			t.Errorf("count = %v, want 2", got)
		}
		act := e2.Must(t, http.StatusCreated, e2.A, http.MethodPost, "/compounds/"+bid+"/activate", nil)
		if act["isActive"] != true {
			t.Errorf("activate = %v", act)
		}
		if got := e2.Must(t, http.StatusOK, e2.A, http.MethodGet, "/compounds/count", nil); got["count"] != 3.0 {
			t.Errorf("count after activate = %v, want 3", got)
		}
	})

	t.Run("search matches wildcards literally", func(t *testing.T) {
		e.Compound(t, e.A, "100% Towers")
		e.Compound(t, e.A, "100X Towers")
		e.Compound(t, e.A, "Under_score Place")
		for _, tc := range []struct {
			q    string
			want []string
		}{
			{"100%25", []string{"100% Towers"}},
			{"towers", []string{"100% Towers", "100X Towers"}},
			{"_", []string{"Under_score Place"}},
			{"Nairobi", nil}, // city matches every compound: checked by count below
		} {
			rows, _ := e.List(t, e.A, "/compounds/search?q="+tc.q)
			if tc.want == nil {
				if len(rows) < 3 {
					t.Errorf("search %q found %d, want every compound", tc.q, len(rows))
				}
				continue
			}
			var got []string
			for _, r := range rows {
				got = append(got, r["name"].(string))
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("search %q = %q, want %q", tc.q, got, tc.want)
			}
		}
		rows, _ := e.List(t, e.B, "/compounds/search?q=Towers")
		if len(rows) != 0 {
			t.Errorf("company B found A's compounds: %v", rows)
		}
	})

	t.Run("another company's compound is 404 on every id route", func(t *testing.T) {
		id := propertytest.ID(t, e.Compound(t, e.A, "Private Court"))
		want := "Compound with ID " + id + " not found"
		for _, rq := range []struct{ method, path string }{
			{http.MethodGet, "/compounds/" + id},
			{http.MethodGet, "/compounds/" + id + "/stats"},
			{http.MethodPatch, "/compounds/" + id},
			{http.MethodDelete, "/compounds/" + id},
			{http.MethodPost, "/compounds/" + id + "/activate"},
		} {
			var body any
			if rq.method == http.MethodPatch {
				body = map[string]any{"notes": "mine now"}
			}
			propertytest.ExpectError(t, e.Call(t, e.B, rq.method, rq.path, body), http.StatusNotFound, want)
		}
		if got := e.Must(t, http.StatusOK, e.A, http.MethodGet, "/compounds/"+id, nil); got["notes"] != nil || got["isActive"] != true {
			t.Errorf("company B changed A's compound: %v", got)
		}
	})
}

// GET /compounds/:id is served from Redis until a write through the API drops the entry; the
// cached entry never answers another company.
func TestCompoundReadCache(t *testing.T) {
	e := propertytest.Start(t)
	id := propertytest.ID(t, e.Compound(t, e.A, "Cached Court"))
	e.Must(t, http.StatusOK, e.A, http.MethodGet, "/compounds/"+id, nil) // fills the cache
	if _, err := e.DB.Exec(context.Background(), "UPDATE compounds SET name = 'Changed Behind' WHERE id = ?", id); err != nil {
		t.Fatal(err)
	}
	if got := e.Must(t, http.StatusOK, e.A, http.MethodGet, "/compounds/"+id, nil); got["name"] != "Cached Court" {
		t.Errorf("second read = %v, want the cached name", got["name"])
	}
	propertytest.ExpectError(t, e.Call(t, e.B, http.MethodGet, "/compounds/"+id, nil), http.StatusNotFound, "Compound with ID "+id+" not found")
	e.Must(t, http.StatusOK, e.A, http.MethodPatch, "/compounds/"+id, map[string]any{"city": "Kisumu"})
	got := e.Must(t, http.StatusOK, e.A, http.MethodGet, "/compounds/"+id, nil)
	if got["name"] != "Changed Behind" || got["city"] != "Kisumu" {
		t.Errorf("read after a write = %v, want the stored row", got)
	}
	e.Must(t, http.StatusNoContent, e.A, http.MethodDelete, "/compounds/"+id, nil)
	if got := e.Must(t, http.StatusOK, e.A, http.MethodGet, "/compounds/"+id, nil); got["isActive"] != false {
		t.Errorf("read after delete = %v", got)
	}
}
