package superadmin

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/ternant/ternant/server/companies"
	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/identity"
	"github.com/ternant/ternant/server/users"
)

// Handler serves /super-admin.
type Handler struct{ Service *Service }

// Routes are the /super-admin endpoints; every one needs a super admin.
func (h *Handler) Routes() []httpx.Route {
	s := h.Service
	ok, created := http.StatusOK, http.StatusCreated
	sa := identity.SuperAdminOnly
	pageParams := []httpx.Param{
		{Name: "page", Type: "integer", Description: "1-based page number (default 1)"},
		{Name: "limit", Type: "integer", Description: "page size, 1 to 100 (default 10)"},
		{Name: "search", Description: "substring to look for"},
	}
	userParams := append(append([]httpx.Param{}, pageParams...),
		httpx.Param{Name: "companyId", Format: "uuid", Description: "only this company's users"},
		httpx.Param{Name: "role", Enum: []string{"SUPER_ADMIN", "OWNER", "ADMIN", "STAFF", "AUDITOR", "TENANT_PORTAL"}},
		httpx.Param{Name: "status", Enum: []string{users.StatusActive, users.StatusInactive, users.StatusSuspended, users.StatusPending}})
	// The action routes are PATCH and answer 200, as TernantApp's controllers declare them.
	return []httpx.Route{
		{Method: http.MethodGet, Pattern: "/super-admin/companies", Access: sa, Handler: httpx.Endpoint(ok, h.listCompanies),
			Doc: httpx.Doc{Summary: "Every company, a page at a time (search: name, slug or email)",
				Response: Page[companies.Company]{}, Query: pageParams}},
		{Method: http.MethodGet, Pattern: "/super-admin/companies/platform/stats", Access: sa, Handler: httpx.Endpoint(ok, httpx.Unscoped(s.PlatformStats)),
			Doc: httpx.Doc{Summary: "Platform-wide company and user counts", Response: PlatformStats{}}},
		{Method: http.MethodPost, Pattern: "/super-admin/companies", Access: sa, Handler: httpx.Endpoint(created, httpx.UnscopedWithBody(s.CreateCompany)),
			Doc: httpx.Doc{Summary: "Create a company and its owner", Request: CreateCompanyRequest{}, Response: CreateCompanyResponse{}}},
		{Method: http.MethodGet, Pattern: "/super-admin/companies/{id}", Access: sa, Handler: httpx.Endpoint(ok, httpx.UnscopedByID(s.Company)),
			Doc: httpx.Doc{Summary: "Any company, by id", Response: companies.Company{}}},
		{Method: http.MethodGet, Pattern: "/super-admin/companies/{id}/stats", Access: sa, Handler: httpx.Endpoint(ok, httpx.UnscopedByID(s.CompanyStats)),
			Doc: httpx.Doc{Summary: "A company's user, property and billing counts", Response: CompanyStats{}}},
		{Method: http.MethodPatch, Pattern: "/super-admin/companies/{id}", Access: sa, Handler: httpx.Endpoint(ok, httpx.UnscopedByIDWithBody(s.UpdateCompany)),
			Doc: httpx.Doc{Summary: "Update any company", Request: companies.UpdateRequest{}, Response: companies.Company{}}},
		{Method: http.MethodPatch, Pattern: "/super-admin/companies/{id}/suspend", Access: sa, Handler: httpx.Endpoint(ok, httpx.UnscopedByID(s.SuspendCompany)),
			Doc: httpx.Doc{Summary: "Suspend a company (deactivate it and end its users' sessions)", Response: companies.Company{}}},
		{Method: http.MethodPatch, Pattern: "/super-admin/companies/{id}/activate", Access: sa, Handler: httpx.Endpoint(ok, httpx.UnscopedByID(s.ActivateCompany)),
			Doc: httpx.Doc{Summary: "Reactivate a company", Response: companies.Company{}}},
		{Method: http.MethodDelete, Pattern: "/super-admin/companies/{id}", Access: sa, Handler: httpx.Endpoint(ok, h.deleteCompany),
			Doc: httpx.Doc{Summary: "Deactivate a company, keeping its data (empty 200)"}},

		{Method: http.MethodGet, Pattern: "/super-admin/users", Access: sa, Handler: httpx.Endpoint(ok, h.listUsers),
			Doc: httpx.Doc{Summary: "Every user, a page at a time (search: name or email)",
				Response: Page[users.User]{}, Query: userParams}},
		{Method: http.MethodGet, Pattern: "/super-admin/users/stats", Access: sa, Handler: httpx.Endpoint(ok, httpx.Unscoped(s.UserStats)),
			Doc: httpx.Doc{Summary: "Platform-wide user counts by status and role", Response: UserStats{}}},
		{Method: http.MethodPost, Pattern: "/super-admin/users", Access: sa, Handler: httpx.Endpoint(created, httpx.UnscopedWithBody(s.CreateUser)),
			Doc: httpx.Doc{Summary: "Create a user in any company, or a super admin", Request: CreateUserRequest{}, Response: users.User{}}},
		{Method: http.MethodGet, Pattern: "/super-admin/users/{id}", Access: sa, Handler: httpx.Endpoint(ok, httpx.UnscopedByID(s.User)),
			Doc: httpx.Doc{Summary: "Any user, by id", Response: users.User{}}},
		{Method: http.MethodPatch, Pattern: "/super-admin/users/{id}", Access: sa, Handler: httpx.Endpoint(ok, httpx.UnscopedByIDWithBody(s.UpdateUser)),
			Doc: httpx.Doc{Summary: "Update any user", Request: UpdateUserRequest{}, Response: users.User{}}},
		{Method: http.MethodDelete, Pattern: "/super-admin/users/{id}", Access: sa, Handler: httpx.Endpoint(http.StatusNoContent, h.deleteUser),
			Doc: httpx.Doc{Summary: "Deactivate a user", Status: http.StatusNoContent}},
		{Method: http.MethodPatch, Pattern: "/super-admin/users/{id}/activate", Access: sa, Handler: httpx.Endpoint(ok, h.userStatus(users.StatusActive)),
			Doc: httpx.Doc{Summary: "Activate a user", Response: users.User{}}},
		{Method: http.MethodPatch, Pattern: "/super-admin/users/{id}/suspend", Access: sa, Handler: httpx.Endpoint(ok, h.userStatus(users.StatusSuspended)),
			Doc: httpx.Doc{Summary: "Suspend a user (and end their sessions)", Response: users.User{}}},
		{Method: http.MethodPatch, Pattern: "/super-admin/users/{id}/reset-password", Access: sa, Handler: httpx.Endpoint(ok, httpx.UnscopedByIDWithBody(s.ResetPassword)),
			Doc: httpx.Doc{Summary: "Set a user's password", Request: ResetPasswordRequest{}, Response: MessageResponse{}}},
	}
}

