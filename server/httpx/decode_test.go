package httpx

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
)

type owner struct {
	FirstName string `json:"firstName" validate:"required,min=2,max=100"`
	Email     string `json:"email" validate:"required,email"`
	Password  string `json:"password" validate:"required,password"`
}

type register struct {
	Company struct {
		Name string `json:"name" validate:"required,min=2,max=255"`
		Slug string `json:"slug" validate:"required,min=2,max=100,slug"`
	} `json:"company"`
	Owner owner    `json:"owner"`
	Tags  []string `json:"tags,omitempty"`
	Floor *int     `json:"floor,omitempty" validate:"omitempty,gte=0"`
	Born  string   `json:"born,omitempty" validate:"omitempty,isodate"`
	Role  string   `json:"role,omitempty" validate:"omitempty,oneof=OWNER ADMIN"`
}

func decodeErr(t *testing.T, body string) *Error {
	t.Helper()
	var dst register
	err := DecodeBytes([]byte(body), &dst)
	var he *Error
	if !errors.As(err, &he) {
		t.Fatalf("body %s: err = %v, want *Error", body, err)
	}
	return he
}

const validBody = `{"company":{"name":"Acme","slug":"acme"},"owner":{"firstName":"Ann","email":"a@b.co","password":"Password123!"}}`

func TestDecodeAcceptsValidBody(t *testing.T) {
	var dst register
	if err := DecodeBytes([]byte(validBody), &dst); err != nil {
		t.Fatal(err)
	}
	if dst.Company.Slug != "acme" || dst.Owner.Email != "a@b.co" {
		t.Errorf("decoded %+v", dst)
	}
}

func TestDecodeRejections(t *testing.T) {
	cases := []struct {
		name, body string
		status     int
		msgs       []string
		msg        string
	}{
		{"unknown fields listed, nested too", `{"admin":true,"zz":1,"company":{"name":"Acme","slug":"acme","x":1},"owner":{"firstName":"Ann","email":"a@b.co","password":"Password123!"}}`,
			400, []string{"property admin should not exist", "property zz should not exist", "company.property x should not exist"}, ""},
		{"malformed JSON", `{"company":`, 400, nil, "Malformed JSON in request body"},
		{"not an object", `[1,2]`, 400, []string{"request body must be a JSON object"}, ""},
		{"wrong type", `{"company":{"name":5,"slug":"acme"}}`, 400, []string{
			"company.name must be longer than or equal to 2 characters",
			"company.name must be shorter than or equal to 255 characters",
			"company.name must be a string",
		}, ""},
		{"wrong int type", `{"floor":"x"}`, 400, []string{"floor must not be less than 0", "floor must be an integer number"}, ""},
		{"every failing field", `{"company":{"name":"A","slug":"Bad Slug"},"owner":{"firstName":"","email":"nope","password":"weak"},"floor":-1,"born":"1991-02-03T00:00:00Z","role":"KING"}`,
			400, []string{
				"company.name must be longer than or equal to 2 characters",
				"company.slug must match /^[a-z0-9-]+$/ regular expression",
				"owner.firstName should not be empty",
				"owner.firstName must be longer than or equal to 2 characters",
				"owner.email must be an email",
				PasswordMessage,
				"floor must not be less than 0",
				"born must be a valid ISO 8601 date string",
				"role must be one of the following values: OWNER, ADMIN",
			}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			he := decodeErr(t, tc.body)
			if he.Status != tc.status {
				t.Errorf("status %d, want %d", he.Status, tc.status)
			}
			if tc.msgs != nil && !reflect.DeepEqual(he.Messages, tc.msgs) {
				t.Errorf("messages\n got %q\nwant %q", he.Messages, tc.msgs)
			}
			if tc.msg != "" && he.Message != tc.msg {
				t.Errorf("message %q, want %q", he.Message, tc.msg)
			}
		})
	}
}

func TestDecodeContentTypeAndSize(t *testing.T) {
	req := httptest.NewRequest("POST", "/", strings.NewReader(validBody))
	req.Header.Set("Content-Type", "text/plain")
	var dst register
	var he *Error
	if err := Decode(req, &dst); !errors.As(err, &he) || he.Status != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain: %v", err)
	}
	var decodeErr error
	capped := MaxBody(64)(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { decodeErr = Decode(r, &dst) }))
	req = httptest.NewRequest("POST", "/", strings.NewReader(validBody))
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	capped.ServeHTTP(httptest.NewRecorder(), req)
	if !errors.As(decodeErr, &he) || he.Status != http.StatusRequestEntityTooLarge || he.Message != "Request body larger than 64 bytes" {
		t.Errorf("oversized: %v", decodeErr)
	}
}

func TestWriteErrorShapes(t *testing.T) {
	cases := []struct {
		err  error
		code int
		body string
	}{
		{Invalid("a must be a string", "b should not be empty"), 400, `{"message":["a must be a string","b should not be empty"],"error":"Bad Request","statusCode":400}`},
		{NotFound("Compound with ID x not found"), 404, `{"message":"Compound with ID x not found","error":"Not Found","statusCode":404}`},
		{errors.New("boom: secret detail"), 500, `{"message":"Internal server error","statusCode":500}`},
	}
	for _, tc := range cases {
		rec := httptest.NewRecorder()
		WriteError(rec, httptest.NewRequest("GET", "/", nil), tc.err)
		if rec.Code != tc.code || rec.Body.String() != tc.body {
			t.Errorf("%v: %d %s, want %d %s", tc.err, rec.Code, rec.Body, tc.code, tc.body)
		}
	}
}

func TestQueryParsing(t *testing.T) {
	r := httptest.NewRequest("GET", "/?includeInactive=false&limit=5&offset=10", nil)
	if b, err := QueryBool(r, "includeInactive", true); err != nil || b {
		t.Errorf(`"false" parsed as %v (%v); TernantApp's Boolean("false") bug must not be reproduced`, b, err)
	}
	if p, err := PageFrom(r); err != nil || p.Limit != 5 || p.Offset != 10 {
		t.Errorf("page %+v %v", p, err)
	}
	for _, q := range []string{"limit=0", "limit=1001", "limit=x", "offset=-1"} {
		if _, err := PageFrom(httptest.NewRequest("GET", "/?"+q, nil)); err == nil {
			t.Errorf("%s accepted", q)
		}
	}
	if _, err := QueryBool(httptest.NewRequest("GET", "/?x=maybe", nil), "x", false); err == nil {
		t.Error("x=maybe accepted as a boolean")
	}
}

func TestRealIPTrustsOnlyConfiguredProxies(t *testing.T) {
	cfgTrusted := mustPrefixes(t, "10.0.0.0/8")
	var got string
	h := RealIP(cfgTrusted)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = ClientIP(r.Context()) }))
	cases := []struct{ remote, xff, want string }{
		{"203.0.113.9:1234", "1.2.3.4", "203.0.113.9"},             // untrusted peer: header ignored
		{"10.1.2.3:1234", "1.2.3.4", "1.2.3.4"},                    // trusted proxy
		{"10.1.2.3:1234", "6.6.6.6, 1.2.3.4, 10.9.9.9", "1.2.3.4"}, // right-most untrusted hop
		{"10.1.2.3:1234", "garbage", "10.1.2.3"},                   // unparsable header
	}
	for _, tc := range cases {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.remote
		r.Header.Set("X-Forwarded-For", tc.xff)
		h.ServeHTTP(httptest.NewRecorder(), r)
		if got != tc.want {
			t.Errorf("remote %s xff %q: client %q, want %q", tc.remote, tc.xff, got, tc.want)
		}
	}
}
