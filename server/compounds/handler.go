package compounds

import (
	"net/http"

	"github.com/go-chi/chi/v5"

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
		{Method: http.MethodPost, Pattern: "/compounds", Access: identity.OA, Handler: httpx.Endpoint(created, h.create)},
		{Method: http.MethodGet, Pattern: "/compounds", Access: identity.R4, Handler: httpx.Endpoint(ok, h.list)},
		{Method: http.MethodGet, Pattern: "/compounds/search", Access: identity.R4, Handler: httpx.Endpoint(ok, h.search)},
		{Method: http.MethodGet, Pattern: "/compounds/count", Access: identity.R4, Handler: httpx.Endpoint(ok, h.count)},
		{Method: http.MethodGet, Pattern: "/compounds/{id}", Access: identity.R4, Handler: httpx.Endpoint(ok, h.get)},
		{Method: http.MethodPatch, Pattern: "/compounds/{id}", Access: identity.OA, Handler: httpx.Endpoint(ok, h.update)},
		{Method: http.MethodDelete, Pattern: "/compounds/{id}", Access: identity.OA, Handler: httpx.Endpoint(http.StatusNoContent, h.delete)},
		{Method: http.MethodPost, Pattern: "/compounds/{id}/activate", Access: identity.OA, Handler: httpx.Endpoint(created, h.activate)},
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
	inactive, err := httpx.QueryBool(r, "includeInactive", false)
	if err != nil {
		return nil, err
	}
	rows, total, err := h.Service.List(r.Context(), company(r), ListFilter{IncludeInactive: inactive, Limit: page.Limit, Offset: page.Offset})
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
	n, err := h.Service.Count(r.Context(), company(r))
	if err != nil {
		return nil, err
	}
	return map[string]int{"count": n}, nil
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

func (h *Handler) delete(_ http.ResponseWriter, r *http.Request) (any, error) {
	return nil, h.Service.Delete(r.Context(), company(r), chi.URLParam(r, "id"))
}

func (h *Handler) activate(_ http.ResponseWriter, r *http.Request) (any, error) {
	return h.Service.Activate(r.Context(), company(r), chi.URLParam(r, "id"))
}
