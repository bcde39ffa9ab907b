package auth

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const (
	fuzzAccessSecret  = "fuzz-access-secret-0123456789abcdef"
	fuzzRefreshSecret = "fuzz-refresh-secret-0123456789abcdef"
)

func fuzzSigner() *Signer { return NewSigner(fuzzAccessSecret, fuzzRefreshSecret) }

// FuzzParseAccess feeds arbitrary strings to the access-token parser: it must never panic, and
// anything it accepts must be an unexpired HS256 token signed with the access secret that names a
// user and a session.
func FuzzParseAccess(f *testing.F) {
	s := fuzzSigner()
	company := "0190a5c4-0000-7000-8000-00000000000a"
	access, err := s.Sign(Claims{CompanyID: &company, Email: "a@b.co", Role: "OWNER", SessionID: "s1",
		Type: TypeAccess, RegisteredClaims: registered("u1")})
	if err != nil {
		f.Fatal(err)
	}
	refresh, err := s.Sign(Claims{SessionID: "r1", Type: TypeRefresh, RegisteredClaims: registered("u1")})
	if err != nil {
		f.Fatal(err)
	}
	parts := strings.Split(access, ".")
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."
	hs512, _ := jwt.NewWithClaims(jwt.SigningMethodHS512, jwt.MapClaims{"sub": "u1", "sessionId": "s1",
		"type": "access", "exp": time.Now().Add(time.Hour).Unix(), "iat": time.Now().Unix()}).SignedString([]byte(fuzzAccessSecret))
	for _, seed := range []string{access, refresh, none, hs512, parts[0] + "." + parts[1] + ".AAAA", "", "a.b.c", "...",
		"eyJhbGciOiJIUzI1NiJ9.e30.", strings.Repeat("A", 300)} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		c, err := s.ParseAccess(raw)
		if err != nil {
			if c != nil {
				t.Fatal("claims returned with an error")
			}
			return
		}
		if c.Subject == "" || c.SessionID == "" {
			t.Fatalf("accepted a token without sub or sessionId: %q", raw)
		}
		if c.ExpiresAt == nil || !c.ExpiresAt.After(time.Now()) {
			t.Fatalf("accepted an expired token: %q", raw)
		}
		head, _, _ := strings.Cut(raw, ".")
		hb, err := base64.RawURLEncoding.DecodeString(head)
		if err != nil {
			t.Fatalf("accepted an undecodable header: %q", raw)
		}
		var h struct{ Alg string }
		if err := json.Unmarshal(hb, &h); err != nil || h.Alg != "HS256" {
			t.Fatalf("accepted alg %q: %q", h.Alg, raw)
		}
		// The same bytes must not also verify under the refresh secret.
		if _, err := s.ParseRefresh(raw); err == nil {
			t.Fatalf("token verifies under both secrets: %q", raw)
		}
	})
}

func TestSignerRejects(t *testing.T) {
	s := fuzzSigner()
	now := time.Now()
	s.now = func() time.Time { return now.Add(-AccessTTL - time.Minute) }
	expired, err := s.Sign(Claims{SessionID: "s", Type: TypeAccess, RegisteredClaims: registered("u")})
	if err != nil {
		t.Fatal(err)
	}
	s.now = time.Now
	refresh, _ := s.Sign(Claims{SessionID: "r", Type: TypeRefresh, RegisteredClaims: registered("u")})
	noSession, _ := s.Sign(Claims{Type: TypeAccess, RegisteredClaims: registered("u")})
	other, _ := NewSigner("another-secret-0123456789abcdef0123", fuzzRefreshSecret).Sign(
		Claims{SessionID: "s", Type: TypeAccess, RegisteredClaims: registered("u")})
	cases := map[string]struct {
		raw  string
		want error
	}{
		"expired":        {expired, ErrTokenExpired},
		"refresh secret": {refresh, ErrTokenInvalid},
		"no session":     {noSession, ErrTokenInvalid},
		"foreign secret": {other, ErrTokenInvalid},
		"empty":          {"", ErrTokenInvalid},
	}
	for name, c := range cases {
		if _, err := s.ParseAccess(c.raw); err == nil || !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", name, err, c.want)
		}
	}
	if c, err := s.ParseRefresh(refresh); err != nil || c.Type != TypeRefresh || c.SessionID != "r" {
		t.Errorf("refresh token: %+v %v", c, err)
	}
}
