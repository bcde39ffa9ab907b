package users

import (
	"net/http"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/identity"
)

// Handler serves /users.
type Handler struct{ Service *Service }

// Routes are the /users endpoints.
func (h *Handler) Routes() []httpx.Route {
	s := h.Service
	ok, created := http.StatusOK, http.StatusCreated
	return []httpx.Route{
		{Method: http.MethodPost, Pattern: "/users", Access: identity.OA, Handler: httpx.Endpoint(created, httpx.CallerWithBody(s.Create)),
			Doc: httpx.Doc{Summary: "Create a user in the caller's company", Request: CreateRequest{}, Response: User{}}},
		{Method: http.MethodGet, Pattern: "/users", Access: identity.AnyUser, Handler: httpx.Endpoint(ok, h.list),
			Doc: httpx.Doc{Summary: "The users of the caller's company", Response: []User{}, List: true,
				Query: []httpx.Param{{Name: "includeInactive", Type: "boolean", Description: "also list inactive users (default false)"}}}},
		{Method: http.MethodGet, Pattern: "/users/{id}", Access: identity.AnyUser, Handler: httpx.Endpoint(ok, httpx.CallerByID(s.Get)),
			Doc: httpx.Doc{Summary: "A user of the caller's company", Response: User{}}},
		{Method: http.MethodPatch, Pattern: "/users/{id}", Access: identity.OA, Handler: httpx.Endpoint(ok, httpx.CallerByIDWithBody(s.Update)),
			Doc: httpx.Doc{Summary: "Update a user of the caller's company", Request: UpdateRequest{}, Response: User{}}},
		{Method: http.MethodDelete, Pattern: "/users/{id}", Access: identity.OA, Handler: httpx.Endpoint(http.StatusNoContent, httpx.CallerByIDNoResult(s.Deactivate)),
			Doc: httpx.Doc{Summary: "Deactivate a user of the caller's company", Status: http.StatusNoContent}},
		{Method: http.MethodPost, Pattern: "/users/{id}/activate", Access: identity.OA, Handler: httpx.Endpoint(created, httpx.CallerByID(s.Activate)),
			Doc: httpx.Doc{Summary: "Reactivate a user of the caller's company", Response: User{}}},
	}
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request) (any, error) {
	inactive, err := httpx.QueryBool(r, "includeInactive", false)
	if err != nil {
		return nil, err
	}
	page, err := httpx.PageFrom(r)
	if err != nil {
		return nil, err
	}
	return httpx.Total(w)(h.Service.List(r.Context(), identity.From(r.Context()), inactive, page))
}
