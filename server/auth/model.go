package auth

// LoginRequest is POST /auth/login's body.
type LoginRequest struct {
	Email    string `json:"email" validate:"email,notempty"`
	Password string `json:"password" validate:"min=8,string,notempty"`
}

// RefreshRequest is POST /auth/refresh's body.
type RefreshRequest struct {
	RefreshToken string `json:"refreshToken" validate:"string,notempty"`
}

// LoginUser is the user object of a login response.
type LoginUser struct {
	ID           string  `json:"id"`
	CompanyID    *string `json:"companyId"`
	FirstName    string  `json:"firstName"`
	LastName     string  `json:"lastName"`
	Email        string  `json:"email"`
	Role         string  `json:"role"`
	IsSuperAdmin bool    `json:"isSuperAdmin"`
	Status       string  `json:"status"`
	Company      any     `json:"company"`
}

// LoginResponse is POST /auth/login's 200 body.
type LoginResponse struct {
	Message string    `json:"message"`
	User    LoginUser `json:"user"`
	Company any       `json:"company"`
	Tokens  Tokens    `json:"tokens"`
}

// RefreshResponse is POST /auth/refresh's 200 body.
type RefreshResponse struct {
	Message string `json:"message"`
	Tokens  Tokens `json:"tokens"`
}

// SessionsResponse is GET /auth/sessions' body.
type SessionsResponse struct {
	SessionCount int           `json:"sessionCount"`
	Sessions     []SessionView `json:"sessions"`
}

// SessionView is one session (login) in GET /auth/sessions; the ids of its current token pair
// stay internal.
type SessionView struct {
	SessionID   string `json:"sessionId"`
	CreatedAt   string `json:"createdAt"`
	RefreshedAt string `json:"lastRefreshedAt"`
	ExpiresAt   string `json:"expiresAt"`
	IPAddress   string `json:"ipAddress"`
	UserAgent   string `json:"userAgent"`
	Current     bool   `json:"current"`
}
