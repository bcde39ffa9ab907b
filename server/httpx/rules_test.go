package httpx

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/ternant/ternant/server/platform/dbtypes"
)

func TestJSONDepthOf(t *testing.T) {
	for raw, want := range map[string]int{
		`1`: 0, `"[[["`: 0, `{}`: 1, `{"a":[1,{"b":2}]}`: 3, `["\"]"]`: 1,
		strings.Repeat("[", 33) + strings.Repeat("]", 33): 33,
	} {
		if got := JSONDepthOf([]byte(raw)); got != want {
			t.Errorf("JSONDepthOf(%s) = %d, want %d", raw, got, want)
		}
	}
}

// TestSchemaRules: the rules for the schema's limits accept their boundary and refuse one past it,
// with a message naming the field.
func TestSchemaRules(t *testing.T) {
	type body struct {
		Notes    *string                       `json:"notes" validate:"omitnil,maxbytes=4"`
		Meta     any                           `json:"meta" validate:"omitnil,maxdepth=2"`
		PaidAt   *dbtypes.Time                 `json:"paidAt" validate:"omitnil,tsrange"`
		Password *string                       `json:"password" validate:"omitnil,maxbytes=72"`
		Doc      dbtypes.JSON[json.RawMessage] `json:"doc" validate:"omitnil,maxbytes=12,maxdepth=2"`
	}
	for _, tc := range []struct {
		name, body, msg string
	}{
		{"at the limits", `{"notes":"éé","meta":[[1]],"paidAt":"2038-01-19T03:14:07Z","password":"` + strings.Repeat("a", 72) + `","doc":[[1234567]]}`, ""},
		{"earliest timestamp", `{"paidAt":"1970-01-01T00:00:01Z"}`, ""},
		{"bytes, not characters", `{"notes":"ééé"}`, "notes must be shorter than or equal to 4 bytes"},
		{"too deep", `{"meta":[[[1]]]}`, "meta must not be nested deeper than 2 levels"},
		{"year 1", `{"paidAt":"0001-01-01T00:00:00Z"}`, "paidAt must be a date from 1970-01-01T00:00:01Z to 2038-01-19T03:14:07Z"},
		{"past 2038", `{"paidAt":"2038-01-19T03:14:08Z"}`, "paidAt must be a date from 1970-01-01T00:00:01Z to 2038-01-19T03:14:07Z"},
		{"bcrypt's limit", `{"password":"` + strings.Repeat("a", 73) + `"}`, "password must be shorter than or equal to 72 bytes"},
		{"JSON column too deep", `{"doc":[[[1]]]}`, "doc must not be nested deeper than 2 levels"},
		{"JSON column too large", `{"doc":"1234567890123"}`, "doc must be shorter than or equal to 12 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msgs := strings.Join(Validate([]byte(tc.body), reflect.TypeOf(body{})), "; ")
			switch {
			case tc.msg == "" && msgs != "":
				t.Errorf("refused: %s", msgs)
			case tc.msg != "" && !strings.Contains(msgs, tc.msg):
				t.Errorf("messages = %q, want %q", msgs, tc.msg)
			}
		})
	}
}

func TestCacheablePage(t *testing.T) {
	for _, tc := range []struct {
		p    Page
		want bool
	}{
		{Page{Limit: DefaultLimit}, true}, {Page{Limit: 25, Offset: 50}, true}, {Page{Limit: 1, Offset: 9}, true},
		{Page{Limit: 37}, false}, {Page{Limit: MaxLimit}, false}, {Page{Limit: 100, Offset: 1000}, false}, {Page{Limit: 100, Offset: 5}, false},
	} {
		if got := CacheablePage(tc.p); got != tc.want {
			t.Errorf("CacheablePage(%+v) = %v, want %v", tc.p, got, tc.want)
		}
	}
}

// TestResponseSizeIsBounded: a success body over MaxResponseBytes, encoded here or cached, is
// answered 400 asking for fewer rows; errors and bodies within the limit pass unchanged.
func TestResponseSizeIsBounded(t *testing.T) {
	defer func(n int) { MaxResponseBytes = n }(MaxResponseBytes)
	MaxResponseBytes = 100
	for _, v := range []any{[]string{strings.Repeat("x", 200)}, json.RawMessage(`"` + strings.Repeat("x", 200) + `"`)} {
		rec := httptest.NewRecorder()
		WriteJSON(rec, http.StatusOK, v)
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "Response too large") {
			t.Errorf("%T over the limit = %d %s", v, rec.Code, rec.Body)
		}
	}
	rec := httptest.NewRecorder()
	WriteJSON(rec, http.StatusOK, []string{"small"})
	if rec.Code != http.StatusOK || rec.Body.String() != `["small"]` {
		t.Errorf("within the limit = %d %s", rec.Code, rec.Body)
	}
}
