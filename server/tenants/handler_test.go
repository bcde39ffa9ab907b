package tenants_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/ternant/ternant/internal/propertytest"
)

func names(rows []map[string]any) string {
	var s []string
	for _, r := range rows {
		s = append(s, r["lastName"].(string)+" "+r["firstName"].(string))
	}
	return strings.Join(s, ",")
}

func TestTenants(t *testing.T) {
	e := propertytest.Start(t)

	t.Run("create and get shape", func(t *testing.T) {
		r := e.Call(t, e.A, http.MethodPost, "/tenants", map[string]any{
			"firstName": "Grace", "lastName": "Wanjiru", "email": "grace@golden.test", "phone": "+254711000111",
			"dateOfBirth": "1991-02-03", "idType": "National ID", "idNumber": "12345678", "monthlyIncome": 150000.5,
			"references": []map[string]any{{"name": "Jane", "phone": "+254722", "relationship": "Former landlord"}},
			"documents":  []map[string]any{{"type": "ID", "fileName": "id.pdf", "fileUrl": "/docs/id.pdf", "uploadedAt": "2026-01-02T03:04:05Z"}},
		})
		if r.Status != http.StatusCreated {
			t.Fatalf("create = %d %s", r.Status, r.Body)
		}
		propertytest.Golden(t, "tenant", r.Body)
		id := propertytest.ID(t, r.Map(t))
		if got := e.Call(t, e.A, http.MethodGet, "/tenants/"+id, nil); string(got.Body) != string(r.Body) {
			t.Errorf("GET = %s, want the create body", got.Body)
		}
	})

	t.Run("validation", func(t *testing.T) {
		base := func(kv ...any) map[string]any {
			m := map[string]any{"firstName": "A", "lastName": "B", "email": "v@x.test"}
			for i := 0; i < len(kv); i += 2 {
				m[kv[i].(string)] = kv[i+1]
			}
			return m
		}
		for _, tc := range []struct {
			name string
			body map[string]any
			msg  string
		}{
			{"missing email", map[string]any{"firstName": "A", "lastName": "B"}, "email must be an email"},
			{"missing names", map[string]any{"email": "v@x.test"}, "firstName must be a string"},
			{"bad email", base("email", "not-an-email"), "email must be an email"},
			{"timestamp as date of birth", base("dateOfBirth", "1991-02-03T00:00:00Z"), "dateOfBirth must be a valid ISO 8601 date string (YYYY-MM-DD)"},
			{"negative income", base("monthlyIncome", -1), "monthlyIncome must not be less than 0"},
			{"bad status", base("status", "vip"), "status must be one of the following values: active, inactive, blacklisted"},
			{"reference without phone", base("references", []map[string]any{{"name": "J", "relationship": "x"}}), "references.0.phone should not be empty"},
			{"unknown nested key", base("references", []map[string]any{{"name": "J", "phone": "1", "relationship": "x", "age": 3}}), "references.0.property age should not exist"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				propertytest.ExpectError(t, e.Call(t, e.A, http.MethodPost, "/tenants", tc.body), http.StatusBadRequest, tc.msg)
			})
		}
	})

	t.Run("email is unique per company", func(t *testing.T) {
		body := map[string]any{"firstName": "Dup", "lastName": "Licate", "email": "dup@x.test"}
		e.Must(t, http.StatusCreated, e.A, http.MethodPost, "/tenants", body)
		propertytest.ExpectError(t, e.Call(t, e.A, http.MethodPost, "/tenants", body), http.StatusConflict, "Tenant with email 'dup@x.test' already exists")
		e.Must(t, http.StatusCreated, e.B, http.MethodPost, "/tenants", body) // another company may use it
		other := propertytest.ID(t, e.Tenant(t, e.A, "Other"))
		propertytest.ExpectError(t, e.Call(t, e.A, http.MethodPatch, "/tenants/"+other, map[string]any{"email": "dup@x.test"}),
			http.StatusConflict, "Tenant with email 'dup@x.test' already exists")
	})

	t.Run("lists, search, count, stats", func(t *testing.T) {
		e2 := propertytest.Start(t)
		mk := func(first, last, email, phone string) string {
			return propertytest.ID(t, e2.Must(t, http.StatusCreated, e2.A, http.MethodPost, "/tenants",
				map[string]any{"firstName": first, "lastName": last, "email": email, "phone": phone}))
		}
		mk("Zed", "Kamau", "zed@x.test", "0700111")
		ak := mk("Ann", "Kamau", "ann@x.test", "0700222")
		mk("Omar", "Bakari", "omar_b@x.test", "0700333")
		gone := mk("Gone", "Away", "gone@x.test", "0700444")
		e2.Must(t, http.StatusOK, e2.A, http.MethodPatch, "/tenants/"+ak+"/status", map[string]any{"status": "inactive"})
		e2.Must(t, http.StatusNoContent, e2.A, http.MethodDelete, "/tenants/"+gone, nil)

		if rows, total := e2.List(t, e2.A, "/tenants"); names(rows) != "Bakari Omar,Kamau Ann,Kamau Zed" || total != "3" {
			t.Errorf("list = %s (total %s)", names(rows), total)
		}
		if rows, total := e2.List(t, e2.A, "/tenants?includeInactive=true"); names(rows) != "Away Gone,Bakari Omar,Kamau Ann,Kamau Zed" || total != "4" {
			t.Errorf("list with inactive = %s (total %s)", names(rows), total)
		}
		if rows, _ := e2.List(t, e2.A, "/tenants?status=inactive"); names(rows) != "Kamau Ann" {
			t.Errorf("status filter = %s", names(rows))
		}
		for q, want := range map[string]string{"kamau": "Kamau Ann,Kamau Zed", "0700333": "Bakari Omar", "omar_": "Bakari Omar", "m_r": "", "gone": ""} {
			if rows, _ := e2.List(t, e2.A, "/tenants/search?q="+q); names(rows) != want {
				t.Errorf("search %q = %q, want %q", q, names(rows), want)
			}
		}
		if got := e2.Must(t, http.StatusOK, e2.A, http.MethodGet, "/tenants/count", nil); got["count"] != 3.0 {
			t.Errorf("count = %v", got)
		}
		if got := e2.Must(t, http.StatusOK, e2.A, http.MethodGet, "/tenants/count?status=active", nil); got["count"] != 2.0 {
			t.Errorf("count of active = %v", got)
		}
		if st := e2.Call(t, e2.A, http.MethodGet, "/tenants/stats", nil); string(st.Body) != `{"total":3,"active":2,"inactive":1,"blacklisted":0}` {
			t.Errorf("stats = %s", st.Body)
		}
		if got := e2.Must(t, http.StatusCreated, e2.A, http.MethodPost, "/tenants/"+gone+"/activate", nil); got["isActive"] != true {
			t.Errorf("activate = %v", got)
		}
	})

	t.Run("blacklist, documents, references", func(t *testing.T) {
		id := propertytest.ID(t, e.Tenant(t, e.A, "Mwangi"))
		e.Must(t, http.StatusOK, e.A, http.MethodPatch, "/tenants/"+id, map[string]any{"notes": "Pays late"})
		got := e.Must(t, http.StatusCreated, e.A, http.MethodPost, "/tenants/"+id+"/blacklist", map[string]any{"reason": "Damage"})
		pat := regexp.MustCompile(`^Pays late\n\[BLACKLISTED \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\]: Damage$`)
		if got["status"] != "blacklisted" || !pat.MatchString(got["notes"].(string)) {
			t.Errorf("blacklisted = %v", got)
		}
		got = e.Must(t, http.StatusCreated, e.A, http.MethodPost, "/tenants/"+id+"/documents", map[string]any{"type": "Lease", "fileName": "l.pdf", "fileUrl": "/l.pdf"})
		docs, _ := got["documents"].([]any)
		if len(docs) != 1 || docs[0].(map[string]any)["uploadedAt"] == nil {
			t.Errorf("documents = %v", got["documents"])
		}
		propertytest.ExpectError(t, e.Call(t, e.A, http.MethodPost, "/tenants/"+id+"/documents", map[string]any{"type": "Lease"}),
			http.StatusBadRequest, "fileName should not be empty")
		e.Must(t, http.StatusCreated, e.A, http.MethodPost, "/tenants/"+id+"/references", map[string]any{"name": "R1", "phone": "1", "relationship": "boss"})
		got = e.Must(t, http.StatusCreated, e.A, http.MethodPost, "/tenants/"+id+"/references", map[string]any{"name": "R2", "phone": "2", "relationship": "friend", "email": "r2@x.test"})
		if refs, _ := got["references"].([]any); len(refs) != 2 {
			t.Errorf("references = %v", got["references"])
		}
		propertytest.ExpectError(t, e.Call(t, e.A, http.MethodPatch, "/tenants/"+id+"/status", map[string]any{"status": "gone"}),
			http.StatusBadRequest, "status must be one of the following values: active, inactive, blacklisted")
	})

	t.Run("another company's tenant is 404 on every id route", func(t *testing.T) {
		id := propertytest.ID(t, e.Tenant(t, e.A, "Private"))
		want := "Tenant with ID " + id + " not found"
		for _, rq := range []struct {
			method, path string
			body         any
		}{
			{http.MethodGet, "/tenants/" + id, nil},
			{http.MethodGet, "/tenants/" + id + "/history", nil},
			{http.MethodPatch, "/tenants/" + id, map[string]any{"notes": "x"}},
			{http.MethodPatch, "/tenants/" + id + "/status", map[string]any{"status": "inactive"}},
			{http.MethodPost, "/tenants/" + id + "/blacklist", map[string]any{}},
			{http.MethodPost, "/tenants/" + id + "/documents", map[string]any{"type": "a", "fileName": "b", "fileUrl": "c"}},
			{http.MethodPost, "/tenants/" + id + "/references", map[string]any{"name": "a", "phone": "b", "relationship": "c"}},
			{http.MethodDelete, "/tenants/" + id, nil},
			{http.MethodPost, "/tenants/" + id + "/activate", nil},
		} {
			propertytest.ExpectError(t, e.Call(t, e.B, rq.method, rq.path, rq.body), http.StatusNotFound, want)
		}
		if got := e.Must(t, http.StatusOK, e.A, http.MethodGet, "/tenants/"+id, nil); got["status"] != "active" || got["isActive"] != true {
			t.Errorf("company B changed A's tenant: %v", got)
		}
	})

	t.Run("a super admin has no company: sees nothing, creates nothing", func(t *testing.T) {
		sa := e.SuperAdminToken(t)
		id := propertytest.ID(t, e.Tenant(t, e.A, "Scoped"))
		if rows, total := e.List(t, sa, "/tenants"); len(rows) != 0 || total != "0" {
			t.Errorf("super admin lists %d tenants", len(rows))
		}
		propertytest.ExpectError(t, e.Call(t, sa, http.MethodGet, "/tenants/"+id, nil), http.StatusNotFound, "Tenant with ID "+id+" not found")
		propertytest.ExpectError(t, e.Call(t, sa, http.MethodPost, "/tenants", map[string]any{"firstName": "S", "lastName": "A", "email": "sa@x.test"}),
			http.StatusForbidden, "Insufficient permissions")
		if r := e.Call(t, sa, http.MethodGet, "/compounds", nil); r.Status != http.StatusForbidden {
			t.Errorf("super admin on compounds (R4) = %d, want 403", r.Status)
		}
	})
}
