package httpx

import "net/http"

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
