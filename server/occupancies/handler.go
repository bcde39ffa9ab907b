package occupancies

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/identity"
)

// maxExpiringDays bounds GET /occupancies/expiring?days= (ten years).
const maxExpiringDays = 3650

// Handler serves /occupancies and GET /tenants/:id/history (a tenant with their leases).
type Handler struct {
	Service *Service
}

// Routes lists the lease routes (any authenticated user).
func (h *Handler) Routes() []httpx.Route {
	ok, created := http.StatusOK, http.StatusCreated
	anyUser := identity.AnyUser
	return []httpx.Route{
		{Method: http.MethodPost, Pattern: "/occupancies", Access: anyUser, Handler: httpx.Endpoint(created, httpx.WithBody(h.Service.Create)),
			Doc: httpx.Doc{Summary: "Create a lease (one pending or active lease per apartment and period)", Request: CreateInput{}, Response: Occupancy{}}},
		{Method: http.MethodGet, Pattern: "/occupancies", Access: anyUser, Handler: httpx.Endpoint(ok, h.list),
			Doc: httpx.Doc{Summary: "List leases, newest start first, with tenant and apartment", Response: []Occupancy{}, List: true, Query: []httpx.Param{{Name: "status", Enum: Statuses}, {Name: "includeInactive", Type: "boolean"}}}},
		{Method: http.MethodGet, Pattern: "/occupancies/active", Access: anyUser, Handler: httpx.Endpoint(ok, h.active),
			Doc: httpx.Doc{Summary: "Active leases running today, soonest end first", Response: []Occupancy{}, List: true}},
		{Method: http.MethodGet, Pattern: "/occupancies/expiring", Access: anyUser, Handler: httpx.Endpoint(ok, h.expiring),
			Doc: httpx.Doc{Summary: "Active leases ending within days (default 30)", Response: []Occupancy{}, List: true, Query: []httpx.Param{{Name: "days", Type: "integer"}}}},
		{Method: http.MethodGet, Pattern: "/occupancies/stats", Access: anyUser, Handler: httpx.Endpoint(ok, httpx.Scoped(h.Service.Stats)),
			Doc: httpx.Doc{Summary: "Count leases per status and those ending this month", Response: Stats{}}},
		{Method: http.MethodGet, Pattern: "/occupancies/tenant/{tenantId}", Access: identity.OwnTenant, Handler: httpx.Endpoint(ok, h.byTenant),
			Doc: httpx.Doc{Summary: "A tenant's active leases", Response: []Occupancy{}, List: true}},
		{Method: http.MethodGet, Pattern: "/occupancies/apartment/{apartmentId}", Access: anyUser, Handler: httpx.Endpoint(ok, h.byApartment),
			Doc: httpx.Doc{Summary: "An apartment's active leases", Response: []Occupancy{}, List: true}},
		{Method: http.MethodGet, Pattern: "/occupancies/{id}", Access: anyUser, Handler: httpx.Endpoint(ok, httpx.ByID(h.Service.Get)),
			Doc: httpx.Doc{Summary: "Get a lease with its tenant and apartment (and compound)", Response: Occupancy{}}},
		{Method: http.MethodPatch, Pattern: "/occupancies/{id}", Access: anyUser, Handler: httpx.Endpoint(ok, httpx.ByIDWithBody(h.Service.Update)),
			Doc: httpx.Doc{Summary: "Update a lease (dates and apartment re-checked)", Request: UpdateInput{}, Response: Occupancy{}}},
		{Method: http.MethodPatch, Pattern: "/occupancies/{id}/status", Access: anyUser, Handler: httpx.Endpoint(ok, httpx.ByIDWithBody(h.Service.SetStatus)),
			Doc: httpx.Doc{Summary: "Change a lease's status (unchecked)", Request: StatusInput{}, Response: Occupancy{}}},
		{Method: http.MethodPost, Pattern: "/occupancies/{id}/end", Access: anyUser, Handler: httpx.Endpoint(created, httpx.ByIDWithBody(h.Service.End)),
			Doc: httpx.Doc{Summary: "End a lease; optional body {moveOutDate} (default today)", Response: Occupancy{}}},
		{Method: http.MethodPost, Pattern: "/occupancies/{id}/deposit-payment", Access: anyUser, Handler: httpx.Endpoint(created, httpx.ByIDWithBody(h.Service.PayDeposit)),
			Doc: httpx.Doc{Summary: "Record a deposit payment (up to the security deposit)", Request: DepositInput{}, Response: Occupancy{}}},
		{Method: http.MethodDelete, Pattern: "/occupancies/{id}", Access: anyUser, Handler: httpx.Endpoint(ok, httpx.ByIDNoResult(h.Service.Delete)),
			Doc: httpx.Doc{Summary: "Deactivate a lease that is not active"}},
		{Method: http.MethodPost, Pattern: "/occupancies/{id}/activate", Access: anyUser, Handler: httpx.Endpoint(created, httpx.ByID(h.Service.Activate)),
			Doc: httpx.Doc{Summary: "Reactivate a lease", Response: Occupancy{}}},
		{Method: http.MethodGet, Pattern: "/tenants/{id}/history", Access: identity.OwnTenant, Handler: httpx.Endpoint(ok, httpx.ByID(h.Service.History)),
			Doc: httpx.Doc{Summary: "A tenant with every lease and its apartment", Response: History{}}},
	}
}

