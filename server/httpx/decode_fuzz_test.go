package httpx

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// fuzzAddress and fuzzDTO exercise what real DTOs use: nested objects, arrays of objects,
// optional pointers, numbers, booleans, and the custom rules.
type fuzzAddress struct {
	Line string `json:"line" validate:"required,min=2,max=50"`
	Zip  *int   `json:"zip" validate:"omitempty,min=0,max=99999"`
}

type fuzzDTO struct {
	Name     string        `json:"name" validate:"required,min=2,max=100"`
	Email    string        `json:"email" validate:"required,email"`
	Password string        `json:"password" validate:"required,password"`
	Slug     *string       `json:"slug" validate:"omitempty,slug"`
	Born     *string       `json:"born" validate:"omitempty,isodate"`
	Role     *string       `json:"role" validate:"omitempty,oneof=OWNER ADMIN"`
	Count    *int          `json:"count" validate:"omitempty,gte=0,lte=20"`
	Active   *bool         `json:"active"`
	Tags     []string      `json:"tags" validate:"omitempty,max=5,dive,max=10"`
	Address  *fuzzAddress  `json:"address"`
	History  []fuzzAddress `json:"history" validate:"omitempty,dive"`
}

// leaks are fragments of Go or parser internals a client must never see.
var leaks = []string{"json:", "Go struct", "reflect", "unmarshal", "httpx.", "fuzzDTO", "invalid character"}

// FuzzDecode feeds arbitrary bodies to the strict decoder: it must never panic, must answer a 400
// in TernantApp's shape without internals, and whatever it accepts must pass validation again
// after a round trip.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"name":"Ann","email":"a@b.co","password":"Password123!"}`))
	f.Add([]byte(`{"name":"Ann","email":"a@b.co","password":"Password123!","address":{"line":"1 Road","zip":12},"history":[{"line":"xx"}],"tags":["a"],"count":3,"active":false,"born":"1990-01-02","slug":"a-b","role":"OWNER"}`))
	f.Add([]byte(`{"name":"A","email":"nope","password":"weak","admin":true}`))
	f.Add([]byte(`{"address":{"line":"x","extra":1},"history":[{"bad":1}]}`))
	f.Add([]byte(`[1,2]`))
	f.Add([]byte(`{"name":`))
	f.Add([]byte(`{"count":"3","active":"false","tags":"x"}`))
	f.Add([]byte(`{"born":"1991-02-03T00:00:00Z"}`))
	f.Add([]byte(``))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var dst fuzzDTO
		err := DecodeBytes(body, &dst)
		if err == nil {
			again, mErr := json.Marshal(dst)
			if mErr != nil {
				t.Fatalf("accepted value does not marshal: %v", mErr)
			}
			var dst2 fuzzDTO
			if err := DecodeBytes(again, &dst2); err != nil {
				t.Fatalf("accepted %q but rejected its round trip %q: %v", body, again, err)
			}
			return
		}
		var he *Error
		if !errors.As(err, &he) {
			t.Fatalf("error is not an HTTP error: %T %v", err, err)
		}
		if he.Status != http.StatusBadRequest {
			t.Fatalf("status %d for %q", he.Status, body)
		}
		msgs := append([]string{he.Message}, he.Messages...)
		for _, m := range msgs {
			for _, l := range leaks {
				if strings.Contains(m, l) {
					t.Fatalf("message %q leaks %q (body %q)", m, l, body)
				}
			}
		}
	})
}
