package reminders

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/identity"
	"github.com/ternant/ternant/server/invoices"
	"github.com/ternant/ternant/server/platform/dbtypes"
)

// Handler serves /reminders.
type Handler struct{ Svc *Service }

// Routes lists the reminder endpoints: any user of a company (TernantApp: any user).
func (h *Handler) Routes() []httpx.Route {
	a := identity.CompanyUser
	one := Reminder{}
	return []httpx.Route{
		{Method: http.MethodGet, Pattern: "/reminders", Access: a, Handler: h.list,
			Doc: httpx.Doc{Summary: "List reminders with tenant and invoice, latest schedule first", Response: []Reminder{}, List: true,
				Query: []httpx.Param{{Name: "type", Type: "string", Enum: Types}, {Name: "status", Type: "string", Enum: Statuses},
					{Name: "tenantId", Type: "string"}, {Name: "invoiceId", Type: "string"},
					{Name: "scheduledFrom", Type: "string"}, {Name: "scheduledTo", Type: "string"}}}},
		{Method: http.MethodPost, Pattern: "/reminders", Access: a, Handler: invoices.Call(http.StatusCreated, h.create),
			Doc: httpx.Doc{Summary: "Create a reminder (recipient defaults to the tenant's email); due ones are emailed", Request: CreateRequest{}, Response: one}},
		{Method: http.MethodPost, Pattern: "/reminders/receipt", Access: a, Handler: invoices.Call(http.StatusCreated, h.receipt),
			Doc: httpx.Doc{Summary: "Send a payment receipt", Request: ReceiptRequest{}, Response: one}},
		{Method: http.MethodPost, Pattern: "/reminders/welcome/{tenantId}", Access: a, Handler: invoices.Call(http.StatusCreated, h.welcome),
			Doc: httpx.Doc{Summary: "Send a tenant a welcome message", Request: WelcomeRequest{}, Response: one}},
		{Method: http.MethodGet, Pattern: "/reminders/{id}", Access: a, Handler: invoices.CallNoBody(http.StatusOK, h.get),
			Doc: httpx.Doc{Summary: "A reminder with its tenant and invoice", Response: one}},
		{Method: http.MethodPatch, Pattern: "/reminders/{id}", Access: a, Handler: invoices.Call(http.StatusOK, h.update),
			Doc: httpx.Doc{Summary: "Update a reminder", Request: UpdateRequest{}, Response: one}},
		{Method: http.MethodDelete, Pattern: "/reminders/{id}", Access: a, Handler: h.remove,
			Doc: httpx.Doc{Summary: "Delete a reminder", Status: http.StatusNoContent}},
		{Method: http.MethodPost, Pattern: "/reminders/{id}/mark-sent", Access: a, Handler: invoices.CallNoBody(http.StatusCreated, h.markSent),
			Doc: httpx.Doc{Summary: "Mark a reminder sent", Response: one}},
	}
}

func write(w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, status, v)
}

// queryTime parses an optional ISO 8601 date or date-time parameter.
func queryTime(r *http.Request, name string) (*dbtypes.Time, error) {
	t, err := httpx.QueryDate(r, name)
	if err != nil || t.IsZero() {
		return nil, err
	}
	return &dbtypes.Time{Time: t}, nil
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request) {
	c := invoices.Company(r)
	var err error
	q := r.URL.Query()
	f := Filter{TenantID: q.Get("tenantId"), InvoiceID: q.Get("invoiceId")}
	var page httpx.Page
	f.Type, err = httpx.QueryEnum(r, "type", Types...)
	if err == nil {
		f.Status, err = httpx.QueryEnum(r, "status", Statuses...)
	}
	if err == nil {
		f.ScheduledFrom, err = queryTime(r, "scheduledFrom")
	}
	if err == nil {
		f.ScheduledTo, err = queryTime(r, "scheduledTo")
	}
	if err == nil {
		page, err = httpx.PageFrom(r)
	}
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	list, total, err := h.Svc.List(r.Context(), c, f, page)
	if err == nil {
		httpx.SetTotal(w, total)
	}
	write(w, r, http.StatusOK, list, err)
}

func (h *Handler) remove(w http.ResponseWriter, r *http.Request) {
	if err := h.Svc.Delete(r.Context(), invoices.Company(r), chi.URLParam(r, "id")); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.NoContent(w)
}

func (h *Handler) create(r *http.Request, c string, req CreateRequest) (any, error) {
	return h.Svc.Create(r.Context(), c, req)
}

func (h *Handler) receipt(r *http.Request, c string, req ReceiptRequest) (any, error) {
	return h.Svc.SendReceipt(r.Context(), c, req)
}

func (h *Handler) welcome(r *http.Request, c string, req WelcomeRequest) (any, error) {
	return h.Svc.Welcome(r.Context(), c, chi.URLParam(r, "tenantId"), req.ApartmentCode)
}

func (h *Handler) get(r *http.Request, c string) (any, error) {
	return h.Svc.Get(r.Context(), c, chi.URLParam(r, "id"))
}

func (h *Handler) update(r *http.Request, c string, req UpdateRequest) (any, error) {
	return h.Svc.Update(r.Context(), c, chi.URLParam(r, "id"), req)
}

func (h *Handler) markSent(r *http.Request, c string) (any, error) {
	return h.Svc.MarkSent(r.Context(), c, chi.URLParam(r, "id"))
}
