package users

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/identity"
)

// Routes are the /users endpoints.
func (s *Service) Routes() []httpx.Route {
	return []httpx.Route{
		{Method: http.MethodPost, Pattern: "/users", Access: identity.OA, Handler: s.handleCreate,
			Doc: httpx.Doc{Summary: "Create a user in the caller's company", Request: CreateRequest{}, Response: User{}}},
		{Method: http.MethodGet, Pattern: "/users", Access: identity.AnyUser, Handler: s.handleList,
			Doc: httpx.Doc{Summary: "The users of the caller's company", Response: []User{}, List: true,
				Query: []httpx.Param{{Name: "includeInactive", Type: "boolean", Description: "also list inactive users (default false)"}}}},
		{Method: http.MethodGet, Pattern: "/users/{id}", Access: identity.AnyUser, Handler: s.handleGet,
			Doc: httpx.Doc{Summary: "A user of the caller's company", Response: User{}}},
		{Method: http.MethodPatch, Pattern: "/users/{id}", Access: identity.OA, Handler: s.handleUpdate,
			Doc: httpx.Doc{Summary: "Update a user of the caller's company", Request: UpdateRequest{}, Response: User{}}},
		{Method: http.MethodDelete, Pattern: "/users/{id}", Access: identity.OA, Handler: s.handleDelete,
			Doc: httpx.Doc{Summary: "Deactivate a user of the caller's company", Status: http.StatusNoContent}},
		{Method: http.MethodPost, Pattern: "/users/{id}/activate", Access: identity.OA, Handler: s.handleActivate,
			Doc: httpx.Doc{Summary: "Reactivate a user of the caller's company", Response: User{}}},
	}
}

func (s *Service) handleCreate(w http.ResponseWriter, r *http.Request) {
	var req CreateRequest
	if err := httpx.Decode(r, &req); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	u, err := s.Create(r.Context(), identity.From(r.Context()), req)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.Created(w, u)
}

func (s *Service) handleList(w http.ResponseWriter, r *http.Request) {
	inactive, err := httpx.QueryBool(r, "includeInactive", false)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	page, err := httpx.PageFrom(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	list, total, err := s.List(r.Context(), identity.From(r.Context()), inactive, page)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.SetTotal(w, total)
	httpx.OK(w, list)
}

func (s *Service) handleGet(w http.ResponseWriter, r *http.Request) {
	u, err := s.Get(r.Context(), identity.From(r.Context()), chi.URLParam(r, "id"))
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.OK(w, u)
}

func (s *Service) handleUpdate(w http.ResponseWriter, r *http.Request) {
	var req UpdateRequest
	if err := httpx.Decode(r, &req); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	u, err := s.Update(r.Context(), identity.From(r.Context()), chi.URLParam(r, "id"), req)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.OK(w, u)
}

func (s *Service) handleDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.Deactivate(r.Context(), identity.From(r.Context()), chi.URLParam(r, "id")); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.NoContent(w)
}

func (s *Service) handleActivate(w http.ResponseWriter, r *http.Request) {
	u, err := s.Activate(r.Context(), identity.From(r.Context()), chi.URLParam(r, "id"))
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.Created(w, u)
}
