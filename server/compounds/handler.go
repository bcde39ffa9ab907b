package compounds

import (
	"context"

	"net/http"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/identity"
)

// Handler serves /compounds. GET /compounds/:id/stats joins apartments and is served by the
// apartments module.
type Handler struct {
	Service *Service
	// Pages, when set, serves list pages from the cache (the service's ListCache).
	Pages httpx.PageCache
}

// Routes lists the compound routes: reads for R4, writes for OWNER/ADMIN (DOMAIN.md §5).
func (h *Handler) Routes() []httpx.Route {
	ok, created := http.StatusOK, http.StatusCreated
	return []httpx.Route{
		{Method: http.MethodPost, Pattern: "/compounds", Access: identity.OA, Handler: httpx.Endpoint(created, httpx.WithBody(h.Service.Create)),
			Doc: httpx.Doc{Summary: "Create a compound", Request: CreateInput{}, Response: Compound{}}},
		{Method: http.MethodGet, Pattern: "/compounds", Access: identity.R4, Handler: httpx.Endpoint(ok, h.list), Prefetch: h.prefetch(),
			Doc: httpx.Doc{Summary: "List compounds by name", Response: []Compound{}, List: true, Query: []httpx.Param{inactiveParam}}},
		{Method: http.MethodGet, Pattern: "/compounds/search", Access: identity.R4, Handler: httpx.Endpoint(ok, h.search),
			Doc: httpx.Doc{Summary: "Search active compounds by name, city or address (50 at most)", Response: []Compound{}, Query: []httpx.Param{searchParam}}},
		{Method: http.MethodGet, Pattern: "/compounds/count", Access: identity.R4, Handler: httpx.Endpoint(ok, h.count),
			Doc: httpx.Doc{Summary: "Count active compounds", Response: httpx.CountBody{}}},
		{Method: http.MethodGet, Pattern: "/compounds/{id}", Access: identity.R4, Handler: httpx.Endpoint(ok, httpx.ByID(h.Service.Get)),
			Doc: httpx.Doc{Summary: "Get a compound (cached)", Response: Compound{}}},
		{Method: http.MethodPatch, Pattern: "/compounds/{id}", Access: identity.OA, Handler: httpx.Endpoint(ok, httpx.ByIDWithBody(h.Service.Update)),
			Doc: httpx.Doc{Summary: "Update a compound", Request: UpdateInput{}, Response: Compound{}}},
		{Method: http.MethodDelete, Pattern: "/compounds/{id}", Access: identity.OA, Handler: httpx.Endpoint(http.StatusNoContent, httpx.ByIDNoResult(h.Service.Delete)),
			Doc: httpx.Doc{Summary: "Deactivate a compound", Status: http.StatusNoContent}},
		{Method: http.MethodPost, Pattern: "/compounds/{id}/activate", Access: identity.OA, Handler: httpx.Endpoint(created, httpx.ByID(h.Service.Activate)),
			Doc: httpx.Doc{Summary: "Reactivate a compound", Response: Compound{}}},
	}
}

// listArgs reads a list request's filter and paging.
func listArgs(r *http.Request) (ListFilter, httpx.Page, error) {
	page, err := httpx.PageFrom(r)
	if err != nil {
		return ListFilter{}, page, err
	}
	inactive, err := httpx.QueryBool(r, "includeInactive", false)
	if err != nil {
		return ListFilter{}, page, err
	}
	return ListFilter{IncludeInactive: inactive, Limit: page.Limit, Offset: page.Offset}, page, nil
}

// prefetch names the cached page a list request reads (see httpx.Prefetch).
func (h *Handler) prefetch() httpx.Prefetch {
	return httpx.PrefetchPage(h.Pages, func(r *http.Request) (string, httpx.Page, error) {
		f, page, err := listArgs(r)
		return f.Key(), page, err
	})
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request) (any, error) {
	f, page, err := listArgs(r)
	if err != nil {
		return nil, err
	}
	return httpx.ListPage(w, r, h.Pages, f.Key(), page, func(ctx context.Context) (any, int, error) {
		return h.Service.List(ctx, httpx.CallerCompany(r), f)
	})
}

func (h *Handler) search(_ http.ResponseWriter, r *http.Request) (any, error) {
	return h.Service.Search(r.Context(), httpx.CallerCompany(r), r.URL.Query().Get("q"))
}

func (h *Handler) count(_ http.ResponseWriter, r *http.Request) (any, error) {
	n, err := h.Service.Count(r.Context(), httpx.CallerCompany(r))
	if err != nil {
		return nil, err
	}
	return httpx.CountBody{Count: n}, nil
}

var (
	inactiveParam = httpx.Param{Name: "includeInactive", Type: "boolean", Description: "include deactivated compounds"}
	searchParam   = httpx.Param{Name: "q", Description: "text the name, city or address contains"}
)