// page reads limit and offset into a filter.
func page(r *http.Request) (ListFilter, error) {
	p, err := httpx.PageFrom(r)
	return ListFilter{Limit: p.Limit, Offset: p.Offset}, err
}

// respond runs a list and sets X-Total-Count.
func (h *Handler) respond(w http.ResponseWriter, r *http.Request, f ListFilter) (any, error) {
	rows, total, err := h.Service.List(r.Context(), httpx.CallerCompany(r), f)
	if err != nil {
		return nil, err
	}
	httpx.SetTotal(w, total)
	return rows, nil
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request) (any, error) {
	f, err := page(r)
	if err != nil {
		return nil, err
	}
	if f.IncludeInactive, err = httpx.QueryBool(r, "includeInactive", false); err != nil {
		return nil, err
	}
	if f.Status, err = httpx.QueryEnum(r, "status", Statuses...); err != nil {
		return nil, err
	}
	return h.respond(w, r, f)
}

func (h *Handler) active(w http.ResponseWriter, r *http.Request) (any, error) {
	f, err := page(r)
	if err != nil {
		return nil, err
	}
	return h.respond(w, r, h.Service.ActiveFilter(f))
}

func (h *Handler) expiring(w http.ResponseWriter, r *http.Request) (any, error) {
	f, err := page(r)
	if err != nil {
		return nil, err
	}
	days, err := httpx.QueryInt(r, "days", 30, 0, maxExpiringDays)
	if err != nil {
		return nil, err
	}
	return h.respond(w, r, h.Service.ExpiringFilter(f, days))
}

func (h *Handler) byTenant(w http.ResponseWriter, r *http.Request) (any, error) {
	f, err := page(r)
	if err != nil {
		return nil, err
	}
	f.TenantID = chi.URLParam(r, "tenantId")
	// Another company's (or an unknown) tenant is 404, as on every other tenant route.
	if _, err := h.Service.Tenants.Get(r.Context(), httpx.CallerCompany(r), f.TenantID); err != nil {
		return nil, err
	}
	return h.respond(w, r, f)
}

func (h *Handler) byApartment(w http.ResponseWriter, r *http.Request) (any, error) {
	f, err := page(r)
	if err != nil {
		return nil, err
	}
	f.ApartmentID = chi.URLParam(r, "apartmentId")
	if _, err := h.Service.Apartments.Get(r.Context(), httpx.CallerCompany(r), f.ApartmentID); err != nil {
		return nil, err
	}
	return h.respond(w, r, f)
}
