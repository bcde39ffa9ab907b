package auth_test

import (
	"net/http"
	"testing"

	"github.com/ternant/ternant/server/auth"
	"github.com/ternant/ternant/server/servertest"
)

// BenchmarkParseAccess is the CPU part of authentication: HS256 verification and claims checks.
func BenchmarkParseAccess(b *testing.B) {
	s := auth.NewSigner("benchmark-access-secret-0123456789abcdef", "benchmark-refresh-secret-0123456789abcdef")
	claims := auth.Claims{Type: "access", Email: "owner@example.com", Role: "OWNER", SessionID: "s1"}
	claims.Subject = "user-1"
	tok, err := s.Sign(claims)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.ParseAccess(tok); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAuthenticatedRequest is a whole authenticated request against MariaDB and Redis:
// rate-limit decision, JWT verification, the session check in Redis and the guard (GET /auth/me).
func BenchmarkAuthenticatedRequest(b *testing.B) {
	inst := servertest.Start(b, nil)
	token, _ := inst.RegisterCompany(b, "bench-auth")
	req, _ := http.NewRequest(http.MethodGet, inst.URL+"/api/v1/auth/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	for b.Loop() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("%v %v", resp, err)
		}
		resp.Body.Close()
	}
}
