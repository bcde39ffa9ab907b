package companies

import (
	"net/http"

	"github.com/ternant/ternant/server/auth"
	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/identity"
)

// Handler serves /companies.
type Handler struct{ Service *Service }

// Routes are the /companies endpoints.
func (h *Handler) Routes() []httpx.Route {
	s := h.Service
	ok, created := http.StatusOK, http.StatusCreated
	return []httpx.Route{
		{Method: http.MethodPost, Pattern: "/companies/register", Access: identity.Public, Handler: httpx.Endpoint(created, h.register),
			Doc: httpx.Doc{Summary: "Register a company and its owner; logs the owner in",
				Request: RegisterRequest{}, Response: RegisterResponse{}}},
		{Method: http.MethodPost, Pattern: "/companies", Access: identity.Roles(identity.Owner), Handler: httpx.Endpoint(created, h.create),
			Doc: httpx.Doc{Summary: "Create a company", Request: CreateRequest{}, Response: Company{}}},
		{Method: http.MethodGet, Pattern: "/companies/slug/{slug}", Access: identity.AnyUser, Handler: httpx.Endpoint(ok, httpx.CallerByParam("slug", s.GetBySlug)),
			Doc: httpx.Doc{Summary: "The caller's company, by slug", Response: Company{}}},
		{Method: http.MethodGet, Pattern: "/companies/{id}", Access: identity.AnyUser, Handler: httpx.Endpoint(ok, httpx.CallerByID(s.Get)),
			Doc: httpx.Doc{Summary: "The caller's company, by id", Response: Company{}}},
		{Method: http.MethodPatch, Pattern: "/companies/{id}", Access: identity.OA, Handler: httpx.Endpoint(ok, httpx.CallerByIDWithBody(s.Update)),
			Doc: httpx.Doc{Summary: "Update the caller's company", Request: UpdateRequest{}, Response: Company{}}},
		{Method: http.MethodDelete, Pattern: "/companies/{id}", Access: identity.Roles(identity.Owner), Handler: httpx.Endpoint(ok, httpx.CallerByIDNoResult(s.Deactivate)),
			Doc: httpx.Doc{Summary: "Deactivate the caller's company (empty 200)"}},
	}
}

func (h *Handler) register(_ http.ResponseWriter, r *http.Request) (any, error) {
	var req RegisterRequest
	if err := httpx.Decode(r, &req); err != nil {
		return nil, err
	}
	return h.Service.Register(r.Context(), req, auth.ClientOf(r))
}

func (h *Handler) create(_ http.ResponseWriter, r *http.Request) (any, error) {
	var req CreateRequest
	if err := httpx.Decode(r, &req); err != nil {
		return nil, err
	}
	return h.Service.Create(r.Context(), req)
}
