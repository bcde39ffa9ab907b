package superadmin

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/ternant/ternant/server/companies"
	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/identity"
	"github.com/ternant/ternant/server/users"
)

// Routes are the /super-admin endpoints; every one needs a super admin.
func (s *Service) Routes() []httpx.Route {
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
		{Method: http.MethodGet, Pattern: "/super-admin/companies", Access: sa, Handler: s.handleListCompanies,
			Doc: httpx.Doc{Summary: "Every company, a page at a time (search: name, slug or email)",
				Response: Page[companies.Company]{}, Query: pageParams}},
		{Method: http.MethodGet, Pattern: "/super-admin/companies/platform/stats", Access: sa, Handler: s.handlePlatformStats,
			Doc: httpx.Doc{Summary: "Platform-wide company and user counts", Response: PlatformStats{}}},
		{Method: http.MethodPost, Pattern: "/super-admin/companies", Access: sa, Handler: s.handleCreateCompany,
			Doc: httpx.Doc{Summary: "Create a company and its owner", Request: CreateCompanyRequest{}, Response: CreateCompanyResponse{}}},
		{Method: http.MethodGet, Pattern: "/super-admin/companies/{id}", Access: sa, Handler: s.handleCompany,
			Doc: httpx.Doc{Summary: "Any company, by id", Response: companies.Company{}}},
		{Method: http.MethodGet, Pattern: "/super-admin/companies/{id}/stats", Access: sa, Handler: s.handleCompanyStats,
			Doc: httpx.Doc{Summary: "A company's user, property and billing counts", Response: CompanyStats{}}},
		{Method: http.MethodPatch, Pattern: "/super-admin/companies/{id}", Access: sa, Handler: s.handleUpdateCompany,
			Doc: httpx.Doc{Summary: "Update any company", Request: companies.UpdateRequest{}, Response: companies.Company{}}},
		{Method: http.MethodPatch, Pattern: "/super-admin/companies/{id}/suspend", Access: sa, Handler: s.companyActive(false),
			Doc: httpx.Doc{Summary: "Suspend a company (deactivate it and end its users' sessions)", Response: companies.Company{}}},
		{Method: http.MethodPatch, Pattern: "/super-admin/companies/{id}/activate", Access: sa, Handler: s.companyActive(true),
			Doc: httpx.Doc{Summary: "Reactivate a company", Response: companies.Company{}}},
		{Method: http.MethodDelete, Pattern: "/super-admin/companies/{id}", Access: sa, Handler: s.handleDeleteCompany,
			Doc: httpx.Doc{Summary: "Deactivate a company, keeping its data (empty 200)"}},

		{Method: http.MethodGet, Pattern: "/super-admin/users", Access: sa, Handler: s.handleListUsers,
			Doc: httpx.Doc{Summary: "Every user, a page at a time (search: name or email)",
				Response: Page[users.User]{}, Query: userParams}},
		{Method: http.MethodGet, Pattern: "/super-admin/users/stats", Access: sa, Handler: s.handleUserStats,
			Doc: httpx.Doc{Summary: "Platform-wide user counts by status and role", Response: UserStats{}}},
		{Method: http.MethodPost, Pattern: "/super-admin/users", Access: sa, Handler: s.handleCreateUser,
			Doc: httpx.Doc{Summary: "Create a user in any company, or a super admin", Request: CreateUserRequest{}, Response: users.User{}}},
		{Method: http.MethodGet, Pattern: "/super-admin/users/{id}", Access: sa, Handler: s.handleUser,
			Doc: httpx.Doc{Summary: "Any user, by id", Response: users.User{}}},
		{Method: http.MethodPatch, Pattern: "/super-admin/users/{id}", Access: sa, Handler: s.handleUpdateUser,
			Doc: httpx.Doc{Summary: "Update any user", Request: UpdateUserRequest{}, Response: users.User{}}},
		{Method: http.MethodDelete, Pattern: "/super-admin/users/{id}", Access: sa, Handler: s.handleDeleteUser,
			Doc: httpx.Doc{Summary: "Deactivate a user", Status: http.StatusNoContent}},
		{Method: http.MethodPatch, Pattern: "/super-admin/users/{id}/activate", Access: sa, Handler: s.userStatus(users.StatusActive),
			Doc: httpx.Doc{Summary: "Activate a user", Response: users.User{}}},
		{Method: http.MethodPatch, Pattern: "/super-admin/users/{id}/suspend", Access: sa, Handler: s.userStatus(users.StatusSuspended),
			Doc: httpx.Doc{Summary: "Suspend a user (and end their sessions)", Response: users.User{}}},
		{Method: http.MethodPatch, Pattern: "/super-admin/users/{id}/reset-password", Access: sa, Handler: s.handleResetPassword,
			Doc: httpx.Doc{Summary: "Set a user's password", Request: ResetPasswordRequest{}, Response: MessageResponse{}}},
	}
}

