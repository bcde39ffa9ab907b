package tenants

import (
	"context"

	"net/http"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/identity"
)

// Handler serves /tenants. GET /tenants/:id/history joins leases and is served by the occupancies
// module.
type Handler struct {
	Service *Service
	// Pages, when set, serves list pages from the cache (the service's ListCache).
	Pages httpx.PageCache
}

// Routes lists the tenant routes (any authenticated user, DOMAIN.md §5).
func (h *Handler) Routes() []httpx.Route {
	ok, created := http.StatusOK, http.StatusCreated
	anyUser := identity.AnyUser
	return []httpx.Route{
		{Method: http.MethodPost, Pattern: "/tenants", Access: anyUser, Handler: httpx.Endpoint(created, httpx.WithBody(h.Service.Create)),
			Doc: httpx.Doc{Summary: "Create a tenant (email unique in the company)", Request: CreateInput{}, Response: Tenant{}}},
		{Method: http.MethodGet, Pattern: "/tenants", Access: anyUser, Handler: httpx.Endpoint(ok, h.list),
			Doc: httpx.Doc{Summary: "List tenants by last and first name", Response: []Tenant{}, List: true, Query: []httpx.Param{statusParam, {Name: "includeInactive", Type: "boolean"}}}},
		{Method: http.MethodGet, Pattern: "/tenants/search", Access: anyUser, Handler: httpx.Endpoint(ok, h.search),
			Doc: httpx.Doc{Summary: "Search active tenants by name, email or phone (50 at most)", Response: []Tenant{}, Query: []httpx.Param{{Name: "q", Description: "text the name, email or phone contains"}}}},
		{Method: http.MethodGet, Pattern: "/tenants/count", Access: anyUser, Handler: httpx.Endpoint(ok, h.count),
			Doc: httpx.Doc{Summary: "Count active tenants", Response: httpx.CountBody{}, Query: []httpx.Param{statusParam}}},
		{Method: http.MethodGet, Pattern: "/tenants/stats", Access: anyUser, Handler: httpx.Endpoint(ok, httpx.Scoped(h.Service.Stats)),
			Doc: httpx.Doc{Summary: "Count active tenants per status", Response: Stats{}}},
		{Method: http.MethodGet, Pattern: "/tenants/{id}", Access: anyUser, Handler: httpx.Endpoint(ok, httpx.ByID(h.Service.Get)),
			Doc: httpx.Doc{Summary: "Get a tenant", Response: Tenant{}}},
		{Method: http.MethodPatch, Pattern: "/tenants/{id}", Access: anyUser, Handler: httpx.Endpoint(ok, httpx.ByIDWithBody(h.Service.Update)),
			Doc: httpx.Doc{Summary: "Update a tenant", Request: Input{}, Response: Tenant{}}},
		{Method: http.MethodPatch, Pattern: "/tenants/{id}/status", Access: anyUser, Handler: httpx.Endpoint(ok, httpx.ByIDWithBody(h.Service.SetStatus)),
			Doc: httpx.Doc{Summary: "Change a tenant's status", Request: StatusInput{}, Response: Tenant{}}},
		{Method: http.MethodPost, Pattern: "/tenants/{id}/blacklist", Access: anyUser, Handler: httpx.Endpoint(created, httpx.ByIDWithBody(h.Service.Blacklist)),
			Doc: httpx.Doc{Summary: "Blacklist a tenant; optional body {reason}, appended to the notes", Response: Tenant{}}},
		{Method: http.MethodPost, Pattern: "/tenants/{id}/documents", Access: anyUser, Handler: httpx.Endpoint(created, httpx.ByIDWithBody(h.Service.AddDocument)),
			Doc: httpx.Doc{Summary: "Attach a document (stamped uploadedAt)", Request: DocumentInput{}, Response: Tenant{}}},
		{Method: http.MethodPost, Pattern: "/tenants/{id}/references", Access: anyUser, Handler: httpx.Endpoint(created, httpx.ByIDWithBody(h.Service.AddReference)),
			Doc: httpx.Doc{Summary: "Add a reference", Request: Reference{}, Response: Tenant{}}},
		{Method: http.MethodDelete, Pattern: "/tenants/{id}", Access: anyUser, Handler: httpx.Endpoint(http.StatusNoContent, httpx.ByIDNoResult(h.Service.Delete)),
			Doc: httpx.Doc{Summary: "Deactivate a tenant", Status: http.StatusNoContent}},
		{Method: http.MethodPost, Pattern: "/tenants/{id}/activate", Access: anyUser, Handler: httpx.Endpoint(created, httpx.ByID(h.Service.Activate)),
			Doc: httpx.Doc{Summary: "Reactivate a tenant", Response: Tenant{}}},
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
	f := ListFilter{Status: status, IncludeInactive: inactive, Limit: page.Limit, Offset: page.Offset}
	return httpx.ListPage(w, r, h.Pages, f.Key(), page, func(ctx context.Context) (any, int, error) {
		return h.Service.List(ctx, httpx.CallerCompany(r), f)
	})
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
	return httpx.CountBody{Count: n}, nil
}

var statusParam = httpx.Param{Name: "status", Enum: Statuses}
