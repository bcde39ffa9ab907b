package invoices

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/identity"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/idempotency"
)

// Handler serves /invoices.
type Handler struct{ Svc *Service }

// Routes lists the invoice endpoints: any user of a company (TernantApp: any user).
func (h *Handler) Routes() []httpx.Route {
	a := identity.CompanyUser
	one, list := Invoice{}, []Invoice{}
	inactive := httpx.Param{Name: "includeInactive", Type: "boolean", Description: "include deleted invoices"}
	status := httpx.Param{Name: "status", Type: "string", Enum: Statuses}
	return []httpx.Route{
		{Method: http.MethodPost, Pattern: "/invoices", Access: a, Handler: Call(http.StatusCreated, h.create),
			Doc: httpx.Doc{Summary: "Create an invoice (figures checked exactly; 409 on a duplicate number)", Request: CreateRequest{}, Response: one}},
		{Method: http.MethodPost, Pattern: "/invoices/generate-rent", Access: a, Handler: Call(http.StatusCreated, h.generateRent),
			Doc: httpx.Doc{Summary: "Generate a lease's draft rent invoice for a month (409 if it exists)", Request: GenerateRentRequest{}, Response: one}},
		{Method: http.MethodPost, Pattern: "/invoices/generate-rent/bulk", Access: a, Handler: Call(http.StatusCreated, h.generateBulk),
			Doc: httpx.Doc{Summary: "Generate the month's rent invoices for every active lease (idempotent per lease and month)", Request: BulkGenerateRequest{}, Response: BulkResult{}}},
		{Method: http.MethodGet, Pattern: "/invoices", Access: a, Handler: h.list,
			Doc: httpx.Doc{Summary: "List invoices with tenant and occupancy, latest invoice date first", Response: list, List: true, Query: []httpx.Param{status, inactive}}},
		{Method: http.MethodGet, Pattern: "/invoices/stats", Access: a, Handler: CallNoBody(http.StatusOK, h.stats),
			Doc: httpx.Doc{Summary: "Invoice counts by status and the outstanding total of sent invoices", Response: Stats{}}},
		{Method: http.MethodGet, Pattern: "/invoices/overdue", Access: a, Handler: h.overdue,
			Doc: httpx.Doc{Summary: "Open invoices past due, earliest first", Response: list, List: true}},
		{Method: http.MethodGet, Pattern: "/invoices/due-soon", Access: a, Handler: h.dueSoon,
			Doc: httpx.Doc{Summary: "Open invoices due within daysAhead days", Response: list, List: true,
				Query: []httpx.Param{{Name: "daysAhead", Type: "integer", Description: "default 7"}}}},
		{Method: http.MethodGet, Pattern: "/invoices/tenant/{tenantId}", Access: a, Handler: h.byTenant,
			Doc: httpx.Doc{Summary: "A tenant's invoices with their occupancy", Response: list, List: true}},
		{Method: http.MethodGet, Pattern: "/invoices/occupancy/{occupancyId}", Access: a, Handler: h.byOccupancy,
			Doc: httpx.Doc{Summary: "A lease's invoices with their tenant", Response: list, List: true}},
		{Method: http.MethodGet, Pattern: "/invoices/{id}", Access: a, Handler: CallNoBody(http.StatusOK, h.get),
			Doc: httpx.Doc{Summary: "An invoice with its tenant and occupancy.apartment", Response: one}},
		{Method: http.MethodPatch, Pattern: "/invoices/{id}", Access: a, Handler: Call(http.StatusOK, h.update),
			Doc: httpx.Doc{Summary: "Update a draft, sent or overdue invoice", Request: UpdateRequest{}, Response: one}},
		{Method: http.MethodPatch, Pattern: "/invoices/{id}/status", Access: a, Handler: Call(http.StatusOK, h.setStatus),
			Doc: httpx.Doc{Summary: "Change status under the state machine (400 Cannot transition from X to Y)", Request: StatusRequest{}, Response: one}},
		{Method: http.MethodPost, Pattern: "/invoices/{id}/payment", Access: a, Handler: h.payment,
			Doc: httpx.Doc{Summary: "Record an amount paid without a payment row (optional Idempotency-Key header)", Request: PaymentRequest{}, Response: one, Errors: []int{http.StatusUnprocessableEntity}}},
		{Method: http.MethodPost, Pattern: "/invoices/{id}/send", Access: a, Handler: CallNoBody(http.StatusCreated, h.send),
			Doc: httpx.Doc{Summary: "Mark a draft invoice sent", Response: one}},
		{Method: http.MethodPost, Pattern: "/invoices/{id}/cancel", Access: a, Handler: CallNoBody(http.StatusCreated, h.cancel),
			Doc: httpx.Doc{Summary: "Cancel an invoice that is not paid", Response: one}},
		{Method: http.MethodDelete, Pattern: "/invoices/{id}", Access: a, Handler: h.remove,
			Doc: httpx.Doc{Summary: "Deactivate a draft or cancelled invoice", Status: http.StatusOK}},
		{Method: http.MethodPost, Pattern: "/invoices/{id}/activate", Access: a, Handler: CallNoBody(http.StatusCreated, h.activate),
			Doc: httpx.Doc{Summary: "Reactivate an invoice", Response: one}},
	}
}

