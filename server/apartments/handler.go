package apartments

import (
	"net/http"

	"github.com/go-chi/chi/v5"

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
		{Method: http.MethodPost, Pattern: "/apartments", Access: anyUser, Handler: httpx.Endpoint(created, h.create)},
		{Method: http.MethodGet, Pattern: "/apartments", Access: anyUser, Handler: httpx.Endpoint(ok, h.list)},
		{Method: http.MethodGet, Pattern: "/apartments/search", Access: anyUser, Handler: httpx.Endpoint(ok, h.search)},
		{Method: http.MethodGet, Pattern: "/apartments/count", Access: anyUser, Handler: httpx.Endpoint(ok, h.count)},
		{Method: http.MethodGet, Pattern: "/apartments/stats", Access: anyUser, Handler: httpx.Endpoint(ok, h.stats)},
		{Method: http.MethodGet, Pattern: "/apartments/{id}", Access: anyUser, Handler: httpx.Endpoint(ok, h.get)},
		{Method: http.MethodPatch, Pattern: "/apartments/{id}", Access: anyUser, Handler: httpx.Endpoint(ok, h.update)},
		{Method: http.MethodPatch, Pattern: "/apartments/{id}/status", Access: anyUser, Handler: httpx.Endpoint(ok, h.setStatus)},
		{Method: http.MethodDelete, Pattern: "/apartments/{id}", Access: anyUser, Handler: httpx.Endpoint(http.StatusNoContent, h.delete)},
		{Method: http.MethodPost, Pattern: "/apartments/{id}/activate", Access: anyUser, Handler: httpx.Endpoint(created, h.activate)},
		{Method: http.MethodGet, Pattern: "/compounds/{id}/stats", Access: identity.R4, Handler: httpx.Endpoint(ok, h.compoundStats)},
	}
}

func company(r *http.Request) string { return identity.From(r.Context()).Company() }

func (h *Handler) create(_ http.ResponseWriter, r *http.Request) (any, error) {
	var in CreateInput
	if err := httpx.Decode(r, &in); err != nil {
		return nil, err
	}
	return h.Service.Create(r.Context(), company(r), in)
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
	rows, total, err := h.Service.List(r.Context(), company(r), f)
	if err != nil {
		return nil, err
	}
	httpx.SetTotal(w, total)
	return rows, nil
}

func (h *Handler) search(_ http.ResponseWriter, r *http.Request) (any, error) {
	return h.Service.Search(r.Context(), company(r), r.URL.Query().Get("q"))
}

func (h *Handler) count(_ http.ResponseWriter, r *http.Request) (any, error) {
	st, err := h.Service.Stats(r.Context(), company(r))
	if err != nil {
		return nil, err
	}
	return map[string]int{"count": st.Total}, nil
}

func (h *Handler) stats(_ http.ResponseWriter, r *http.Request) (any, error) {
	return h.Service.Stats(r.Context(), company(r))
}

func (h *Handler) get(_ http.ResponseWriter, r *http.Request) (any, error) {
	return h.Service.Get(r.Context(), company(r), chi.URLParam(r, "id"))
}

func (h *Handler) update(_ http.ResponseWriter, r *http.Request) (any, error) {
	var in UpdateInput
	if err := httpx.Decode(r, &in); err != nil {
		return nil, err
	}
	return h.Service.Update(r.Context(), company(r), chi.URLParam(r, "id"), in)
}

func (h *Handler) setStatus(_ http.ResponseWriter, r *http.Request) (any, error) {
	var in StatusInput
	if err := httpx.Decode(r, &in); err != nil {
		return nil, err
	}
	return h.Service.SetStatus(r.Context(), company(r), chi.URLParam(r, "id"), in.Status)
}

func (h *Handler) delete(_ http.ResponseWriter, r *http.Request) (any, error) {
	return nil, h.Service.Delete(r.Context(), company(r), chi.URLParam(r, "id"))
}

func (h *Handler) activate(_ http.ResponseWriter, r *http.Request) (any, error) {
	return h.Service.Activate(r.Context(), company(r), chi.URLParam(r, "id"))
}

func (h *Handler) compoundStats(_ http.ResponseWriter, r *http.Request) (any, error) {
	return h.Service.CompoundStats(r.Context(), company(r), chi.URLParam(r, "id"))
}
