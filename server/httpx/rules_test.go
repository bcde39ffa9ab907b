package httpx

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

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
		Notes    string                        `json:"notes" validate:"maxbytes=4"`
		Meta     any                           `json:"meta" validate:"omitempty,maxdepth=2"`
		PaidAt   *dbtypes.Time                 `json:"paidAt" validate:"omitempty,tsrange"`
		Password string                        `json:"password" validate:"omitempty,maxbytes=72"`
		Extra    map[string]any                `json:"extra" validate:"omitempty,maxdepth=1"`
		Doc      dbtypes.JSON[json.RawMessage] `json:"doc" validate:"maxbytes=12,maxdepth=2"`
		Amount   *int64                        `json:"amount" validate:"omitnil,positive"`
	}
	at := func(s string) *dbtypes.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return &dbtypes.Time{Time: tm}
	}
	for _, tc := range []struct {
		name string
		in   body
		msg  string
	}{
		{"at the limits", body{Notes: "éé", Meta: []any{[]any{1}}, PaidAt: at("2038-01-19T03:14:07Z"), Password: strings.Repeat("a", 72)}, ""},
		{"earliest timestamp", body{PaidAt: at("1970-01-01T00:00:01Z")}, ""},
		{"bytes, not characters", body{Notes: "ééé"}, "notes must be shorter than or equal to 4 bytes"},
		{"too deep", body{Meta: []any{[]any{[]any{1}}}}, "meta must not be nested deeper than 2 levels"},
		{"map too deep", body{Extra: map[string]any{"a": map[string]any{}}}, "extra must not be nested deeper than 1 levels"},
		{"year 1", body{PaidAt: at("0001-01-01T00:00:00Z")}, "paidAt must be a date from 1970-01-01T00:00:01Z to 2038-01-19T03:14:07Z"},
		{"past 2038", body{PaidAt: at("2038-01-19T03:14:08Z")}, "paidAt must be a date from 1970-01-01T00:00:01Z to 2038-01-19T03:14:07Z"},
		{"bcrypt's limit", body{Password: strings.Repeat("a", 73)}, "password must be shorter than or equal to 72 bytes"},
		{"positive", body{Amount: new(int64(1))}, ""},
		{"zero is not positive", body{Amount: new(int64(0))}, "amount must be a positive number"},
		{"negative", body{Amount: new(int64(-100))}, "amount must be a positive number"},
		{"JSON column at the limits", body{Doc: dbtypes.JSONOf(json.RawMessage(`[[1234567]]`))}, ""},
		{"JSON column too deep", body{Doc: dbtypes.JSONOf(json.RawMessage(`[[[1]]]`))}, "doc must not be nested deeper than 2 levels"},
		{"JSON column too large", body{Doc: dbtypes.JSONOf(json.RawMessage(`"1234567890123"`))}, "doc must be shorter than or equal to 12 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate(tc.in)
			switch {
			case tc.msg == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.msg != "" && (err == nil || !strings.Contains(err.Error(), tc.msg)):
				t.Errorf("err = %v, want %q", err, tc.msg)
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
