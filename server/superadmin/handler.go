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
	return []httpx.Route{
		{Method: http.MethodGet, Pattern: "/super-admin/companies", Access: sa, Handler: s.handleListCompanies},
		{Method: http.MethodGet, Pattern: "/super-admin/companies/platform/stats", Access: sa, Handler: s.handlePlatformStats},
		{Method: http.MethodPost, Pattern: "/super-admin/companies", Access: sa, Handler: s.handleCreateCompany},
		{Method: http.MethodGet, Pattern: "/super-admin/companies/{id}", Access: sa, Handler: s.handleCompany},
		{Method: http.MethodGet, Pattern: "/super-admin/companies/{id}/stats", Access: sa, Handler: s.handleCompanyStats},
		{Method: http.MethodPatch, Pattern: "/super-admin/companies/{id}", Access: sa, Handler: s.handleUpdateCompany},
		{Method: http.MethodPost, Pattern: "/super-admin/companies/{id}/suspend", Access: sa, Handler: s.companyActive(false)},
		{Method: http.MethodPost, Pattern: "/super-admin/companies/{id}/activate", Access: sa, Handler: s.companyActive(true)},
		{Method: http.MethodDelete, Pattern: "/super-admin/companies/{id}", Access: sa, Handler: s.handleDeleteCompany},

		{Method: http.MethodGet, Pattern: "/super-admin/users", Access: sa, Handler: s.handleListUsers},
		{Method: http.MethodGet, Pattern: "/super-admin/users/stats", Access: sa, Handler: s.handleUserStats},
		{Method: http.MethodPost, Pattern: "/super-admin/users", Access: sa, Handler: s.handleCreateUser},
		{Method: http.MethodGet, Pattern: "/super-admin/users/{id}", Access: sa, Handler: s.handleUser},
		{Method: http.MethodPatch, Pattern: "/super-admin/users/{id}", Access: sa, Handler: s.handleUpdateUser},
		{Method: http.MethodDelete, Pattern: "/super-admin/users/{id}", Access: sa, Handler: s.handleDeleteUser},
		{Method: http.MethodPost, Pattern: "/super-admin/users/{id}/activate", Access: sa, Handler: s.userStatus(users.StatusActive)},
		{Method: http.MethodPost, Pattern: "/super-admin/users/{id}/suspend", Access: sa, Handler: s.userStatus(users.StatusSuspended)},
		{Method: http.MethodPost, Pattern: "/super-admin/users/{id}/reset-password", Access: sa, Handler: s.handleResetPassword},
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
		respond(w, r, http.StatusCreated, out, err)
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
		respond(w, r, http.StatusCreated, out, err)
	}
}

func (s *Service) handleResetPassword(w http.ResponseWriter, r *http.Request) {
	var req ResetPasswordRequest
	if err := httpx.Decode(r, &req); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	err := s.ResetPassword(r.Context(), chi.URLParam(r, "id"), req.NewPassword)
	respond(w, r, http.StatusCreated, map[string]string{"message": "Password reset successfully"}, err)
}
