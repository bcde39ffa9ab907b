package apartments

import (
	"net/http"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/identity"
)

// Handler serves /apartments, and GET /compounds/:id/stats (a compound with its apartments).
type Handler struct {
	Service *Service
}

// Routes lists the apartment routes (any authenticated user, DOMAIN.md §5) and the compound stats
// route (R4, like every compound read).
func (h *Handler) Routes() []httpx.Route {
	ok, created := http.StatusOK, http.StatusCreated
	anyUser := identity.AnyUser
	return []httpx.Route{
		{Method: http.MethodPost, Pattern: "/apartments", Access: anyUser, Handler: httpx.Endpoint(created, httpx.WithBody(h.Service.Create))},
		{Method: http.MethodGet, Pattern: "/apartments", Access: anyUser, Handler: httpx.Endpoint(ok, h.list)},
		{Method: http.MethodGet, Pattern: "/apartments/search", Access: anyUser, Handler: httpx.Endpoint(ok, h.search)},
		{Method: http.MethodGet, Pattern: "/apartments/count", Access: anyUser, Handler: httpx.Endpoint(ok, h.count)},
		{Method: http.MethodGet, Pattern: "/apartments/stats", Access: anyUser, Handler: httpx.Endpoint(ok, httpx.Scoped(h.Service.Stats))},
		{Method: http.MethodGet, Pattern: "/apartments/{id}", Access: anyUser, Handler: httpx.Endpoint(ok, httpx.ByID(h.Service.Get))},
		{Method: http.MethodPatch, Pattern: "/apartments/{id}", Access: anyUser, Handler: httpx.Endpoint(ok, httpx.ByIDWithBody(h.Service.Update))},
		{Method: http.MethodPatch, Pattern: "/apartments/{id}/status", Access: anyUser, Handler: httpx.Endpoint(ok, httpx.ByIDWithBody(h.Service.SetStatus))},
		{Method: http.MethodDelete, Pattern: "/apartments/{id}", Access: anyUser, Handler: httpx.Endpoint(http.StatusNoContent, httpx.ByIDNoResult(h.Service.Delete))},
		{Method: http.MethodPost, Pattern: "/apartments/{id}/activate", Access: anyUser, Handler: httpx.Endpoint(created, httpx.ByID(h.Service.Activate))},
		{Method: http.MethodGet, Pattern: "/compounds/{id}/stats", Access: identity.R4, Handler: httpx.Endpoint(ok, httpx.ByID(h.Service.CompoundStats))},
	}
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request) (any, error) {
	page, err := httpx.PageFrom(r)
	if err != nil {
		return nil, err
	}
	status, err := httpx.QueryEnum(r, "status", Statuses...)
	if err != nil {
		return nil, err
	}
	f := ListFilter{CompoundID: r.URL.Query().Get("compoundId"), Status: status, Limit: page.Limit, Offset: page.Offset}
	rows, total, err := h.Service.List(r.Context(), httpx.CallerCompany(r), f)
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
	st, err := h.Service.Stats(r.Context(), httpx.CallerCompany(r))
	if err != nil {
		return nil, err
	}
	return map[string]int{"count": st.Total}, nil
}
