package invoices

import (
	"net/http"

	"github.com/ternant/ternant/server/httpx"
)

// Call adapts fn to an endpoint whose JSON body decodes into T: fn gets the request, the caller's
// company and the decoded body, and its result is written with status. Errors are written in
// TernantApp's shape.
func Call[T any](status int, fn func(r *http.Request, company string, req T) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req T
		if err := httpx.Decode(r, &req); err != nil {
			httpx.WriteError(w, r, err)
			return
		}
		v, err := fn(r, Company(r), req)
		if err != nil {
			httpx.WriteError(w, r, err)
			return
		}
		httpx.WriteJSON(w, status, v)
	}
}

// CallNoBody is Call for an endpoint without a body.
func CallNoBody(status int, fn func(r *http.Request, company string) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := fn(r, Company(r))
		if err != nil {
			httpx.WriteError(w, r, err)
			return
		}
		httpx.WriteJSON(w, status, v)
	}
}
