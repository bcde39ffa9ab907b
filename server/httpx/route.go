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
}

// Module is implemented by each domain package's handler.
type Module interface {
	Routes() []Route
}
