package server_test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/ternant/ternant/internal/testenv"
	"github.com/ternant/ternant/server/servertest"
)

// schema is the part of an OpenAPI schema the boundary walk reads.
type schema struct {
	Type       string             `json:"type"`
	Format     string             `json:"format"`
	Enum       []any              `json:"enum"`
	Properties map[string]*schema `json:"properties"`
	MinLength  *int               `json:"minLength"`
	MaxLength  *int               `json:"maxLength"`
	Minimum    *float64           `json:"minimum"`
	Maximum    *float64           `json:"maximum"`
	OneOf      []*schema          `json:"oneOf"`
}

type operation struct {
	RequestBody *struct {
		Content map[string]struct {
			Schema *schema `json:"schema"`
		} `json:"content"`
	} `json:"requestBody"`
}

// boundaryValues are the values sent to one field: each side of every limit the document states,
// and for limits it does not state, the database's (TEXT's 65,535 bytes, INT's 2^31,
// TIMESTAMP's 1970-2038, DATE's years, JSON nesting).
func boundaryValues(s *schema) []any {
	text := func(n int) any {
		if n < 0 {
			return nil
		}
		if s.Format == "email" && n >= 6 {
			return strings.Repeat("a", n-5) + "@x.io"
		}
		return strings.Repeat("a", n)
	}
	var out []any
	switch {
	case s.Format == "uuid" || len(s.Enum) > 0:
		return nil
	case s.Format == "date":
		return []any{"0001-01-01", "0999-12-31", "1000-01-01", "9999-12-31", "2026-02-30"}
	case s.Format == "date-time":
		return []any{"0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "1970-01-01T00:00:01Z", "2038-01-19T03:14:07Z", "2038-01-19T03:14:08Z", "9999-12-31T23:59:59Z"}
	case s.Type == "string":
		if s.MinLength != nil {
			out = append(out, text(*s.MinLength-1), text(*s.MinLength))
		}
		if s.MaxLength != nil {
			out = append(out, text(*s.MaxLength), text(*s.MaxLength+1), strings.Repeat("é", *s.MaxLength+1))
		} else {
			out = append(out, text(65535), text(65536), strings.Repeat("é", 32768))
		}
	case s.Type == "integer" || s.Type == "number":
		if s.Minimum != nil {
			out = append(out, *s.Minimum-1, *s.Minimum)
		}
		if s.Maximum != nil {
			out = append(out, *s.Maximum, *s.Maximum+1)
		}
		out = append(out, math.MaxInt32, float64(math.MaxInt32)+1, math.MaxInt64, -float64(math.MaxInt32)-2, 1e300)
	case len(s.OneOf) > 0: // amounts: a number or a decimal string
		out = append(out, "9999999999999.99", "10000000000000.00", " 1.00", "+1.00", "-0.01", 1e16)
	case s.Type == "" && s.Properties == nil: // free JSON (metadata)
		deep := any(1)
		for range 40 {
			deep = []any{deep}
		}
		out = append(out, deep, map[string]any{"big": strings.Repeat("m", 70000)})
	}
	var kept []any
	for _, v := range out {
		if v != nil {
			kept = append(kept, v)
		}
	}
	return kept
}

// leaves lists the fields of an object schema as paths (nested objects walked, arrays not).
func leaves(s *schema, prefix []string, out map[string]*schema) {
	for name, p := range s.Properties {
		path := append(append([]string{}, prefix...), name)
		if p.Type == "object" && len(p.Properties) > 0 {
			leaves(p, path, out)
			continue
		}
		out[strings.Join(path, ".")] = p
	}
}

// with returns a copy of body with the dotted path set to v.
func with(body map[string]any, path string, v any) map[string]any {
	raw, _ := json.Marshal(body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	if out == nil {
		out = map[string]any{}
	}
	m := out
	parts := strings.Split(path, ".")
	for _, p := range parts[:len(parts)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	m[parts[len(parts)-1]] = v
	return out
}

var pathParam = regexp.MustCompile(`\{([^}]+)\}`)

// TestBoundaryValuesNeverAnswer500 walks the OpenAPI document: every write route with a body gets
// each field's boundary values (below and at the minimum, at and above the maximum, and the
// database's own limits where the document states none), one field at a time on top of a valid
// body. Every answer must be 2xx or 4xx: a value the database would refuse is a 400, never a 500.
func TestBoundaryValuesNeverAnswer500(t *testing.T) {
	inst := servertest.Start(t, nil)
	owner, company := inst.RegisterCompany(t, "edge-co")
	sa := inst.SuperAdminToken(t)
	fixture := func(prefix string) string {
		_, f, ok := servertest.FixtureFor(prefix + "/{id}")
		if !ok {
			t.Fatalf("no fixture for %s", prefix)
		}
		return f(t, inst, company, owner)
	}
	ids := map[string]string{}
	idFor := func(prefix string) string {
		if ids[prefix] == "" {
			ids[prefix] = fixture(prefix)
		}
		return ids[prefix]
	}
	// Valid bodies for the creates, fresh per request (unique emails, slugs, numbers), so each
	// boundary value reaches the database rather than a missing-field 400.
	u := testenv.Unique
	bases := map[string]func() map[string]any{
		"POST /compounds": func() map[string]any {
			return map[string]any{"name": "Edge Court", "addressLine": "1 Edge Road", "city": "Nairobi", "country": "Kenya"}
		},
		"POST /apartments": func() map[string]any {
			return map[string]any{"compoundId": idFor("/compounds"), "unitNumber": "E-" + u()[:8]}
		},
		"POST /tenants": func() map[string]any {
			return map[string]any{"firstName": "Edge", "lastName": "Case", "email": "edge-" + u() + "@x.test"}
		},
		"POST /occupancies": func() map[string]any {
			return map[string]any{"tenantId": fixture("/tenants"), "apartmentId": fixture("/apartments"),
				"leaseStartDate": "2031-01-01", "leaseEndDate": "2031-12-31", "monthlyRent": 1000}
		},
		"POST /payments": func() map[string]any {
			return map[string]any{"invoiceId": fixture("/invoices"), "amount": 1, "paidAt": "2026-01-02T03:04:05Z", "method": "CASH"}
		},
		"POST /reminders": func() map[string]any {
			return map[string]any{"type": "DUE_SOON", "tenantId": idFor("/tenants"), "subject": "S", "message": "M", "scheduledFor": "2026-05-01T00:00:00Z"}
		},
		"POST /users": func() map[string]any {
			return map[string]any{"firstName": "Ed", "lastName": "Ge", "email": "user-" + u() + "@x.test", "password": servertest.Password, "role": "STAFF"}
		},
		"POST /super-admin/users": func() map[string]any {
			return map[string]any{"firstName": "Ed", "lastName": "Ge", "email": "sa-" + u() + "@x.test", "password": servertest.Password, "role": "STAFF", "companyId": company}
		},
		"POST /companies/register": func() map[string]any {
			slug := "edge-" + strings.ToLower(u()[:10])
			return map[string]any{
				"company": map[string]any{"name": "Edge", "slug": slug, "email": "info@x.test", "phone": "1", "currency": "KES", "timezone": "UTC"},
				"owner":   map[string]any{"firstName": "Ed", "lastName": "Ge", "email": slug + "@x.test", "password": servertest.Password, "phone": "1"},
			}
		},
	}

	var doc struct {
		Paths map[string]map[string]operation `json:"paths"`
	}
	if err := json.Unmarshal(inst.APIDocument(), &doc); err != nil {
		t.Fatal(err)
	}
	prefix := "/" + inst.Config.APIPrefix + "/v1"
	paths := make([]string, 0, len(doc.Paths))
	for p := range doc.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	sent, routes := 0, 0
	for _, p := range paths {
		for method, op := range doc.Paths[p] {
			method = strings.ToUpper(method)
			if method == http.MethodGet || method == http.MethodDelete || op.RequestBody == nil {
				continue
			}
			body := op.RequestBody.Content["application/json"].Schema
			if body == nil {
				continue
			}
			pattern := strings.TrimPrefix(p, prefix)
			if pattern == "/auth/login" || pattern == "/auth/refresh" {
				continue // no row is written; a login limit would only slow the walk
			}
			token := owner
			if strings.HasPrefix(pattern, "/super-admin/") {
				token = sa
			}
			fields := map[string]*schema{}
			leaves(body, nil, fields)
			routes++
			t.Run(method+" "+pattern, func(t *testing.T) {
				for name, fs := range fields {
					for _, v := range boundaryValues(fs) {
						path := pathParam.ReplaceAllStringFunc(pattern, func(m string) string {
							switch param := m[1 : len(m)-1]; {
							case param == "slug":
								return "edge-co"
							case param == "id":
								resource, _, _ := strings.Cut(pattern, "/{id}")
								if resource == "/super-admin/companies" {
									return company
								}
								if resource == "/super-admin/users" {
									resource = "/users"
								}
								return fixture(resource)
							default: // tenantId, invoiceId, occupancyId, apartmentId
								return idFor("/" + strings.TrimSuffix(param, "Id") + map[bool]string{true: "", false: "s"}[strings.HasSuffix(param, "y")])
							}
						})
						base := map[string]any{}
						if b, ok := bases[method+" "+pattern]; ok {
							base = b()
						}
						resp := inst.Do(t, servertest.Request{Method: method, Path: prefix + path, Token: token, Body: with(base, name, v)})
						sent++
						if resp.Status >= 500 {
							t.Errorf("%s = %s: %d %s", name, short(v), resp.Status, resp.Body)
						}
					}
				}
			})
		}
	}
	t.Logf("%d requests to %d write routes", sent, routes)
	if routes < 30 {
		t.Errorf("walked %d write routes, expected the whole API", routes)
	}
}

func short(v any) string {
	s := fmt.Sprint(v)
	if len(s) > 60 {
		return fmt.Sprintf("%.40s… (%d bytes)", s, len(s))
	}
	return s
}
