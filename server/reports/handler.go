package reports

import (
	"context"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/identity"
)

// Handler serves /reports.
type Handler struct{ Service *Service }

// Routes lists the report endpoints (OWNER and ADMIN, as in TernantApp).
func (h *Handler) Routes() []httpx.Route {
	a := identity.OA
	q := []httpx.Param{{Name: "startDate", Type: "string", Format: "date"}, {Name: "endDate", Type: "string", Format: "date"},
		{Name: "format", Type: "string", Enum: []string{"json", "csv"}, Description: "or Accept: text/csv"}}
	doc := func(summary string, v any) httpx.Doc {
		return httpx.Doc{Summary: summary, Response: v, Query: q, CSV: true}
	}
	return []httpx.Route{
		{Method: http.MethodGet, Pattern: "/reports/kpis", Access: a, Handler: serve(h, "kpis", h.Service.KPIs),
			Doc: doc("Key figures: units, occupancy, recurring revenue, outstanding and overdue amounts, collection rate", KPIs{})},
		{Method: http.MethodGet, Pattern: "/reports/revenue", Access: a, Handler: serve(h, "revenue", h.Service.Revenue),
			Doc: doc("Invoiced, collected and outstanding amounts by month, and payments by method", Revenue{})},
		{Method: http.MethodGet, Pattern: "/reports/occupancy", Access: a, Handler: serve(h, "occupancy", h.Service.Occupancy),
			Doc: doc("Occupancy, lease length, turnover, and occupancy by compound", Occupancy{})},
		{Method: http.MethodGet, Pattern: "/reports/aging", Access: a, Handler: serve(h, "aging", h.Service.Aging),
			Doc: doc("Receivables by days past due: 0-30, 31-60, 61-90, 90+", Aging{})},
		{Method: http.MethodDelete, Pattern: "/reports/cache", Access: a, Handler: httpx.Endpoint(http.StatusNoContent, h.clear),
			Doc: httpx.Doc{Summary: "Drop the company's cached reports", Status: http.StatusNoContent}},
	}
}

// queryKeys are the report query's properties: TernantApp's report query DTO (startDate, endDate)
// and Ternant's format. Any other key is refused, as TernantApp's ValidationPipe refuses it.
var queryKeys = []string{"startDate", "endDate", "format"}

// rangeOf reads startDate/endDate (ISO 8601). A date-only endDate covers that whole day. Unknown
// query keys and invalid dates are reported together, unknown keys first.
func rangeOf(r *http.Request) (Range, error) {
	var rg Range
	msgs := httpx.UnknownQuery(r, queryKeys...)
	var err error
	rg.Start, err = httpx.QueryDate(r, "startDate")
	msgs = append(msgs, httpx.Messages(err)...)
	rg.End, err = httpx.QueryDate(r, "endDate")
	msgs = append(msgs, httpx.Messages(err)...)
	if len(msgs) > 0 {
		return rg, httpx.Invalid(msgs...)
	}
	if !rg.Start.IsZero() && !rg.End.IsZero() && rg.End.Before(rg.Start) {
		return rg, httpx.Invalid("endDate must not be before startDate")
	}
	if len(r.URL.Query().Get("endDate")) == len(time.DateOnly) {
		// For DATE columns the day itself is the bound; for timestamps the bound is its end.
		rg.End = rg.End.Add(24*time.Hour - time.Nanosecond)
	}
	return rg, nil
}

// wantsCSV reads ?format=json|csv, else the Accept header.
func wantsCSV(r *http.Request) (bool, error) {
	f, err := httpx.QueryEnum(r, "format", "json", "csv")
	if err != nil || f != "" {
		return f == "csv", err
	}
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		if mt, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && mt == "text/csv" {
			return true, nil
		}
	}
	return false, nil
}

func serve[T any](h *Handler, name string, compute func(context.Context, string, Range) (T, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := httpx.CallerCompany(r)
		var err error
		var rg Range
		var asCSV bool
		rg, err = rangeOf(r)
		if err == nil {
			asCSV, err = wantsCSV(r)
		}
		if err != nil {
			httpx.WriteError(w, r, err)
			return
		}
		v, err := compute(r.Context(), c, rg)
		if err != nil {
			httpx.WriteError(w, r, err)
			return
		}
		if !asCSV {
			httpx.OK(w, v)
			return
		}
		t, err := csvOf(v)
		var body []byte
		if err == nil {
			body, err = t.encode()
		}
		if err != nil {
			httpx.WriteError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`-report.csv"`)
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
	}
}

func (h *Handler) clear(_ http.ResponseWriter, r *http.Request) (any, error) {
	return nil, h.Service.ClearCache(r.Context(), httpx.CallerCompany(r))
}
