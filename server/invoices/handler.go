package invoices

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/identity"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/idempotency"
)

// Handler serves /invoices.
type Handler struct{ Svc *Service }

// Routes lists the invoice endpoints (any authenticated user, as in TernantApp).
func (h *Handler) Routes() []httpx.Route {
	a := identity.AnyUser
	return []httpx.Route{
		{Method: http.MethodPost, Pattern: "/invoices", Access: a, Handler: h.create},
		{Method: http.MethodPost, Pattern: "/invoices/generate-rent", Access: a, Handler: h.generateRent},
		{Method: http.MethodPost, Pattern: "/invoices/generate-rent/bulk", Access: a, Handler: h.generateBulk},
		{Method: http.MethodGet, Pattern: "/invoices", Access: a, Handler: h.list},
		{Method: http.MethodGet, Pattern: "/invoices/stats", Access: a, Handler: h.stats},
		{Method: http.MethodGet, Pattern: "/invoices/overdue", Access: a, Handler: h.overdue},
		{Method: http.MethodGet, Pattern: "/invoices/due-soon", Access: a, Handler: h.dueSoon},
		{Method: http.MethodGet, Pattern: "/invoices/tenant/{id}", Access: a, Handler: h.byTenant},
		{Method: http.MethodGet, Pattern: "/invoices/occupancy/{id}", Access: a, Handler: h.byOccupancy},
		{Method: http.MethodGet, Pattern: "/invoices/{id}", Access: a, Handler: h.get},
		{Method: http.MethodPatch, Pattern: "/invoices/{id}", Access: a, Handler: h.update},
		{Method: http.MethodPatch, Pattern: "/invoices/{id}/status", Access: a, Handler: h.setStatus},
		{Method: http.MethodPost, Pattern: "/invoices/{id}/payment", Access: a, Handler: h.payment},
		{Method: http.MethodPost, Pattern: "/invoices/{id}/send", Access: a, Handler: h.send},
		{Method: http.MethodPost, Pattern: "/invoices/{id}/cancel", Access: a, Handler: h.cancel},
		{Method: http.MethodDelete, Pattern: "/invoices/{id}", Access: a, Handler: h.remove},
		{Method: http.MethodPost, Pattern: "/invoices/{id}/activate", Access: a, Handler: h.activate},
	}
}

// Company returns the caller's company, or a 403 for a caller without one (a super admin): billing
// data always belongs to one company.
func Company(r *http.Request) (string, error) {
	c := identity.From(r.Context()).Company()
	if c == "" {
		return "", httpx.Forbidden("Insufficient permissions")
	}
	return c, nil
}

// answer writes v with status, or the error.
func answer(w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, status, v)
}

// answerList writes a page with its X-Total-Count.
func answerList(w http.ResponseWriter, r *http.Request, list []*Invoice, total int, err error) {
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.SetTotal(w, total)
	httpx.OK(w, list)
}

func (h *Handler) create(w http.ResponseWriter, r *http.Request) {
	var req CreateRequest
	c, err := Company(r)
	if err == nil {
		err = httpx.Decode(r, &req)
	}
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	inv, err := h.Svc.Create(r.Context(), c, req)
	answer(w, r, http.StatusCreated, inv, err)
}

func (h *Handler) generateRent(w http.ResponseWriter, r *http.Request) {
	var req GenerateRentRequest
	c, err := Company(r)
	if err == nil {
		err = httpx.Decode(r, &req)
	}
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	inv, err := h.Svc.GenerateRent(r.Context(), c, req)
	answer(w, r, http.StatusCreated, inv, err)
}

