package tenants

import (
	"net/http"

	"github.com/go-chi/chi/v5"

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
		{Method: http.MethodPost, Pattern: "/tenants", Access: anyUser, Handler: httpx.Endpoint(created, h.create)},
		{Method: http.MethodGet, Pattern: "/tenants", Access: anyUser, Handler: httpx.Endpoint(ok, h.list)},
		{Method: http.MethodGet, Pattern: "/tenants/search", Access: anyUser, Handler: httpx.Endpoint(ok, h.search)},
		{Method: http.MethodGet, Pattern: "/tenants/count", Access: anyUser, Handler: httpx.Endpoint(ok, h.count)},
		{Method: http.MethodGet, Pattern: "/tenants/stats", Access: anyUser, Handler: httpx.Endpoint(ok, h.stats)},
		{Method: http.MethodGet, Pattern: "/tenants/{id}", Access: anyUser, Handler: httpx.Endpoint(ok, h.get)},
		{Method: http.MethodPatch, Pattern: "/tenants/{id}", Access: anyUser, Handler: httpx.Endpoint(ok, h.update)},
		{Method: http.MethodPatch, Pattern: "/tenants/{id}/status", Access: anyUser, Handler: httpx.Endpoint(ok, h.setStatus)},
		{Method: http.MethodPost, Pattern: "/tenants/{id}/blacklist", Access: anyUser, Handler: httpx.Endpoint(created, h.blacklist)},
		{Method: http.MethodPost, Pattern: "/tenants/{id}/documents", Access: anyUser, Handler: httpx.Endpoint(created, h.addDocument)},
		{Method: http.MethodPost, Pattern: "/tenants/{id}/references", Access: anyUser, Handler: httpx.Endpoint(created, h.addReference)},
		{Method: http.MethodDelete, Pattern: "/tenants/{id}", Access: anyUser, Handler: httpx.Endpoint(http.StatusNoContent, h.delete)},
		{Method: http.MethodPost, Pattern: "/tenants/{id}/activate", Access: anyUser, Handler: httpx.Endpoint(created, h.activate)},
	}
}

func company(r *http.Request) string { return identity.From(r.Context()).Company() }

func (h *Handler) create(_ http.ResponseWriter, r *http.Request) (any, error) {
	var in Input
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
	status, err := httpx.QueryEnum(r, "status", Statuses...)
	if err != nil {
		return nil, err
	}
	rows, total, err := h.Service.List(r.Context(), company(r), ListFilter{
		Status: status, IncludeInactive: inactive, Limit: page.Limit, Offset: page.Offset,
	})
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
	status, err := httpx.QueryEnum(r, "status", Statuses...)
	if err != nil {
		return nil, err
	}
	n, err := h.Service.Count(r.Context(), company(r), status)
	if err != nil {
		return nil, err
	}
	return map[string]int{"count": n}, nil
}

func (h *Handler) stats(_ http.ResponseWriter, r *http.Request) (any, error) {
	return h.Service.Stats(r.Context(), company(r))
}

func (h *Handler) get(_ http.ResponseWriter, r *http.Request) (any, error) {
	return h.Service.Get(r.Context(), company(r), chi.URLParam(r, "id"))
}

func (h *Handler) update(_ http.ResponseWriter, r *http.Request) (any, error) {
	var in Input
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

func (h *Handler) blacklist(_ http.ResponseWriter, r *http.Request) (any, error) {
	var in BlacklistInput
	if err := httpx.Decode(r, &in); err != nil {
		return nil, err
	}
	return h.Service.Blacklist(r.Context(), company(r), chi.URLParam(r, "id"), in.Reason)
}

func (h *Handler) addDocument(_ http.ResponseWriter, r *http.Request) (any, error) {
	var in DocumentInput
	if err := httpx.Decode(r, &in); err != nil {
		return nil, err
	}
	return h.Service.AddDocument(r.Context(), company(r), chi.URLParam(r, "id"), in)
}

func (h *Handler) addReference(_ http.ResponseWriter, r *http.Request) (any, error) {
	var in Reference
	if err := httpx.Decode(r, &in); err != nil {
		return nil, err
	}
	return h.Service.AddReference(r.Context(), company(r), chi.URLParam(r, "id"), in)
}

func (h *Handler) delete(_ http.ResponseWriter, r *http.Request) (any, error) {
	return nil, h.Service.Delete(r.Context(), company(r), chi.URLParam(r, "id"))
}

func (h *Handler) activate(_ http.ResponseWriter, r *http.Request) (any, error) {
	return h.Service.Activate(r.Context(), company(r), chi.URLParam(r, "id"))
}
