package tenants

import (
	"net/http"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/identity"
)

// Handler serves /tenants. GET /tenants/:id/history joins leases and is served by the occupancies
// module.
type Handler struct {
	Service *Service
}

// Routes lists the tenant routes (any authenticated user, DOMAIN.md §5).
func (h *Handler) Routes() []httpx.Route {
	ok, created := http.StatusOK, http.StatusCreated
	anyUser := identity.AnyUser
	return []httpx.Route{
		{Method: http.MethodPost, Pattern: "/tenants", Access: anyUser, Handler: httpx.Endpoint(created, httpx.WithBody(h.Service.Create))},
		{Method: http.MethodGet, Pattern: "/tenants", Access: anyUser, Handler: httpx.Endpoint(ok, h.list)},
		{Method: http.MethodGet, Pattern: "/tenants/search", Access: anyUser, Handler: httpx.Endpoint(ok, h.search)},
		{Method: http.MethodGet, Pattern: "/tenants/count", Access: anyUser, Handler: httpx.Endpoint(ok, h.count)},
		{Method: http.MethodGet, Pattern: "/tenants/stats", Access: anyUser, Handler: httpx.Endpoint(ok, httpx.Scoped(h.Service.Stats))},
		{Method: http.MethodGet, Pattern: "/tenants/{id}", Access: anyUser, Handler: httpx.Endpoint(ok, httpx.ByID(h.Service.Get))},
		{Method: http.MethodPatch, Pattern: "/tenants/{id}", Access: anyUser, Handler: httpx.Endpoint(ok, httpx.ByIDWithBody(h.Service.Update))},
		{Method: http.MethodPatch, Pattern: "/tenants/{id}/status", Access: anyUser, Handler: httpx.Endpoint(ok, httpx.ByIDWithBody(h.Service.SetStatus))},
		{Method: http.MethodPost, Pattern: "/tenants/{id}/blacklist", Access: anyUser, Handler: httpx.Endpoint(created, httpx.ByIDWithBody(h.Service.Blacklist))},
		{Method: http.MethodPost, Pattern: "/tenants/{id}/documents", Access: anyUser, Handler: httpx.Endpoint(created, httpx.ByIDWithBody(h.Service.AddDocument))},
		{Method: http.MethodPost, Pattern: "/tenants/{id}/references", Access: anyUser, Handler: httpx.Endpoint(created, httpx.ByIDWithBody(h.Service.AddReference))},
		{Method: http.MethodDelete, Pattern: "/tenants/{id}", Access: anyUser, Handler: httpx.Endpoint(http.StatusNoContent, httpx.ByIDNoResult(h.Service.Delete))},
		{Method: http.MethodPost, Pattern: "/tenants/{id}/activate", Access: anyUser, Handler: httpx.Endpoint(created, httpx.ByID(h.Service.Activate))},
	}
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request) (any, error) {
	page, err := httpx.PageFrom(r)
	if err != nil {
		return nil, err
	}
	inactive, err := httpx.QueryBool(r, "includeInactive", false)
	if err != nil {
		return nil, err
	}
	status, err := httpx.QueryEnum(r, "status", Statuses...)
	if err != nil {
		return nil, err
	}
	rows, total, err := h.Service.List(r.Context(), httpx.CallerCompany(r), ListFilter{
		Status: status, IncludeInactive: inactive, Limit: page.Limit, Offset: page.Offset,
	})
	if err != nil {
		return nil, err
	}
	httpx.SetTotal(w, total)
	return rows, nil
}

func (h *Handler) search(_ http.ResponseWriter, r *http.Request) (any, error) {
	return h.Service.Search(r.Context(), httpx.CallerCompany(r), r.URL.Query().Get("q"))
}

func (h *Handler) count(_ http.ResponseWriter, r *http.Request) (any, error) {
	status, err := httpx.QueryEnum(r, "status", Statuses...)
	if err != nil {
		return nil, err
	}
	n, err := h.Service.Count(r.Context(), httpx.CallerCompany(r), status)
	if err != nil {
		return nil, err
	}
	return map[string]int{"count": n}, nil
}
