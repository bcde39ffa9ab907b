package servertest

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/ternant/ternant/internal/testenv"
	"github.com/ternant/ternant/server/auth"
	"github.com/ternant/ternant/server/identity"
	"github.com/ternant/ternant/server/users"
)

// Password is the password every user the helpers create has (it meets the password policy).
const Password = "Password123!"

// OwnerEmail is the email RegisterCompany gives a company's owner.
func OwnerEmail(slug string) string { return "owner@" + slug + ".test" }

// RegisterCompany registers a company through POST /companies/register and returns its owner's
// access token and the company id. The owner is OwnerEmail(slug) with Password.
func (i *Instance) RegisterCompany(t testing.TB, slug string) (accessToken, companyID string) {
	t.Helper()
	resp := i.Do(t, Request{Method: http.MethodPost, Path: "/api/v1/companies/register", Body: map[string]any{
		"company": map[string]any{"name": "Company " + slug, "slug": slug, "email": "info@" + slug + ".test",
			"phone": "+254700000000", "currency": "KES", "timezone": "Africa/Nairobi"},
		"owner": map[string]any{"firstName": "Olive", "lastName": "Owner", "email": OwnerEmail(slug),
			"password": Password, "phone": "+254700000001"},
	}})
	if resp.Status != http.StatusCreated {
		t.Fatalf("register company %q: %d %s", slug, resp.Status, resp.Body)
	}
	var out struct {
		Company struct{ ID string }
		Tokens  struct{ AccessToken string }
	}
	resp.JSON(t, &out)
	return out.Tokens.AccessToken, out.Company.ID
}

// Login logs in through POST /auth/login and returns the access token.
func (i *Instance) Login(t testing.TB, email, password string) string {
	t.Helper()
	return i.LoginTokens(t, email, password).AccessToken
}

// LoginTokens logs in and returns both tokens.
func (i *Instance) LoginTokens(t testing.TB, email, password string) auth.Tokens {
	t.Helper()
	resp := i.Do(t, Request{Method: http.MethodPost, Path: "/api/v1/auth/login",
		Body: map[string]string{"email": email, "password": password}})
	if resp.Status != http.StatusOK {
		t.Fatalf("login %s: %d %s", email, resp.Status, resp.Body)
	}
	var out struct{ Tokens auth.Tokens }
	resp.JSON(t, &out)
	return out.Tokens
}

// CreateUser inserts an active user with role into the company (companyID "" for none) directly in
// the database and returns its email; the password is Password.
func (i *Instance) CreateUser(t testing.TB, companyID string, role identity.Role) (email, id string) {
	t.Helper()
	email = strings.ToLower(string(role)) + "-" + testenv.Unique() + "@users.test"
	var company *string
	if companyID != "" {
		company = &companyID
	}
	svc := &users.Service{DB: i.DB, Hash: func(pw string) (string, error) { return auth.HashPassword(pw, 4) }}
	u, err := svc.Insert(context.Background(), i.DB, users.NewUser{CompanyID: company, FirstName: "Test",
		LastName: string(role), Email: email, Password: Password, Role: string(role), IsSuperAdmin: role == identity.SuperAdmin})
	if err != nil {
		t.Fatalf("create %s user: %v", role, err)
	}
	return email, u.ID
}

// UserToken creates a user with role in the company and returns its access token.
func (i *Instance) UserToken(t testing.TB, companyID string, role identity.Role) string {
	t.Helper()
	email, _ := i.CreateUser(t, companyID, role)
	return i.Login(t, email, Password)
}

// SuperAdminToken creates a platform super admin (no company) and returns its access token.
func (i *Instance) SuperAdminToken(t testing.TB) string {
	t.Helper()
	return i.UserToken(t, "", identity.SuperAdmin)
}
