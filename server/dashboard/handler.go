package dashboard

import (
	"net/http"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/identity"
	"github.com/ternant/ternant/server/platform/cache"
)

// Handler serves the dashboard routes.
type Handler struct {
	svc *Service
}

// NewHandler returns the HTTP handler over svc.
func NewHandler(svc *Service) *Handler { return &Handler{svc: svc} }

// Routes is GET /dashboard/stats for any authenticated user.
func (h *Handler) Routes() []httpx.Route {
	return []httpx.Route{
		{Method: http.MethodGet, Pattern: "/dashboard/stats", Access: identity.AnyUser, Handler: h.stats, Prefetch: h.prefetch,
			Doc: httpx.Doc{Summary: "Headline figures of the caller's company (cached; invalidated by writes)", Response: response{}}},
	}
}

// response is TernantApp's envelope for the dashboard: {"data": {...}}.
type response struct {
	Data Stats `json:"data"`
}

// prefetch names the cached figures of the caller's company, so its gate reads them with the session.
func (h *Handler) prefetch(_ *http.Request, companyID string) (key, field string, ok bool) {
	return cache.DashboardStatsKey(companyID), "", companyID != ""
}

func (h *Handler) stats(w http.ResponseWriter, r *http.Request) {
	st, err := h.svc.Stats(r.Context(), identity.From(r.Context()).Company())
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.OK(w, response{Data: st})
}
