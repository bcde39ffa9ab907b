package companies

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/ternant/ternant/server/auth"
	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/identity"
)

// Routes are the /companies endpoints.
func (s *Service) Routes() []httpx.Route {
	return []httpx.Route{
		{Method: http.MethodPost, Pattern: "/companies/register", Access: identity.Public, Handler: s.handleRegister,
			Doc: httpx.Doc{Summary: "Register a company and its owner; logs the owner in",
				Request: RegisterRequest{}, Response: RegisterResponse{}}},
		{Method: http.MethodPost, Pattern: "/companies", Access: identity.Roles(identity.Owner), Handler: s.handleCreate,
			Doc: httpx.Doc{Summary: "Create a company", Request: CreateRequest{}, Response: Company{}}},
		{Method: http.MethodGet, Pattern: "/companies/slug/{slug}", Access: identity.AnyUser, Handler: s.handleGetBySlug,
			Doc: httpx.Doc{Summary: "The caller's company, by slug", Response: Company{}}},
		{Method: http.MethodGet, Pattern: "/companies/{id}", Access: identity.AnyUser, Handler: s.handleGet,
			Doc: httpx.Doc{Summary: "The caller's company, by id", Response: Company{}}},
		{Method: http.MethodPatch, Pattern: "/companies/{id}", Access: identity.OA, Handler: s.handleUpdate,
			Doc: httpx.Doc{Summary: "Update the caller's company", Request: UpdateRequest{}, Response: Company{}}},
		{Method: http.MethodDelete, Pattern: "/companies/{id}", Access: identity.Roles(identity.Owner), Handler: s.handleDelete,
			Doc: httpx.Doc{Summary: "Deactivate the caller's company (empty 200)"}},
	}
}

func (s *Service) handleRegister(w http.ResponseWriter, r *http.Request) {
	var req RegisterRequest
	if err := httpx.Decode(r, &req); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	out, err := s.Register(r.Context(), req, auth.ClientOf(r))
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.Created(w, out)
}

func (s *Service) handleCreate(w http.ResponseWriter, r *http.Request) {
	var req CreateRequest
	if err := httpx.Decode(r, &req); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	c, err := s.Create(r.Context(), req)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.Created(w, c)
}

func (s *Service) handleGet(w http.ResponseWriter, r *http.Request) {
	c, err := s.Get(r.Context(), identity.From(r.Context()), chi.URLParam(r, "id"))
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.OK(w, c)
}

func (s *Service) handleGetBySlug(w http.ResponseWriter, r *http.Request) {
	c, err := s.GetBySlug(r.Context(), identity.From(r.Context()), chi.URLParam(r, "slug"))
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.OK(w, c)
}

func (s *Service) handleUpdate(w http.ResponseWriter, r *http.Request) {
	var req UpdateRequest
	if err := httpx.Decode(r, &req); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	c, err := s.Update(r.Context(), identity.From(r.Context()), chi.URLParam(r, "id"), req)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.OK(w, c)
}

func (s *Service) handleDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.Deactivate(r.Context(), identity.From(r.Context()), chi.URLParam(r, "id")); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.EmptyOK(w)
}
