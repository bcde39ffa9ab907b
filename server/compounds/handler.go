package compounds

import (
	"net/http"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/identity"
)

// Handler serves /compounds. GET /compounds/:id/stats joins apartments and is served by the
// apartments module.
type Handler struct {
	Service *Service
}

// Routes lists the compound routes: reads for R4, writes for OWNER/ADMIN (DOMAIN.md §5).
func (h *Handler) Routes() []httpx.Route {
	ok, created := http.StatusOK, http.StatusCreated
	return []httpx.Route{
		{Method: http.MethodPost, Pattern: "/compounds", Access: identity.OA, Handler: httpx.Endpoint(created, httpx.WithBody(h.Service.Create))},
		{Method: http.MethodGet, Pattern: "/compounds", Access: identity.R4, Handler: httpx.Endpoint(ok, h.list)},
		{Method: http.MethodGet, Pattern: "/compounds/search", Access: identity.R4, Handler: httpx.Endpoint(ok, h.search)},
		{Method: http.MethodGet, Pattern: "/compounds/count", Access: identity.R4, Handler: httpx.Endpoint(ok, h.count)},
		{Method: http.MethodGet, Pattern: "/compounds/{id}", Access: identity.R4, Handler: httpx.Endpoint(ok, httpx.ByID(h.Service.Get))},
		{Method: http.MethodPatch, Pattern: "/compounds/{id}", Access: identity.OA, Handler: httpx.Endpoint(ok, httpx.ByIDWithBody(h.Service.Update))},
		{Method: http.MethodDelete, Pattern: "/compounds/{id}", Access: identity.OA, Handler: httpx.Endpoint(http.StatusNoContent, httpx.ByIDNoResult(h.Service.Delete))},
		{Method: http.MethodPost, Pattern: "/compounds/{id}/activate", Access: identity.OA, Handler: httpx.Endpoint(created, httpx.ByID(h.Service.Activate))},
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
	rows, total, err := h.Service.List(r.Context(), httpx.CallerCompany(r), ListFilter{IncludeInactive: inactive, Limit: page.Limit, Offset: page.Offset})
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
	n, err := h.Service.Count(r.Context(), httpx.CallerCompany(r))
	if err != nil {
		return nil, err
	}
	return map[string]int{"count": n}, nil
}
