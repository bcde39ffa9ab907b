package payments

import (
	"context"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/identity"
	"github.com/ternant/ternant/server/platform/db"
)

// Handler serves /payments.
type Handler struct {
	Service *Service
	// Once runs POST /payments at most once per Idempotency-Key.
	Once httpx.Once
}

// Routes lists the payment endpoints: any user of a company (TernantApp: any user).
func (h *Handler) Routes() []httpx.Route {
	a := identity.CompanyUser
	ok, created := http.StatusOK, http.StatusCreated
	one, list := Payment{}, []Payment{}
	dates := []httpx.Param{{Name: "startDate", Type: "string", Format: "date"}, {Name: "endDate", Type: "string", Format: "date",
		Description: "a date-only endDate covers that whole day"}}
	return []httpx.Route{
		{Method: http.MethodPost, Pattern: "/payments", Access: a, Handler: httpx.Idempotent(h.Once, "payments.create", created, h.create, h.Service.Committed),
			Doc: httpx.Doc{Summary: "Record a payment; the invoice's amountPaid, status and paidDate follow (optional Idempotency-Key header)",
				Request: CreateRequest{}, Response: one, Errors: []int{http.StatusUnprocessableEntity}}},
		{Method: http.MethodGet, Pattern: "/payments", Access: a, Handler: httpx.Endpoint(ok, h.list),
			Doc: httpx.Doc{Summary: "List payments with invoice.tenant, latest first", Response: list, List: true,
				Query: []httpx.Param{{Name: "invoiceId", Type: "string"}, {Name: "includeInactive", Type: "boolean"}}}},
		{Method: http.MethodGet, Pattern: "/payments/stats", Access: a, Handler: httpx.Endpoint(ok, h.stats),
			Doc: httpx.Doc{Summary: "Payment count and total, by method", Response: Stats{}, Query: dates}},
		{Method: http.MethodGet, Pattern: "/payments/date-range", Access: a, Handler: httpx.Endpoint(ok, h.dateRange),
			Doc: httpx.Doc{Summary: "Payments made within a date range", Response: list, List: true, Query: dates}},
		{Method: http.MethodGet, Pattern: "/payments/invoice/{invoiceId}", Access: a, Handler: httpx.Endpoint(ok, h.byInvoice),
			Doc: httpx.Doc{Summary: "An invoice's payments", Response: list, List: true}},
		{Method: http.MethodGet, Pattern: "/payments/{id}", Access: a, Handler: httpx.Endpoint(ok, httpx.ByID(h.Service.Get)),
			Doc: httpx.Doc{Summary: "A payment with invoice.tenant and invoice.occupancy", Response: one}},
		{Method: http.MethodPatch, Pattern: "/payments/{id}", Access: a, Handler: httpx.Endpoint(ok, httpx.ByIDWithBody(h.Service.Update)),
			Doc: httpx.Doc{Summary: "Update a payment; a new amount moves the invoice's balance", Request: UpdateRequest{}, Response: one}},
		{Method: http.MethodDelete, Pattern: "/payments/{id}", Access: a, Handler: httpx.Endpoint(ok, httpx.ByIDNoResult(h.Service.Remove)),
			Doc: httpx.Doc{Summary: "Deactivate a payment and take its amount off the invoice", Status: http.StatusOK}},
		{Method: http.MethodPost, Pattern: "/payments/{id}/activate", Access: a, Handler: httpx.Endpoint(created, httpx.ByID(h.Service.Activate)),
			Doc: httpx.Doc{Summary: "Reactivate a payment if it still fits the invoice total", Response: one}},
	}
}

// create records a payment inside the idempotency transaction (the route has no {id}).
func (h *Handler) create(ctx context.Context, tx *db.Tx, companyID, _ string, req CreateRequest) (*Payment, error) {
	return h.Service.Create(ctx, tx, companyID, req)
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

func (h *Handler) list(w http.ResponseWriter, r *http.Request) (any, error) {
	inactive, err := httpx.QueryBool(r, "includeInactive", false)
	if err != nil {
		return nil, err
	}
	page, err := httpx.PageFrom(r)
	if err != nil {
		return nil, err
	}
	f := Filter{InvoiceID: r.URL.Query().Get("invoiceId"), IncludeInactive: inactive}
	return httpx.Total(w)(h.Service.List(r.Context(), httpx.CallerCompany(r), f, true, page))
}

func (h *Handler) dateRange(w http.ResponseWriter, r *http.Request) (any, error) {
	var f Filter
	var err error
	if f.From, f.To, err = dates(r); err != nil {
		return nil, err
	}
	if f.From.IsZero() || f.To.IsZero() {
		return nil, httpx.Invalid("startDate and endDate are required")
	}
	page, err := httpx.PageFrom(r)
	if err != nil {
		return nil, err
	}
	return httpx.Total(w)(h.Service.List(r.Context(), httpx.CallerCompany(r), f, true, page))
}

func (h *Handler) byInvoice(w http.ResponseWriter, r *http.Request) (any, error) {
	page, err := httpx.PageFrom(r)
	if err != nil {
		return nil, err
	}
	return httpx.Total(w)(h.Service.ByInvoice(r.Context(), httpx.CallerCompany(r), chi.URLParam(r, "invoiceId"), page))
}

func (h *Handler) stats(_ http.ResponseWriter, r *http.Request) (any, error) {
	var f Filter
	var err error
	if f.From, f.To, err = dates(r); err != nil {
		return nil, err
	}
	return h.Service.Stats(r.Context(), httpx.CallerCompany(r), f)
}
