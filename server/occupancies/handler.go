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

// Routes lists the lease routes (any authenticated user, DOMAIN.md §5).
func (h *Handler) Routes() []httpx.Route {
	ok, created := http.StatusOK, http.StatusCreated
	anyUser := identity.AnyUser
	return []httpx.Route{
		{Method: http.MethodPost, Pattern: "/occupancies", Access: anyUser, Handler: httpx.Endpoint(created, h.create)},
		{Method: http.MethodGet, Pattern: "/occupancies", Access: anyUser, Handler: httpx.Endpoint(ok, h.list)},
		{Method: http.MethodGet, Pattern: "/occupancies/active", Access: anyUser, Handler: httpx.Endpoint(ok, h.active)},
		{Method: http.MethodGet, Pattern: "/occupancies/expiring", Access: anyUser, Handler: httpx.Endpoint(ok, h.expiring)},
		{Method: http.MethodGet, Pattern: "/occupancies/stats", Access: anyUser, Handler: httpx.Endpoint(ok, h.stats)},
		{Method: http.MethodGet, Pattern: "/occupancies/tenant/{tenantId}", Access: anyUser, Handler: httpx.Endpoint(ok, h.byTenant)},
		{Method: http.MethodGet, Pattern: "/occupancies/apartment/{apartmentId}", Access: anyUser, Handler: httpx.Endpoint(ok, h.byApartment)},
		{Method: http.MethodGet, Pattern: "/occupancies/{id}", Access: anyUser, Handler: httpx.Endpoint(ok, h.get)},
		{Method: http.MethodPatch, Pattern: "/occupancies/{id}", Access: anyUser, Handler: httpx.Endpoint(ok, h.update)},
		{Method: http.MethodPatch, Pattern: "/occupancies/{id}/status", Access: anyUser, Handler: httpx.Endpoint(ok, h.setStatus)},
		{Method: http.MethodPost, Pattern: "/occupancies/{id}/end", Access: anyUser, Handler: httpx.Endpoint(created, h.end)},
		{Method: http.MethodPost, Pattern: "/occupancies/{id}/deposit-payment", Access: anyUser, Handler: httpx.Endpoint(created, h.payDeposit)},
		{Method: http.MethodDelete, Pattern: "/occupancies/{id}", Access: anyUser, Handler: httpx.Endpoint(ok, h.delete)},
		{Method: http.MethodPost, Pattern: "/occupancies/{id}/activate", Access: anyUser, Handler: httpx.Endpoint(created, h.activate)},
		{Method: http.MethodGet, Pattern: "/tenants/{id}/history", Access: anyUser, Handler: httpx.Endpoint(ok, h.history)},
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

// page reads limit and offset into a filter.
func page(r *http.Request) (ListFilter, error) {
	p, err := httpx.PageFrom(r)
	return ListFilter{Limit: p.Limit, Offset: p.Offset}, err
}

// respond runs a list and sets X-Total-Count.
func (h *Handler) respond(w http.ResponseWriter, r *http.Request, f ListFilter) (any, error) {
	rows, total, err := h.Service.List(r.Context(), company(r), f)
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

func (h *Handler) stats(_ http.ResponseWriter, r *http.Request) (any, error) {
	return h.Service.Stats(r.Context(), company(r))
}

func (h *Handler) byTenant(w http.ResponseWriter, r *http.Request) (any, error) {
	f, err := page(r)
	if err != nil {
		return nil, err
	}
	f.TenantID = chi.URLParam(r, "tenantId")
	return h.respond(w, r, f)
}

func (h *Handler) byApartment(w http.ResponseWriter, r *http.Request) (any, error) {
	f, err := page(r)
	if err != nil {
		return nil, err
	}
	f.ApartmentID = chi.URLParam(r, "apartmentId")
	return h.respond(w, r, f)
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

func (h *Handler) end(_ http.ResponseWriter, r *http.Request) (any, error) {
	var in EndInput
	if err := httpx.Decode(r, &in); err != nil {
		return nil, err
	}
	return h.Service.End(r.Context(), company(r), chi.URLParam(r, "id"), in)
}

func (h *Handler) payDeposit(_ http.ResponseWriter, r *http.Request) (any, error) {
	var in DepositInput
	if err := httpx.Decode(r, &in); err != nil {
		return nil, err
	}
	return h.Service.PayDeposit(r.Context(), company(r), chi.URLParam(r, "id"), *in.Amount)
}

func (h *Handler) delete(_ http.ResponseWriter, r *http.Request) (any, error) {
	return nil, h.Service.Delete(r.Context(), company(r), chi.URLParam(r, "id"))
}

func (h *Handler) activate(_ http.ResponseWriter, r *http.Request) (any, error) {
	return h.Service.Activate(r.Context(), company(r), chi.URLParam(r, "id"))
}

func (h *Handler) history(_ http.ResponseWriter, r *http.Request) (any, error) {
	return h.Service.History(r.Context(), company(r), chi.URLParam(r, "id"))
}