// Company returns the caller's company. The billing routes admit only users of a company
// (identity.CompanyUser), so it is never empty behind the guard.
func Company(r *http.Request) string { return identity.From(r.Context()).Company() }

// answerList writes a page with its X-Total-Count.
func answerList(w http.ResponseWriter, r *http.Request, list []*Invoice, total int, err error) {
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.SetTotal(w, total)
	httpx.OK(w, list)
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request) {
	c := Company(r)
	var err error
	var f Filter
	var page httpx.Page
	f.Status, err = httpx.QueryEnum(r, "status", Statuses...)
	if err == nil {
		f.IncludeInactive, err = httpx.QueryBool(r, "includeInactive", false)
	}
	if err == nil {
		page, err = httpx.PageFrom(r)
	}
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	list, total, err := h.Svc.List(r.Context(), c, f, Includes{Tenant: true, Occupancy: true}, page)
	answerList(w, r, list, total, err)
}

func (h *Handler) overdue(w http.ResponseWriter, r *http.Request) {
	c := Company(r)
	var err error
	var page httpx.Page
	page, err = httpx.PageFrom(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	list, total, err := h.Svc.Overdue(r.Context(), c, page)
	answerList(w, r, list, total, err)
}

func (h *Handler) dueSoon(w http.ResponseWriter, r *http.Request) {
	c := Company(r)
	var err error
	days := 7
	var page httpx.Page
	days, err = httpx.QueryInt(r, "daysAhead", 7, 0, 3660)
	if err == nil {
		page, err = httpx.PageFrom(r)
	}
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	list, total, err := h.Svc.DueSoon(r.Context(), c, days, page)
	answerList(w, r, list, total, err)
}

func (h *Handler) byTenant(w http.ResponseWriter, r *http.Request) {
	h.byRelation(w, r, "tenantId", h.Svc.ByTenant)
}

func (h *Handler) byOccupancy(w http.ResponseWriter, r *http.Request) {
	h.byRelation(w, r, "occupancyId", h.Svc.ByOccupancy)
}

func (h *Handler) byRelation(w http.ResponseWriter, r *http.Request, param string,
	list func(ctx context.Context, companyID, id string, page httpx.Page) ([]*Invoice, int, error)) {
	page, err := httpx.PageFrom(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	invs, total, err := list(r.Context(), Company(r), chi.URLParam(r, param), page)
	answerList(w, r, invs, total, err)
}

func (h *Handler) payment(w http.ResponseWriter, r *http.Request) {
	var req PaymentRequest
	c := Company(r)
	var err error
	key := ""
	key, err = idempotency.Key(r)
	if err == nil {
		err = httpx.Decode(r, &req)
	}
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	id := chi.URLParam(r, "id")
	request := struct {
		ID string `json:"id"`
		PaymentRequest
	}{id, req}
	res, err := idempotency.Run(r.Context(), h.Svc.DB, c, "invoices.payment", key, request, http.StatusCreated,
		func(tx *db.Tx) (any, error) { return h.Svc.RecordPayment(r.Context(), tx, c, id, *req.Amount) })
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	// A replay invalidates too: the first request may not have got that far yet (or its process
	// died after the commit), and dropping a cache entry twice is harmless.
	h.Svc.Committed(r.Context(), c)
	res.Write(w)
}

func (h *Handler) remove(w http.ResponseWriter, r *http.Request) {
	if err := h.Svc.Remove(r.Context(), Company(r), chi.URLParam(r, "id")); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.EmptyOK(w)
}

func (h *Handler) create(r *http.Request, c string, req CreateRequest) (any, error) {
	return h.Svc.Create(r.Context(), c, req)
}

func (h *Handler) generateRent(r *http.Request, c string, req GenerateRentRequest) (any, error) {
	return h.Svc.GenerateRent(r.Context(), c, req)
}

func (h *Handler) generateBulk(r *http.Request, c string, req BulkGenerateRequest) (any, error) {
	return h.Svc.GenerateRentBulk(r.Context(), c, req)
}

func (h *Handler) stats(r *http.Request, c string) (any, error) { return h.Svc.Stats(r.Context(), c) }

func (h *Handler) get(r *http.Request, c string) (any, error) {
	return h.Svc.Get(r.Context(), c, chi.URLParam(r, "id"))
}

func (h *Handler) update(r *http.Request, c string, req UpdateRequest) (any, error) {
	return h.Svc.Update(r.Context(), c, chi.URLParam(r, "id"), req)
}

func (h *Handler) setStatus(r *http.Request, c string, req StatusRequest) (any, error) {
	return h.Svc.SetStatus(r.Context(), c, chi.URLParam(r, "id"), req.Status)
}

func (h *Handler) send(r *http.Request, c string) (any, error) {
	return h.Svc.SetStatus(r.Context(), c, chi.URLParam(r, "id"), Sent)
}

func (h *Handler) cancel(r *http.Request, c string) (any, error) {
	return h.Svc.Cancel(r.Context(), c, chi.URLParam(r, "id"))
}

func (h *Handler) activate(r *http.Request, c string) (any, error) {
	return h.Svc.Activate(r.Context(), c, chi.URLParam(r, "id"))
}