// respond writes v with status, or err.
func respond(w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, status, v)
}

func (s *Service) handleListCompanies(w http.ResponseWriter, r *http.Request) {
	p, err := pagingFrom(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	out, err := s.ListCompanies(r.Context(), r.URL.Query().Get("search"), p)
	respond(w, r, http.StatusOK, out, err)
}

func (s *Service) handlePlatformStats(w http.ResponseWriter, r *http.Request) {
	out, err := s.PlatformStats(r.Context())
	respond(w, r, http.StatusOK, out, err)
}

func (s *Service) handleCreateCompany(w http.ResponseWriter, r *http.Request) {
	var req CreateCompanyRequest
	if err := httpx.Decode(r, &req); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	out, err := s.CreateCompany(r.Context(), req)
	respond(w, r, http.StatusCreated, out, err)
}

func (s *Service) handleCompany(w http.ResponseWriter, r *http.Request) {
	out, err := s.Company(r.Context(), chi.URLParam(r, "id"))
	respond(w, r, http.StatusOK, out, err)
}

func (s *Service) handleCompanyStats(w http.ResponseWriter, r *http.Request) {
	out, err := s.CompanyStats(r.Context(), chi.URLParam(r, "id"))
	respond(w, r, http.StatusOK, out, err)
}

func (s *Service) handleUpdateCompany(w http.ResponseWriter, r *http.Request) {
	var req companies.UpdateRequest
	if err := httpx.Decode(r, &req); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	out, err := s.UpdateCompany(r.Context(), chi.URLParam(r, "id"), req)
	respond(w, r, http.StatusOK, out, err)
}

func (s *Service) companyActive(active bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		out, err := s.SetCompanyActive(r.Context(), chi.URLParam(r, "id"), active)
		respond(w, r, http.StatusOK, out, err)
	}
}

// handleDeleteCompany deactivates the company (TernantApp's DELETE always failed: it needed a
// deletedAt column that does not exist). Data is kept; /activate restores it.
func (s *Service) handleDeleteCompany(w http.ResponseWriter, r *http.Request) {
	if _, err := s.SetCompanyActive(r.Context(), chi.URLParam(r, "id"), false); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.EmptyOK(w)
}

func (s *Service) handleListUsers(w http.ResponseWriter, r *http.Request) {
	p, err := pagingFrom(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	role, err := httpx.QueryEnum(r, "role", "SUPER_ADMIN", "OWNER", "ADMIN", "STAFF", "AUDITOR", "TENANT_PORTAL")
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	status, err := httpx.QueryEnum(r, "status", users.StatusActive, users.StatusInactive, users.StatusSuspended, users.StatusPending)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	q := r.URL.Query()
	out, err := s.ListUsers(r.Context(), UserFilter{Search: q.Get("search"), CompanyID: q.Get("companyId"), Role: role, Status: status}, p)
	respond(w, r, http.StatusOK, out, err)
}

func (s *Service) handleUserStats(w http.ResponseWriter, r *http.Request) {
	out, err := s.UserStats(r.Context())
	respond(w, r, http.StatusOK, out, err)
}

func (s *Service) handleCreateUser(w http.ResponseWriter, r *http.Request) {
	var req CreateUserRequest
	if err := httpx.Decode(r, &req); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	out, err := s.CreateUser(r.Context(), req)
	respond(w, r, http.StatusCreated, out, err)
}

func (s *Service) handleUser(w http.ResponseWriter, r *http.Request) {
	out, err := s.User(r.Context(), chi.URLParam(r, "id"))
	respond(w, r, http.StatusOK, out, err)
}

func (s *Service) handleUpdateUser(w http.ResponseWriter, r *http.Request) {
	var req UpdateUserRequest
	if err := httpx.Decode(r, &req); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	out, err := s.UpdateUser(r.Context(), chi.URLParam(r, "id"), req)
	respond(w, r, http.StatusOK, out, err)
}

func (s *Service) handleDeleteUser(w http.ResponseWriter, r *http.Request) {
	if _, err := s.SetUserStatus(r.Context(), chi.URLParam(r, "id"), users.StatusInactive); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.NoContent(w)
}

func (s *Service) userStatus(status string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		out, err := s.SetUserStatus(r.Context(), chi.URLParam(r, "id"), status)
		respond(w, r, http.StatusOK, out, err)
	}
}

func (s *Service) handleResetPassword(w http.ResponseWriter, r *http.Request) {
	var req ResetPasswordRequest
	if err := httpx.Decode(r, &req); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	err := s.ResetPassword(r.Context(), chi.URLParam(r, "id"), req.NewPassword)
	respond(w, r, http.StatusOK, MessageResponse{Message: "Password reset successfully"}, err)
}
