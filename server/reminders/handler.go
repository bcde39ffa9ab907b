package reminders

import (
	"net/http"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/identity"
	"github.com/ternant/ternant/server/platform/dbtypes"
)

// Handler serves /reminders.
type Handler struct{ Service *Service }

// Routes lists the reminder endpoints: any user of a company (TernantApp: any user).
func (h *Handler) Routes() []httpx.Route {
	a := identity.CompanyUser
	ok, created := http.StatusOK, http.StatusCreated
	one := Reminder{}
	return []httpx.Route{
		{Method: http.MethodGet, Pattern: "/reminders", Access: a, Handler: httpx.Endpoint(ok, h.list),
			Doc: httpx.Doc{Summary: "List reminders with tenant and invoice, latest schedule first", Response: []Reminder{}, List: true,
				Query: []httpx.Param{{Name: "type", Type: "string", Enum: Types}, {Name: "status", Type: "string", Enum: Statuses},
					{Name: "tenantId", Type: "string"}, {Name: "invoiceId", Type: "string"},
					{Name: "scheduledFrom", Type: "string"}, {Name: "scheduledTo", Type: "string"}}}},
		{Method: http.MethodPost, Pattern: "/reminders", Access: a, Handler: httpx.Endpoint(created, httpx.WithBody(h.Service.Create)),
			Doc: httpx.Doc{Summary: "Create a reminder (recipient defaults to the tenant's email); due ones are emailed", Request: CreateRequest{}, Response: one}},
		{Method: http.MethodPost, Pattern: "/reminders/receipt", Access: a, Handler: httpx.Endpoint(created, httpx.WithBody(h.Service.SendReceipt)),
			Doc: httpx.Doc{Summary: "Send a payment receipt", Request: ReceiptRequest{}, Response: one}},
		{Method: http.MethodPost, Pattern: "/reminders/welcome/{tenantId}", Access: a, Handler: httpx.Endpoint(created, httpx.ByParamWithBody("tenantId", h.Service.WelcomeTenant)),
			Doc: httpx.Doc{Summary: "Send a tenant a welcome message", Request: WelcomeRequest{}, Response: one}},
		{Method: http.MethodGet, Pattern: "/reminders/{id}", Access: a, Handler: httpx.Endpoint(ok, httpx.ByID(h.Service.Get)),
			Doc: httpx.Doc{Summary: "A reminder with its tenant and invoice", Response: one}},
		{Method: http.MethodPatch, Pattern: "/reminders/{id}", Access: a, Handler: httpx.Endpoint(ok, httpx.ByIDWithBody(h.Service.Update)),
			Doc: httpx.Doc{Summary: "Update a reminder", Request: UpdateRequest{}, Response: one}},
		{Method: http.MethodDelete, Pattern: "/reminders/{id}", Access: a, Handler: httpx.Endpoint(http.StatusNoContent, httpx.ByIDNoResult(h.Service.Delete)),
			Doc: httpx.Doc{Summary: "Delete a reminder", Status: http.StatusNoContent}},
		{Method: http.MethodPost, Pattern: "/reminders/{id}/mark-sent", Access: a, Handler: httpx.Endpoint(created, httpx.ByID(h.Service.MarkSent)),
			Doc: httpx.Doc{Summary: "Mark a reminder sent", Response: one}},
	}
}

// queryTime parses an optional ISO 8601 date or date-time parameter.
func queryTime(r *http.Request, name string) (*dbtypes.Time, error) {
	t, err := httpx.QueryDate(r, name)
	if err != nil || t.IsZero() {
		return nil, err
	}
	return &dbtypes.Time{Time: t}, nil
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request) (any, error) {
	q := r.URL.Query()
	f := Filter{TenantID: q.Get("tenantId"), InvoiceID: q.Get("invoiceId")}
	var err error
	if f.Type, err = httpx.QueryEnum(r, "type", Types...); err != nil {
		return nil, err
	}
	if f.Status, err = httpx.QueryEnum(r, "status", Statuses...); err != nil {
		return nil, err
	}
	if f.ScheduledFrom, err = queryTime(r, "scheduledFrom"); err != nil {
		return nil, err
	}
	if f.ScheduledTo, err = queryTime(r, "scheduledTo"); err != nil {
		return nil, err
	}
	page, err := httpx.PageFrom(r)
	if err != nil {
		return nil, err
	}
	return httpx.Total(w)(h.Service.List(r.Context(), httpx.CallerCompany(r), f, page))
}