func (h *Handler) listCompanies(_ http.ResponseWriter, r *http.Request) (any, error) {
	p, err := pagingFrom(r)
	if err != nil {
		return nil, err
	}
	return h.Service.ListCompanies(r.Context(), r.URL.Query().Get("search"), p)
}

// deleteCompany deactivates the company (TernantApp's DELETE always failed: it needed a deletedAt
// column that does not exist). Data is kept; /activate restores it.
func (h *Handler) deleteCompany(_ http.ResponseWriter, r *http.Request) (any, error) {
	_, err := h.Service.SetCompanyActive(r.Context(), chi.URLParam(r, "id"), false)
	return nil, err
}

func (h *Handler) listUsers(_ http.ResponseWriter, r *http.Request) (any, error) {
	p, err := pagingFrom(r)
	if err != nil {
		return nil, err
	}
	role, err := httpx.QueryEnum(r, "role", "SUPER_ADMIN", "OWNER", "ADMIN", "STAFF", "AUDITOR", "TENANT_PORTAL")
	if err != nil {
		return nil, err
	}
	status, err := httpx.QueryEnum(r, "status", users.StatusActive, users.StatusInactive, users.StatusSuspended, users.StatusPending)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	return h.Service.ListUsers(r.Context(), users.Filter{Search: q.Get("search"), CompanyID: q.Get("companyId"), Role: role, Status: status}, p)
}

func (h *Handler) deleteUser(_ http.ResponseWriter, r *http.Request) (any, error) {
	_, err := h.Service.SetUserStatus(r.Context(), chi.URLParam(r, "id"), users.StatusInactive)
	return nil, err
}

func (h *Handler) userStatus(status string) httpx.EndpointFunc {
	return func(_ http.ResponseWriter, r *http.Request) (any, error) {
		return h.Service.SetUserStatus(r.Context(), chi.URLParam(r, "id"), status)
	}
}
