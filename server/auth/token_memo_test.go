package auth

import (
	"errors"
	"testing"
	"time"
)

// TestVerifiedTokenStillExpires parses a token (remembered as verified), then moves the clock past
// its expiry: the remembered token is refused as expired, and a token that never verified is
// refused however often it is presented.
func TestVerifiedTokenStillExpires(t *testing.T) {
	s := fuzzSigner()
	now := time.Now()
	s.now = func() time.Time { return now }
	tok, err := s.Sign(Claims{SessionID: "s", Type: TypeAccess, RegisteredClaims: registered("u")})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if c, err := s.ParseAccess(tok); err != nil || c.SessionID != "s" {
			t.Fatalf("fresh token: %+v %v", c, err)
		}
	}
	s.now = func() time.Time { return now.Add(AccessTTL) }
	if _, err := s.ParseAccess(tok); !errors.Is(err, ErrTokenExpired) {
		t.Fatalf("remembered token after its expiry: %v, want ErrTokenExpired", err)
	}
	forged := tok[:len(tok)-2] + "xx"
	for range 2 {
		if _, err := s.ParseAccess(forged); !errors.Is(err, ErrTokenInvalid) {
			t.Fatalf("tampered token: %v, want ErrTokenInvalid", err)
		}
	}
}
