package tenants_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/ternant/ternant/internal/propertytest"
	"github.com/ternant/ternant/server/tenants"
)

// TestTenantBounds: documents, references, notes and addresses are bounded in count and size, so
// one tenant row (and every answer that carries it) stays small; a write past a bound is 400 and
// changes nothing.
func TestTenantBounds(t *testing.T) {
	e := propertytest.Start(t)
	id := propertytest.ID(t, e.Tenant(t, e.A, "Bounded"))

	doc := map[string]any{"type": "ID", "fileName": "id.pdf", "fileUrl": "/docs/id.pdf"}
	for range tenants.MaxDocuments {
		e.Must(t, http.StatusCreated, e.A, http.MethodPost, "/tenants/"+id+"/documents", doc)
	}
	propertytest.ExpectError(t, e.Call(t, e.A, http.MethodPost, "/tenants/"+id+"/documents", doc),
		http.StatusBadRequest, "documents must contain no more than "+strconv.Itoa(tenants.MaxDocuments)+" elements")
	ref := map[string]any{"name": "R", "phone": "1", "relationship": "boss"}
	for range tenants.MaxReferences {
		e.Must(t, http.StatusCreated, e.A, http.MethodPost, "/tenants/"+id+"/references", ref)
	}
	propertytest.ExpectError(t, e.Call(t, e.A, http.MethodPost, "/tenants/"+id+"/references", ref),
		http.StatusBadRequest, "references must contain no more than "+strconv.Itoa(tenants.MaxReferences)+" elements")
	got := e.Must(t, http.StatusOK, e.A, http.MethodGet, "/tenants/"+id, nil)
	if d, r := got["documents"].([]any), got["references"].([]any); len(d) != tenants.MaxDocuments || len(r) != tenants.MaxReferences {
		t.Errorf("stored %d documents and %d references", len(d), len(r))
	}

	many := func(n int, v any) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = v
		}
		return out
	}
	stamped := map[string]any{"type": "ID", "fileName": "id.pdf", "fileUrl": "/id.pdf", "uploadedAt": "2026-01-02T03:04:05Z"}
	for _, tc := range []struct {
		name string
		body map[string]any
		msg  string
	}{
		{"too many documents", map[string]any{"documents": many(tenants.MaxDocuments+1, stamped)}, "documents must contain no more than 50 elements"},
		{"too many references", map[string]any{"references": many(tenants.MaxReferences+1, ref)}, "references must contain no more than 20 elements"},
		{"notes over TEXT", map[string]any{"notes": strings.Repeat("é", tenants.NotesBytes/2+1)}, "notes must be shorter than or equal to 65535 bytes"},
		{"address over TEXT", map[string]any{"currentAddress": strings.Repeat("a", tenants.NotesBytes+1)}, "currentAddress must be shorter than or equal to 65535 bytes"},
		{"long file URL", map[string]any{"documents": []any{map[string]any{"type": "ID", "fileName": "a", "fileUrl": strings.Repeat("u", 2049), "uploadedAt": "2026-01-02T03:04:05Z"}}}, "documents.0.fileUrl must be shorter than or equal to 2048 characters"},
		{"long reference name", map[string]any{"references": []any{map[string]any{"name": strings.Repeat("n", 101), "phone": "1", "relationship": "x"}}}, "references.0.name must be shorter than or equal to 100 characters"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			propertytest.ExpectError(t, e.Call(t, e.A, http.MethodPatch, "/tenants/"+id, tc.body), http.StatusBadRequest, tc.msg)
		})
	}
	propertytest.ExpectError(t, e.Call(t, e.A, http.MethodPost, "/tenants/"+id+"/documents",
		map[string]any{"type": "ID", "fileName": "a", "fileUrl": strings.Repeat("u", 2049)}),
		http.StatusBadRequest, "fileUrl must be shorter than or equal to 2048 characters")

	// Notes at the column's capacity are kept; a blacklist reason that would overflow them is 400
	// and leaves the tenant as it was.
	full := strings.Repeat("n", tenants.NotesBytes)
	e.Must(t, http.StatusOK, e.A, http.MethodPatch, "/tenants/"+id, map[string]any{"notes": full})
	propertytest.ExpectError(t, e.Call(t, e.A, http.MethodPost, "/tenants/"+id+"/blacklist", map[string]any{"reason": "Damage"}),
		http.StatusBadRequest, "notes must be shorter than or equal to 65535 bytes")
	if got := e.Must(t, http.StatusOK, e.A, http.MethodGet, "/tenants/"+id, nil); got["status"] != "active" || got["notes"] != full {
		t.Errorf("a refused blacklist changed the tenant: status %v, %d bytes of notes", got["status"], len(got["notes"].(string)))
	}
}

// TestListsCarryNoHeavyColumns: lists, searches and other entities' includes carry a tenant
// without its references and documents (null); GET /tenants/:id carries them.
func TestListsCarryNoHeavyColumns(t *testing.T) {
	e := propertytest.Start(t)
	tn := e.Must(t, http.StatusCreated, e.A, http.MethodPost, "/tenants", map[string]any{
		"firstName": "Heavy", "lastName": "Papers", "email": "heavy@x.test",
		"references": []map[string]any{{"name": "Jane", "phone": "+254722", "relationship": "Former landlord"}},
		"documents":  []map[string]any{{"type": "ID", "fileName": "id.pdf", "fileUrl": "/docs/id.pdf", "uploadedAt": "2026-01-02T03:04:05Z"}},
	})
	id := propertytest.ID(t, tn)
	_, apt := e.Property(t, e.A)
	e.Lease(t, e.A, id, apt, propertytest.Day(-10), propertytest.Day(300), "active")

	detail := e.Must(t, http.StatusOK, e.A, http.MethodGet, "/tenants/"+id, nil)
	if d, _ := detail["documents"].([]any); len(d) != 1 {
		t.Fatalf("GET /tenants/:id documents = %v", detail["documents"])
	}
	if r, _ := detail["references"].([]any); len(r) != 1 {
		t.Fatalf("GET /tenants/:id references = %v", detail["references"])
	}
	check := func(where string, row map[string]any) {
		t.Helper()
		for _, k := range []string{"documents", "references"} {
			v, ok := row[k]
			if !ok || v != nil {
				t.Errorf("%s: %s = %v (present %v), want null", where, k, v, ok)
			}
		}
		if row["email"] != "heavy@x.test" {
			t.Errorf("%s: not the tenant: %v", where, row)
		}
	}
	rows, _ := e.List(t, e.A, "/tenants")
	check("GET /tenants", rows[0])
	rows, _ = e.List(t, e.A, "/tenants/search?q=heavy")
	check("GET /tenants/search", rows[0])
	rows, _ = e.List(t, e.A, "/occupancies/tenant/"+id)
	if len(rows) != 1 {
		t.Fatalf("leases of the tenant = %d", len(rows))
	}
	if inc, ok := rows[0]["tenant"].(map[string]any); ok {
		check("GET /occupancies/tenant/:id include", inc)
	} else {
		t.Errorf("lease has no tenant include: %v", rows[0])
	}
}
