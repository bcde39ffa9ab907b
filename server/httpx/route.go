package httpx

import (
	"net/http"

	"github.com/ternant/ternant/server/identity"
)

// Route is one entry of the API's route table: the server mounts it behind the guard its Access
// names, and tests walk the same table (authorization matrix, API document), so a route cannot be
// added without being covered.
type Route struct {
	Method  string
	Pattern string // relative to /{prefix}/v1, chi syntax: /compounds/{id}
	Access  identity.Access
	Handler http.HandlerFunc
	// Prefetch, when set, names the cached value Handler reads, so it is read ahead (see Prefetch).
	Prefetch Prefetch
	// Doc describes the route for the OpenAPI document (served at /api/docs-json).
	Doc Doc
}

// Doc is a route's API documentation. The request and response shapes are given as values of the
// Go types the handler decodes and encodes, so the document is generated from the code and cannot
// drift from it.
type Doc struct {
	// Summary is a one-line description.
	Summary string
	// Request is a value of the body type the handler decodes (nil: no body).
	Request any
	// Response is a value of the body type a success returns (nil: empty body).
	Response any
	// Status is the success status; 0 means 201 for POST, else 200.
	Status int
	// Query lists the query parameters the handler reads.
	Query []Param
	// List marks a paginated list: limit/offset parameters and the X-Total-Count header.
	List bool
	// CSV marks a report that also answers text/csv.
	CSV bool
	// Errors lists error statuses beyond the standard set, e.g. the 401 of a public route that
	// checks a credential of its own (the metrics token).
	Errors []int
}

// Param is a query parameter.
type Param struct {
	Name        string
	Type        string // string | integer | boolean | number
	Format      string // date, uuid, date-time ...
	Enum        []string
	Description string
	Required    bool
}

// SuccessStatus is the status the route answers on success.
func (r Route) SuccessStatus() int {
	switch {
	case r.Doc.Status != 0:
		return r.Doc.Status
	case r.Method == http.MethodPost:
		return http.StatusCreated
	}
	return http.StatusOK
}

// Module is implemented by each domain package's handler.
type Module interface {
	Routes() []Route
}

// Prefetch names the cached value a route's handler will read for the caller's company — a Redis
// key and, for a hash, the field — so the route's gate can read it in the same round trip as the
// caller's session. ok is false when the request does not say (the handler then reads it itself).
// It must name exactly what the handler reads; a wrong guess costs a round trip, never a wrong
// answer, since the handler only takes a prefetched value for the very key and field it asks for.
type Prefetch func(r *http.Request, companyID string) (key, field string, ok bool)
