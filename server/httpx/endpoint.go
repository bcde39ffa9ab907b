package httpx

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/ternant/ternant/server/identity"
)

// EndpointFunc handles a request by returning its result; it may set headers on w (X-Total-Count)
// but never writes the body.
type EndpointFunc func(w http.ResponseWriter, r *http.Request) (any, error)

// Endpoint adapts fn: on success it answers status with the result as JSON (204 and a nil result
// write no body), otherwise the error in TernantApp's shape.
func Endpoint(status int, fn EndpointFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := fn(w, r)
		switch {
		case err != nil:
			WriteError(w, r, err)
		case status == http.StatusNoContent || v == nil:
			w.WriteHeader(status)
		default:
			WriteJSON(w, status, v)
		}
	}
}

// The adapters below build an EndpointFunc from a company-scoped service method, so a handler is
// its route table: the caller's company comes from the principal, {id} from the path and the body
// is decoded strictly (Decode) into the method's input type.

// Scoped adapts fn(ctx, companyID).
func Scoped[R any](fn func(ctx context.Context, companyID string) (R, error)) EndpointFunc {
	return func(_ http.ResponseWriter, r *http.Request) (any, error) {
		return fn(r.Context(), CallerCompany(r))
	}
}

// ByID adapts fn(ctx, companyID, id) for a route with an {id} parameter.
func ByID[R any](fn func(ctx context.Context, companyID, id string) (R, error)) EndpointFunc {
	return func(_ http.ResponseWriter, r *http.Request) (any, error) {
		return fn(r.Context(), CallerCompany(r), chi.URLParam(r, "id"))
	}
}

// ByIDNoResult adapts fn(ctx, companyID, id) that answers with no body (DELETE).
func ByIDNoResult(fn func(ctx context.Context, companyID, id string) error) EndpointFunc {
	return func(_ http.ResponseWriter, r *http.Request) (any, error) {
		return nil, fn(r.Context(), CallerCompany(r), chi.URLParam(r, "id"))
	}
}

// WithBody adapts fn(ctx, companyID, body).
func WithBody[T, R any](fn func(ctx context.Context, companyID string, in T) (R, error)) EndpointFunc {
	return func(_ http.ResponseWriter, r *http.Request) (any, error) {
		var in T
		if err := Decode(r, &in); err != nil {
			return nil, err
		}
		return fn(r.Context(), CallerCompany(r), in)
	}
}

// ByIDWithBody adapts fn(ctx, companyID, id, body) for a route with an {id} parameter.
func ByIDWithBody[T, R any](fn func(ctx context.Context, companyID, id string, in T) (R, error)) EndpointFunc {
	return func(_ http.ResponseWriter, r *http.Request) (any, error) {
		var in T
		if err := Decode(r, &in); err != nil {
			return nil, err
		}
		return fn(r.Context(), CallerCompany(r), chi.URLParam(r, "id"), in)
	}
}

// CallerCompany is the principal's company ("" for a caller without one).
func CallerCompany(r *http.Request) string { return identity.From(r.Context()).Company() }

// CountBody is the {count} answer of the count endpoints.
type CountBody struct {
	Count int `json:"count"`
}
