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

// ByParam adapts fn(ctx, companyID, value of the path parameter name).
func ByParam[R any](name string, fn func(ctx context.Context, companyID, value string) (R, error)) EndpointFunc {
	return func(_ http.ResponseWriter, r *http.Request) (any, error) {
		return fn(r.Context(), CallerCompany(r), chi.URLParam(r, name))
	}
}

// ByParamWithBody adapts fn(ctx, companyID, value of the path parameter name, body).
func ByParamWithBody[T, R any](name string, fn func(ctx context.Context, companyID, value string, in T) (R, error)) EndpointFunc {
	return func(_ http.ResponseWriter, r *http.Request) (any, error) {
		var in T
		if err := Decode(r, &in); err != nil {
			return nil, err
		}
		return fn(r.Context(), CallerCompany(r), chi.URLParam(r, name), in)
	}
}

// Total answers a page of rows and sets X-Total-Count to its total, for list endpoints that are
// not served through ListPage: return httpx.Total(w)(svc.List(…)).
func Total(w http.ResponseWriter) func(rows any, total int, err error) (any, error) {
	return func(rows any, total int, err error) (any, error) {
		if err != nil {
			return nil, err
		}
		SetTotal(w, total)
		return rows, nil
	}
}

// The Caller adapters below serve the account routes, whose rules depend on who calls (a super
// admin, an owner, a user of the company) rather than on the company alone: fn gets the principal.

// CallerWithBody adapts fn(ctx, principal, body).
func CallerWithBody[T, R any](fn func(ctx context.Context, p *identity.Principal, in T) (R, error)) EndpointFunc {
	return func(_ http.ResponseWriter, r *http.Request) (any, error) {
		var in T
		if err := Decode(r, &in); err != nil {
			return nil, err
		}
		return fn(r.Context(), identity.From(r.Context()), in)
	}
}

// CallerByParam adapts fn(ctx, principal, value of the path parameter name).
func CallerByParam[R any](name string, fn func(ctx context.Context, p *identity.Principal, value string) (R, error)) EndpointFunc {
	return func(_ http.ResponseWriter, r *http.Request) (any, error) {
		return fn(r.Context(), identity.From(r.Context()), chi.URLParam(r, name))
	}
}

// CallerByID adapts fn(ctx, principal, id) for a route with an {id} parameter.
func CallerByID[R any](fn func(ctx context.Context, p *identity.Principal, id string) (R, error)) EndpointFunc {
	return CallerByParam("id", fn)
}

// CallerByIDNoResult adapts fn(ctx, principal, id) that answers with no body.
func CallerByIDNoResult(fn func(ctx context.Context, p *identity.Principal, id string) error) EndpointFunc {
	return func(_ http.ResponseWriter, r *http.Request) (any, error) {
		return nil, fn(r.Context(), identity.From(r.Context()), chi.URLParam(r, "id"))
	}
}

// CallerByIDWithBody adapts fn(ctx, principal, id, body) for a route with an {id} parameter.
func CallerByIDWithBody[T, R any](fn func(ctx context.Context, p *identity.Principal, id string, in T) (R, error)) EndpointFunc {
	return func(_ http.ResponseWriter, r *http.Request) (any, error) {
		var in T
		if err := Decode(r, &in); err != nil {
			return nil, err
		}
		return fn(r.Context(), identity.From(r.Context()), chi.URLParam(r, "id"), in)
	}
}

// The Unscoped adapters below serve platform-wide routes (the super-admin console), whose methods
// take no company.

// Unscoped adapts fn(ctx).
func Unscoped[R any](fn func(ctx context.Context) (R, error)) EndpointFunc {
	return func(_ http.ResponseWriter, r *http.Request) (any, error) { return fn(r.Context()) }
}

// UnscopedByID adapts fn(ctx, id) for a route with an {id} parameter.
func UnscopedByID[R any](fn func(ctx context.Context, id string) (R, error)) EndpointFunc {
	return func(_ http.ResponseWriter, r *http.Request) (any, error) {
		return fn(r.Context(), chi.URLParam(r, "id"))
	}
}

// UnscopedWithBody adapts fn(ctx, body).
func UnscopedWithBody[T, R any](fn func(ctx context.Context, in T) (R, error)) EndpointFunc {
	return func(_ http.ResponseWriter, r *http.Request) (any, error) {
		var in T
		if err := Decode(r, &in); err != nil {
			return nil, err
		}
		return fn(r.Context(), in)
	}
}

// UnscopedByIDWithBody adapts fn(ctx, id, body) for a route with an {id} parameter.
func UnscopedByIDWithBody[T, R any](fn func(ctx context.Context, id string, in T) (R, error)) EndpointFunc {
	return func(_ http.ResponseWriter, r *http.Request) (any, error) {
		var in T
		if err := Decode(r, &in); err != nil {
			return nil, err
		}
		return fn(r.Context(), chi.URLParam(r, "id"), in)
	}
}
