package httpx

import (
	"reflect"
	"testing"
)

type vAddress struct {
	Line string `json:"line" validate:"max=50,string,notempty"`
}

type vLength struct {
	Line string `json:"line" validate:"length=5:10,string"`
}

// TestLengthWordsByValue: Length's message depends on the value, as class-validator's does.
func TestLengthWordsByValue(t *testing.T) {
	for body, want := range map[string][]string{
		`{}`:                               {"line must be longer than or equal to 5 characters", "line must be a string"},
		`{"line":""}`:                      {"line must be longer than or equal to 5 characters"},
		`{"line":"abc"}`:                   {"line must be longer than or equal to 5 characters"},
		`{"line":"abcdefghijk"}`:           {"line must be shorter than or equal to 10 characters"},
		`{"line":7}`:                       {"line must be longer than or equal to 5 and shorter than or equal to 10 characters", "line must be a string"},
		`{"line":0}`:                       {"line must be longer than or equal to 5 characters", "line must be a string"},
		`{"line":[1,2,3,4,5,6,7,8,9,0,1]}`: {"line must be shorter than or equal to 10 characters", "line must be a string"},
		`{"line":"abcde"}`:                 nil,
	} {
		got := Validate([]byte(body), reflect.TypeOf(vLength{}))
		if !reflect.DeepEqual(got, want) && (len(got) != 0 || len(want) != 0) {
			t.Errorf("%s:\n got %q\nwant %q", body, got, want)
		}
	}
}

type vBody struct {
	Name    string     `json:"name" validate:"max=10,string,notempty"`
	Token   string     `json:"token" validate:"string,notempty"`
	Count   *int       `json:"count" validate:"omitnil,min=1,int"`
	Amount  *int       `json:"amount" validate:"gte=0,defined"`
	Tags    []string   `json:"tags" validate:"optional,max=2,dive,email"`
	Kind    *string    `json:"kind" validate:"optional,oneof=a b"`
	Home    *vAddress  `json:"home"`
	History []vAddress `json:"history" validate:"optional"`
	Items   []vAddress `json:"items" validate:"optional,max=1"`
	Note    *string    `json:"note"`
}

// TestValidateFollowsClassValidator pins the engine's semantics: unknown properties first in
// JavaScript key order, then each field's failing rules in tag order with IsDefined first, nested
// paths, parent messages dropped when children fail, "each value in", and optional fields.
func TestValidateFollowsClassValidator(t *testing.T) {
	const ok = `"name":"Ann","token":"t","amount":1`
	for _, tc := range []struct {
		name, body string
		want       []string
	}{
		{"valid", `{` + ok + `}`, nil},
		{"missing fields: one message per failing rule, IsDefined first", `{}`, []string{
			"name must be shorter than or equal to 10 characters", "name must be a string", "name should not be empty",
			"token must be a string", "token should not be empty",
			"amount should not be null or undefined", "amount must not be less than 0",
		}},
		{"null is missing for required fields and skipped for optional ones", `{"name":null,"token":"t","amount":1,"count":null,"kind":null,"home":null,"note":null}`, []string{
			"name must be shorter than or equal to 10 characters", "name must be a string", "name should not be empty",
		}},
		{"unknown properties in body order, array indexes first, with the known fields' failures", `{"zzz":1,"email":"x",` + ok + `,"10":1,"2":1,"aaa":1,"name":"Ann Annabelle"}`, []string{
			"property 2 should not exist", "property 10 should not exist", "property zzz should not exist",
			"property email should not exist", "property aaa should not exist",
			"name must be shorter than or equal to 10 characters",
		}},
		{"wrong types", `{"name":5,"token":true,"amount":"x","count":1.5}`, []string{
			"name must be shorter than or equal to 10 characters", "name must be a string",
			"token must be a string",
			"count must be an integer number",
			"amount must not be less than 0", "amount must be an integer number",
		}},
		{"empty string is not skipped by optional", `{` + ok + `,"kind":""}`, []string{
			"kind must be one of the following values: a, b",
		}},
		{"each value in", `{` + ok + `,"tags":["a@b.co","nope","x"]}`, []string{
			"tags must contain no more than 2 elements", "each value in tags must be an email",
		}},
		{"nested object and array paths; unknown nested keys at the field's place", `{` + ok + `,"home":{"x":1,"line":""},"history":[{"line":"ok"},{},7]}`, []string{
			"home.property x should not exist", "home.line should not be empty",
			"history.1.line must be shorter than or equal to 50 characters", "history.1.line must be a string", "history.1.line should not be empty",
			"history.nested property history must be either object or array",
		}},
		{"nested value of the wrong type", `{` + ok + `,"home":"x"}`, []string{"nested property home must be either object or array"}},
		{"nested value of the wrong type keeps the field's own failures", `{` + ok + `,"items":5}`, []string{
			"items must contain no more than 1 elements", "nested property items must be either object or array"}},
		{"failures inside a nested array replace the field's own", `{` + ok + `,"items":[{},{"line":"x"}]}`, []string{
			"items.0.line must be shorter than or equal to 50 characters", "items.0.line must be a string", "items.0.line should not be empty"}},
		{"string length counts UTF-16 units", `{` + ok + `,"home":{"line":"` + repeat("😀", 26) + `"}}`, []string{"home.line must be shorter than or equal to 50 characters"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Validate([]byte(tc.body), reflect.TypeOf(vBody{}))
			if !reflect.DeepEqual(got, tc.want) && (len(got) != 0 || len(tc.want) != 0) {
				t.Errorf("messages\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func repeat(s string, n int) string {
	out := ""
	for range n {
		out += s
	}
	return out
}
