package auth

import (
	"errors"
	"net/http"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/identity"
)

// Routes are the /auth endpoints.
func (s *Service) Routes() []httpx.Route {
	return []httpx.Route{
		{Method: http.MethodPost, Pattern: "/auth/login", Access: identity.Public, Handler: s.handleLogin,
			Doc: httpx.Doc{Summary: "Log in with email and password: a token pair, the user and their company",
				Request: LoginRequest{}, Response: LoginResponse{}, Status: http.StatusOK}},
		{Method: http.MethodPost, Pattern: "/auth/refresh", Access: identity.Public, Handler: s.handleRefresh,
			Doc: httpx.Doc{Summary: "Exchange a refresh token for a new token pair (the old pair is revoked)",
				Request: RefreshRequest{}, Response: RefreshResponse{}, Status: http.StatusOK}},
		{Method: http.MethodPost, Pattern: "/auth/logout", Access: identity.Self, Handler: s.handleLogout,
			Doc: httpx.Doc{Summary: "End the caller's current session", Status: http.StatusNoContent}},
		{Method: http.MethodPost, Pattern: "/auth/logout-all", Access: identity.Self, Handler: s.handleLogoutAll,
			Doc: httpx.Doc{Summary: "End every session of the caller", Status: http.StatusNoContent}},
		{Method: http.MethodGet, Pattern: "/auth/me", Access: identity.Self, Handler: s.handleMe,
			Doc: httpx.Doc{Summary: "The caller's identity as carried by the access token", Response: identity.Principal{}}},
		{Method: http.MethodGet, Pattern: "/auth/sessions", Access: identity.Self, Handler: s.handleSessions,
			Doc: httpx.Doc{Summary: "The caller's active sessions (logins), the current one marked", Response: SessionsResponse{}}},
	}
}

func (s *Service) handleLogin(w http.ResponseWriter, r *http.Request) {
	var req LoginRequest
	if err := httpx.Decode(r, &req); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	acct, tokens, err := s.Login(r.Context(), req.Email, req.Password, ClientOf(r))
	if err != nil {
		// The login limiter's X-RateLimit-* replace the request limiter's on a login 429.
		var he *httpx.Error
		if errors.As(err, &he) {
			for k := range he.Headers {
				w.Header().Del(k)
			}
		}
		httpx.WriteError(w, r, err)
		return
	}
	var company any
	if acct.CompanyID != nil && s.Companies != nil {
		if company, err = s.Companies.LoginCompany(r.Context(), *acct.CompanyID); err != nil {
			httpx.WriteError(w, r, err)
			return
		}
	}
	httpx.OK(w, LoginResponse{
		Message: "Login successful",
		User: LoginUser{ID: acct.ID, CompanyID: acct.CompanyID, FirstName: acct.FirstName, LastName: acct.LastName,
			Email: acct.Email, Role: acct.Role, IsSuperAdmin: acct.IsSuperAdmin, Status: acct.Status, Company: company},
		Company: company,
		Tokens:  tokens,
	})
}

func (s *Service) handleRefresh(w http.ResponseWriter, r *http.Request) {
	var req RefreshRequest
	if err := httpx.Decode(r, &req); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	tokens, err := s.Refresh(r.Context(), req.RefreshToken)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.OK(w, RefreshResponse{Message: "Token refreshed successfully", Tokens: tokens})
}

func (s *Service) handleLogout(w http.ResponseWriter, r *http.Request) {
	p := identity.From(r.Context())
	if err := s.Logout(r.Context(), p.UserID, p.SessionID); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.NoContent(w)
}

func (s *Service) handleLogoutAll(w http.ResponseWriter, r *http.Request) {
	if err := s.LogoutAll(r.Context(), identity.From(r.Context()).UserID); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.NoContent(w)
}

func (s *Service) handleMe(w http.ResponseWriter, r *http.Request) {
	httpx.OK(w, identity.From(r.Context()))
}

func (s *Service) handleSessions(w http.ResponseWriter, r *http.Request) {
	p := identity.From(r.Context())
	fams, err := s.Sessions(r.Context(), p.UserID)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	out := SessionsResponse{SessionCount: len(fams), Sessions: make([]SessionView, 0, len(fams))}
	for _, f := range fams {
		out.Sessions = append(out.Sessions, SessionView{SessionID: f.SessionID, CreatedAt: f.CreatedAt,
			RefreshedAt: f.RefreshedAt, ExpiresAt: f.ExpiresAt, IPAddress: f.IPAddress, UserAgent: f.UserAgent,
			Current: f.SessionID == p.SessionID})
	}
	httpx.OK(w, out)
}