func (h *Handler) generateBulk(w http.ResponseWriter, r *http.Request) {
	var req BulkGenerateRequest
	c, err := Company(r)
	if err == nil {
		err = httpx.Decode(r, &req)
	}
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	res, err := h.Svc.GenerateRentBulk(r.Context(), c, req)
	answer(w, r, http.StatusCreated, res, err)
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request) {
	c, err := Company(r)
	var f Filter
	var page httpx.Page
	if err == nil {
		f.Status, err = httpx.QueryEnum(r, "status", Statuses...)
	}
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

func (h *Handler) stats(w http.ResponseWriter, r *http.Request) {
	c, err := Company(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	st, err := h.Svc.Stats(r.Context(), c)
	answer(w, r, http.StatusOK, st, err)
}

func (h *Handler) overdue(w http.ResponseWriter, r *http.Request) {
	c, err := Company(r)
	var page httpx.Page
	if err == nil {
		page, err = httpx.PageFrom(r)
	}
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	list, total, err := h.Svc.Overdue(r.Context(), c, page)
	answerList(w, r, list, total, err)
}

func (h *Handler) dueSoon(w http.ResponseWriter, r *http.Request) {
	c, err := Company(r)
	days := 7
	var page httpx.Page
	if err == nil {
		days, err = httpx.QueryInt(r, "daysAhead", 7, 0, 3660)
	}
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
	h.byRelation(w, r, Filter{TenantID: chi.URLParam(r, "id")}, Includes{Occupancy: true})
}

func (h *Handler) byOccupancy(w http.ResponseWriter, r *http.Request) {
	h.byRelation(w, r, Filter{OccupancyID: chi.URLParam(r, "id")}, Includes{Tenant: true})
}

func (h *Handler) byRelation(w http.ResponseWriter, r *http.Request, f Filter, inc Includes) {
	c, err := Company(r)
	var page httpx.Page
	if err == nil {
		page, err = httpx.PageFrom(r)
	}
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	list, total, err := h.Svc.List(r.Context(), c, f, inc, page)
	answerList(w, r, list, total, err)
}

func (h *Handler) get(w http.ResponseWriter, r *http.Request) {
	c, err := Company(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	inv, err := h.Svc.Get(r.Context(), c, chi.URLParam(r, "id"))
	answer(w, r, http.StatusOK, inv, err)
}

func (h *Handler) update(w http.ResponseWriter, r *http.Request) {
	var req UpdateRequest
	c, err := Company(r)
	if err == nil {
		err = httpx.Decode(r, &req)
	}
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	inv, err := h.Svc.Update(r.Context(), c, chi.URLParam(r, "id"), req)
	answer(w, r, http.StatusOK, inv, err)
}

func (h *Handler) setStatus(w http.ResponseWriter, r *http.Request) {
	var req StatusRequest
	c, err := Company(r)
	if err == nil {
		err = httpx.Decode(r, &req)
	}
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	inv, err := h.Svc.SetStatus(r.Context(), c, chi.URLParam(r, "id"), req.Status)
	answer(w, r, http.StatusOK, inv, err)
}

func (h *Handler) payment(w http.ResponseWriter, r *http.Request) {
	var req PaymentRequest
	c, err := Company(r)
	key := ""
	if err == nil {
		key, err = idempotency.Key(r)
	}
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
	if !res.Replayed {
		h.Svc.Committed(r.Context(), c)
	}
	res.Write(w)
}

func (h *Handler) send(w http.ResponseWriter, r *http.Request) {
	c, err := Company(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	inv, err := h.Svc.SetStatus(r.Context(), c, chi.URLParam(r, "id"), Sent)
	answer(w, r, http.StatusCreated, inv, err)
}

func (h *Handler) cancel(w http.ResponseWriter, r *http.Request) {
	c, err := Company(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	inv, err := h.Svc.Cancel(r.Context(), c, chi.URLParam(r, "id"))
	answer(w, r, http.StatusCreated, inv, err)
}

func (h *Handler) remove(w http.ResponseWriter, r *http.Request) {
	c, err := Company(r)
	if err == nil {
		err = h.Svc.Remove(r.Context(), c, chi.URLParam(r, "id"))
	}
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.EmptyOK(w)
}

func (h *Handler) activate(w http.ResponseWriter, r *http.Request) {
	c, err := Company(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	inv, err := h.Svc.Activate(r.Context(), c, chi.URLParam(r, "id"))
	answer(w, r, http.StatusCreated, inv, err)
}
