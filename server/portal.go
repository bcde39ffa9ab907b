package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/identity"
	"github.com/ternant/ternant/server/platform/db"
)

// portal limits a TENANT_PORTAL caller of a Portal route to its own tenant. A TENANT_PORTAL user
// is tied to the tenant of its company whose email equals the user's (compared under the
// columns' collation, as logins are); the tenant id in the path ({id} or {tenantId}) must be that
// tenant's, else the answer is the tenant 404, as for any id the caller cannot see. Other roles,
// and routes that are not Portal routes, pass unchanged.
func (s *Server) portal(a identity.Access) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		if !a.Portal {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p := identity.From(r.Context())
			if p == nil || p.Role != identity.TenantPortal {
				next.ServeHTTP(w, r)
				return
			}
			id := chi.URLParam(r, "id")
			if id == "" {
				id = chi.URLParam(r, "tenantId")
			}
			own, err := portalTenant(r.Context(), s.DB, p)
			switch {
			case err != nil && !errors.Is(err, db.ErrNotFound):
				httpx.WriteError(w, r, err)
			case err != nil || !strings.EqualFold(own, id):
				httpx.WriteError(w, r, httpx.NotFound(fmt.Sprintf("Tenant with ID %s not found", id)))
			default:
				next.ServeHTTP(w, r)
			}
		})
	}
}

// portalTenant is the id of the active tenant a TENANT_PORTAL user stands for.
func portalTenant(ctx context.Context, q db.Queryer, p *identity.Principal) (string, error) {
	const sq = `SELECT id FROM tenants WHERE company_id = ? AND email = ? AND is_active = 1 ORDER BY created_at, id LIMIT 1`
	var id string
	if err := q.Get(ctx, &id, sq, p.Company(), p.Email); err != nil {
		return "", fmt.Errorf("tenant of portal user %s: %w", p.UserID, err)
	}
	return id, nil
}
