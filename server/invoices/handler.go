package invoices

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/identity"
)

// Handler serves /invoices.
type Handler struct {
	Service *Service
	// Once runs POST /invoices/:id/payment at most once per Idempotency-Key.
	Once httpx.Once
}

// Routes lists the invoice endpoints: any user of a company (TernantApp: any user).
func (h *Handler) Routes() []httpx.Route {
	a := identity.CompanyUser
	ok, created := http.StatusOK, http.StatusCreated
	one, list := Invoice{}, []Invoice{}
	inactive := httpx.Param{Name: "includeInactive", Type: "boolean", Description: "include deleted invoices"}
	status := httpx.Param{Name: "status", Type: "string", Enum: Statuses}
	return []httpx.Route{
		{Method: http.MethodPost, Pattern: "/invoices", Access: a, Handler: httpx.Endpoint(created, httpx.WithBody(h.Service.Create)),
			Doc: httpx.Doc{Summary: "Create an invoice (figures checked exactly; 409 on a duplicate number)", Request: CreateRequest{}, Response: one}},
		{Method: http.MethodPost, Pattern: "/invoices/generate-rent", Access: a, Handler: httpx.Endpoint(created, httpx.WithBody(h.Service.GenerateRent)),
			Doc: httpx.Doc{Summary: "Generate a lease's draft rent invoice for a month (409 if it exists)", Request: GenerateRentRequest{}, Response: one}},
		{Method: http.MethodPost, Pattern: "/invoices/generate-rent/bulk", Access: a, Handler: httpx.Endpoint(created, httpx.WithBody(h.Service.GenerateRentBulk)),
			Doc: httpx.Doc{Summary: "Generate the month's rent invoices for every active lease (idempotent per lease and month)", Request: BulkGenerateRequest{}, Response: BulkResult{}}},
		{Method: http.MethodGet, Pattern: "/invoices", Access: a, Handler: httpx.Endpoint(ok, h.list),
			Doc: httpx.Doc{Summary: "List invoices with tenant and occupancy, latest invoice date first", Response: list, List: true, Query: []httpx.Param{status, inactive}}},
		{Method: http.MethodGet, Pattern: "/invoices/stats", Access: a, Handler: httpx.Endpoint(ok, httpx.Scoped(h.Service.Stats)),
			Doc: httpx.Doc{Summary: "Invoice counts by status and the outstanding total of sent invoices", Response: Stats{}}},
		{Method: http.MethodGet, Pattern: "/invoices/overdue", Access: a, Handler: httpx.Endpoint(ok, h.overdue),
			Doc: httpx.Doc{Summary: "Open invoices past due, earliest first", Response: list, List: true}},
		{Method: http.MethodGet, Pattern: "/invoices/due-soon", Access: a, Handler: httpx.Endpoint(ok, h.dueSoon),
			Doc: httpx.Doc{Summary: "Open invoices due within daysAhead days", Response: list, List: true,
				Query: []httpx.Param{{Name: "daysAhead", Type: "integer", Description: "default 7"}}}},
		{Method: http.MethodGet, Pattern: "/invoices/tenant/{tenantId}", Access: a, Handler: httpx.Endpoint(ok, h.byRelation("tenantId", h.Service.ByTenant)),
			Doc: httpx.Doc{Summary: "A tenant's invoices with their occupancy", Response: list, List: true}},
		{Method: http.MethodGet, Pattern: "/invoices/occupancy/{occupancyId}", Access: a, Handler: httpx.Endpoint(ok, h.byRelation("occupancyId", h.Service.ByOccupancy)),
			Doc: httpx.Doc{Summary: "A lease's invoices with their tenant", Response: list, List: true}},
		{Method: http.MethodGet, Pattern: "/invoices/{id}", Access: a, Handler: httpx.Endpoint(ok, httpx.ByID(h.Service.Get)),
			Doc: httpx.Doc{Summary: "An invoice with its tenant and occupancy.apartment", Response: one}},
		{Method: http.MethodPatch, Pattern: "/invoices/{id}", Access: a, Handler: httpx.Endpoint(ok, httpx.ByIDWithBody(h.Service.Update)),
			Doc: httpx.Doc{Summary: "Update a draft, sent or overdue invoice", Request: UpdateRequest{}, Response: one}},
		{Method: http.MethodPatch, Pattern: "/invoices/{id}/status", Access: a, Handler: httpx.Endpoint(ok, httpx.ByIDWithBody(h.Service.ChangeStatus)),
			Doc: httpx.Doc{Summary: "Change status under the state machine (400 Cannot transition from X to Y)", Request: StatusRequest{}, Response: one}},
		{Method: http.MethodPost, Pattern: "/invoices/{id}/payment", Access: a,
			Handler: httpx.Idempotent(h.Once, "invoices.payment", created, h.Service.RecordPayment, h.Service.PaymentCommitted),
			Doc:     httpx.Doc{Summary: "Record an amount paid without a payment row (optional Idempotency-Key header)", Request: PaymentRequest{}, Response: one, Errors: []int{http.StatusUnprocessableEntity}}},
		{Method: http.MethodPost, Pattern: "/invoices/{id}/send", Access: a, Handler: httpx.Endpoint(created, httpx.ByID(h.Service.Send)),
			Doc: httpx.Doc{Summary: "Mark a draft invoice sent", Response: one}},
		{Method: http.MethodPost, Pattern: "/invoices/{id}/cancel", Access: a, Handler: httpx.Endpoint(created, httpx.ByID(h.Service.Cancel)),
			Doc: httpx.Doc{Summary: "Cancel an invoice that is not paid", Response: one}},
		{Method: http.MethodDelete, Pattern: "/invoices/{id}", Access: a, Handler: httpx.Endpoint(ok, httpx.ByIDNoResult(h.Service.Remove)),
			Doc: httpx.Doc{Summary: "Deactivate a draft or cancelled invoice", Status: http.StatusOK}},
		{Method: http.MethodPost, Pattern: "/invoices/{id}/activate", Access: a, Handler: httpx.Endpoint(created, httpx.ByID(h.Service.Activate)),
			Doc: httpx.Doc{Summary: "Reactivate an invoice", Response: one}},
	}
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request) (any, error) {
	status, err := httpx.QueryEnum(r, "status", Statuses...)
	if err != nil {
		return nil, err
	}
	inactive, err := httpx.QueryBool(r, "includeInactive", false)
	if err != nil {
		return nil, err
	}
	page, err := httpx.PageFrom(r)
	if err != nil {
		return nil, err
	}
	f := Filter{Status: status, IncludeInactive: inactive}
	return httpx.Total(w)(h.Service.List(r.Context(), httpx.CallerCompany(r), f, Includes{Tenant: true, Occupancy: true}, page))
}

func (h *Handler) overdue(w http.ResponseWriter, r *http.Request) (any, error) {
	page, err := httpx.PageFrom(r)
	if err != nil {
		return nil, err
	}
	return httpx.Total(w)(h.Service.Overdue(r.Context(), httpx.CallerCompany(r), page))
}

func (h *Handler) dueSoon(w http.ResponseWriter, r *http.Request) (any, error) {
	days, err := httpx.QueryInt(r, "daysAhead", 7, 0, 3660)
	if err != nil {
		return nil, err
	}
	page, err := httpx.PageFrom(r)
	if err != nil {
		return nil, err
	}
	return httpx.Total(w)(h.Service.DueSoon(r.Context(), httpx.CallerCompany(r), days, page))
}

// byRelation lists the invoices of the tenant or lease named by the path parameter.
func (h *Handler) byRelation(param string, list func(ctx context.Context, companyID, id string, page httpx.Page) ([]*Invoice, int, error)) httpx.EndpointFunc {
	return func(w http.ResponseWriter, r *http.Request) (any, error) {
		page, err := httpx.PageFrom(r)
		if err != nil {
			return nil, err
		}
		return httpx.Total(w)(list(r.Context(), httpx.CallerCompany(r), chi.URLParam(r, param), page))
	}
}
