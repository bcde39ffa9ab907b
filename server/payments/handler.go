package payments

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/identity"
	"github.com/ternant/ternant/server/invoices"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/idempotency"
)

// Handler serves /payments.
type Handler struct{ Svc *Service }

// Routes lists the payment endpoints: any user of a company (TernantApp: any user).
func (h *Handler) Routes() []httpx.Route {
	a := identity.CompanyUser
	one, list := Payment{}, []Payment{}
	dates := []httpx.Param{{Name: "startDate", Type: "string", Format: "date"}, {Name: "endDate", Type: "string", Format: "date",
		Description: "a date-only endDate covers that whole day"}}
	return []httpx.Route{
		{Method: http.MethodPost, Pattern: "/payments", Access: a, Handler: h.create,
			Doc: httpx.Doc{Summary: "Record a payment; the invoice's amountPaid, status and paidDate follow (optional Idempotency-Key header)",
				Request: CreateRequest{}, Response: one, Errors: []int{http.StatusUnprocessableEntity}}},
		{Method: http.MethodGet, Pattern: "/payments", Access: a, Handler: h.list,
			Doc: httpx.Doc{Summary: "List payments with invoice.tenant, latest first", Response: list, List: true,
				Query: []httpx.Param{{Name: "invoiceId", Type: "string"}, {Name: "includeInactive", Type: "boolean"}}}},
		{Method: http.MethodGet, Pattern: "/payments/stats", Access: a, Handler: invoices.CallNoBody(http.StatusOK, h.stats),
			Doc: httpx.Doc{Summary: "Payment count and total, by method", Response: Stats{}, Query: dates}},
		{Method: http.MethodGet, Pattern: "/payments/date-range", Access: a, Handler: h.dateRange,
			Doc: httpx.Doc{Summary: "Payments made within a date range", Response: list, List: true, Query: dates}},
		{Method: http.MethodGet, Pattern: "/payments/invoice/{invoiceId}", Access: a, Handler: h.byInvoice,
			Doc: httpx.Doc{Summary: "An invoice's payments", Response: list, List: true}},
		{Method: http.MethodGet, Pattern: "/payments/{id}", Access: a, Handler: invoices.CallNoBody(http.StatusOK, h.get),
			Doc: httpx.Doc{Summary: "A payment with invoice.tenant and invoice.occupancy", Response: one}},
		{Method: http.MethodPatch, Pattern: "/payments/{id}", Access: a, Handler: invoices.Call(http.StatusOK, h.update),
			Doc: httpx.Doc{Summary: "Update a payment; a new amount moves the invoice's balance", Request: UpdateRequest{}, Response: one}},
		{Method: http.MethodDelete, Pattern: "/payments/{id}", Access: a, Handler: h.remove,
			Doc: httpx.Doc{Summary: "Deactivate a payment and take its amount off the invoice", Status: http.StatusOK}},
		{Method: http.MethodPost, Pattern: "/payments/{id}/activate", Access: a, Handler: invoices.CallNoBody(http.StatusCreated, h.activate),
			Doc: httpx.Doc{Summary: "Reactivate a payment if it still fits the invoice total", Response: one}},
	}
}

func (h *Handler) create(w http.ResponseWriter, r *http.Request) {
	var req CreateRequest
	c := invoices.Company(r)
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
	res, err := idempotency.Run(r.Context(), h.Svc.DB, c, "payments.create", key, req, http.StatusCreated,
		func(tx *db.Tx) (any, error) { return h.Svc.Create(r.Context(), tx, c, req) })
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	// A replay invalidates too: the first request may not have got that far yet (or its process
	// died after the commit), and dropping a cache entry twice is harmless.
	h.Svc.Committed(r.Context(), c)
	res.Write(w)
}

// dates reads startDate/endDate. A date-only endDate covers that whole day.
func dates(r *http.Request) (from, to time.Time, err error) {
	if from, err = httpx.QueryDate(r, "startDate"); err != nil {
		return
	}
	if to, err = httpx.QueryDate(r, "endDate"); err != nil {
		return
	}
	if len(r.URL.Query().Get("endDate")) == len("2006-01-02") {
		to = to.AddDate(0, 0, 1)
	} else if !to.IsZero() {
		to = to.Add(time.Millisecond)
	}
	return
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request) {
	c := invoices.Company(r)
	var err error
	f := Filter{InvoiceID: r.URL.Query().Get("invoiceId")}
	var page httpx.Page
	f.IncludeInactive, err = httpx.QueryBool(r, "includeInactive", false)
	if err == nil {
		page, err = httpx.PageFrom(r)
	}
	h.answerList(w, r, c, f, true, page, err)
}

func (h *Handler) answerList(w http.ResponseWriter, r *http.Request, c string, f Filter, withInvoice bool, page httpx.Page, err error) {
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	list, total, err := h.Svc.List(r.Context(), c, f, withInvoice, page)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.SetTotal(w, total)
	httpx.OK(w, list)
}

func (h *Handler) dateRange(w http.ResponseWriter, r *http.Request) {
	c := invoices.Company(r)
	var err error
	var f Filter
	var page httpx.Page
	f.From, f.To, err = dates(r)
	if err == nil && (f.From.IsZero() || f.To.IsZero()) {
		err = httpx.Invalid("startDate and endDate are required")
	}
	if err == nil {
		page, err = httpx.PageFrom(r)
	}
	h.answerList(w, r, c, f, true, page, err)
}

func (h *Handler) byInvoice(w http.ResponseWriter, r *http.Request) {
	page, err := httpx.PageFrom(r)
	var list []*Payment
	var total int
	if err == nil {
		list, total, err = h.Svc.ByInvoice(r.Context(), invoices.Company(r), chi.URLParam(r, "invoiceId"), page)
	}
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.SetTotal(w, total)
	httpx.OK(w, list)
}

func (h *Handler) remove(w http.ResponseWriter, r *http.Request) {
	if err := h.Svc.Remove(r.Context(), invoices.Company(r), chi.URLParam(r, "id")); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.EmptyOK(w)
}

func (h *Handler) stats(r *http.Request, c string) (any, error) {
	var f Filter
	var err error
	if f.From, f.To, err = dates(r); err != nil {
		return nil, err
	}
	return h.Svc.Stats(r.Context(), c, f)
}

func (h *Handler) get(r *http.Request, c string) (any, error) {
	return h.Svc.Get(r.Context(), c, chi.URLParam(r, "id"))
}

func (h *Handler) update(r *http.Request, c string, req UpdateRequest) (any, error) {
	return h.Svc.Update(r.Context(), c, chi.URLParam(r, "id"), req)
}

func (h *Handler) activate(r *http.Request, c string) (any, error) {
	return h.Svc.Activate(r.Context(), c, chi.URLParam(r, "id"))
}
