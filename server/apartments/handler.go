package apartments

import (
	"context"

	"net/http"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/identity"
)

// Handler serves /apartments, and GET /compounds/:id/stats (a compound with its apartments).
type Handler struct {
	Service *Service
	// Pages, when set, serves list pages from the cache (the service's ListCache).
	Pages httpx.PageCache
}

// Routes lists the apartment routes (any authenticated user, DOMAIN.md §5) and the compound stats
// route (R4, like every compound read).
func (h *Handler) Routes() []httpx.Route {
	ok, created := http.StatusOK, http.StatusCreated
	anyUser := identity.AnyUser
	return []httpx.Route{
		{Method: http.MethodPost, Pattern: "/apartments", Access: anyUser, Handler: httpx.Endpoint(created, httpx.WithBody(h.Service.Create)),
			Doc: httpx.Doc{Summary: "Create an apartment in one of the company's active compounds", Request: CreateInput{}, Response: Apartment{}}},
		{Method: http.MethodGet, Pattern: "/apartments", Access: anyUser, Handler: httpx.Endpoint(ok, h.list), Prefetch: h.prefetch(),
			Doc: httpx.Doc{Summary: "List active apartments by unit number, with their compound", Response: []Apartment{}, List: true, Query: []httpx.Param{{Name: "compoundId", Format: "uuid"}, {Name: "status", Enum: Statuses}}}},
		{Method: http.MethodGet, Pattern: "/apartments/search", Access: anyUser, Handler: httpx.Endpoint(ok, h.search),
			Doc: httpx.Doc{Summary: "Search active apartments by unit number or notes (50 at most)", Response: []Apartment{}, Query: []httpx.Param{{Name: "q", Description: "text the unit number or notes contain"}}}},
		{Method: http.MethodGet, Pattern: "/apartments/count", Access: anyUser, Handler: httpx.Endpoint(ok, h.count),
			Doc: httpx.Doc{Summary: "Count active apartments", Response: httpx.CountBody{}}},
		{Method: http.MethodGet, Pattern: "/apartments/stats", Access: anyUser, Handler: httpx.Endpoint(ok, httpx.Scoped(h.Service.Stats)),
			Doc: httpx.Doc{Summary: "Count active apartments per status", Response: Stats{}}},
		{Method: http.MethodGet, Pattern: "/apartments/{id}", Access: anyUser, Handler: httpx.Endpoint(ok, httpx.ByID(h.Service.Get)),
			Doc: httpx.Doc{Summary: "Get an apartment with its compound", Response: Apartment{}}},
		{Method: http.MethodPatch, Pattern: "/apartments/{id}", Access: anyUser, Handler: httpx.Endpoint(ok, httpx.ByIDWithBody(h.Service.Update)),
			Doc: httpx.Doc{Summary: "Update an apartment", Request: UpdateInput{}, Response: Apartment{}}},
		{Method: http.MethodPatch, Pattern: "/apartments/{id}/status", Access: anyUser, Handler: httpx.Endpoint(ok, httpx.ByIDWithBody(h.Service.SetStatus)),
			Doc: httpx.Doc{Summary: "Change an apartment's status", Request: StatusInput{}, Response: Apartment{}}},
		{Method: http.MethodDelete, Pattern: "/apartments/{id}", Access: anyUser, Handler: httpx.Endpoint(http.StatusNoContent, httpx.ByIDNoResult(h.Service.Delete)),
			Doc: httpx.Doc{Summary: "Deactivate an apartment that is not occupied", Status: http.StatusNoContent}},
		{Method: http.MethodPost, Pattern: "/apartments/{id}/activate", Access: anyUser, Handler: httpx.Endpoint(created, httpx.ByID(h.Service.Activate)),
			Doc: httpx.Doc{Summary: "Reactivate an apartment", Response: Apartment{}}},
		{Method: http.MethodGet, Pattern: "/compounds/{id}/stats", Access: identity.R4, Handler: httpx.Endpoint(ok, httpx.ByID(h.Service.CompoundStats)),
			Doc: httpx.Doc{Summary: "A compound with its active apartments", Response: CompoundStats{}}},
	}
}

// listArgs reads a list request's filter and paging.
func listArgs(r *http.Request) (ListFilter, httpx.Page, error) {
	page, err := httpx.PageFrom(r)
	if err != nil {
		return ListFilter{}, page, err
	}
	status, err := httpx.QueryEnum(r, "status", Statuses...)
	if err != nil {
		return ListFilter{}, page, err
	}
	return ListFilter{CompoundID: r.URL.Query().Get("compoundId"), Status: status, Limit: page.Limit, Offset: page.Offset}, page, nil
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
	st, err := h.Service.Stats(r.Context(), httpx.CallerCompany(r))
	if err != nil {
		return nil, err
	}
	return httpx.CountBody{Count: st.Total}, nil
}
