package apidoc_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/ternant/ternant/server/apidoc"
	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/identity"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/money"
)

type createThing struct {
	Name  string       `json:"name" validate:"required,min=2,max=255"`
	Pass  string       `json:"pass" validate:"required,password"`
	Kind  string       `json:"kind,omitempty" validate:"omitempty,oneof=a b"`
	Rent  money.Amount `json:"rent"`
	Start dbtypes.Date `json:"start"`
	Tags  []string     `json:"tags,omitempty"`
	Deep  *struct {
		X int `json:"x" validate:"gte=0"`
	} `json:"deep,omitempty"`
}

type thing struct {
	ID        string                 `json:"id"`
	Rent      money.Amount           `json:"rent"`
	Deposit   *money.Amount          `json:"deposit"`
	Start     dbtypes.Date           `json:"start"`
	CreatedAt dbtypes.Time           `json:"createdAt"`
	Amenities dbtypes.JSON[[]string] `json:"amenities"`
}

func TestDocumentIsValidOpenAPI(t *testing.T) {
	routes := []httpx.Route{
		{Method: http.MethodPost, Pattern: "/things", Access: identity.OA, Doc: httpx.Doc{Summary: "Create", Request: createThing{}, Response: thing{}}},
		{Method: http.MethodGet, Pattern: "/things", Access: identity.AnyUser, Doc: httpx.Doc{Summary: "List", Response: []thing{}, List: true,
			Query: []httpx.Param{{Name: "includeInactive", Type: "boolean"}}}},
		{Method: http.MethodGet, Pattern: "/things/{id}", Access: identity.AnyUser, Doc: httpx.Doc{Summary: "Get", Response: thing{}}},
		{Method: http.MethodDelete, Pattern: "/things/{id}", Access: identity.OA, Doc: httpx.Doc{Summary: "Delete", Status: 204}},
		{Method: http.MethodPost, Pattern: "/auth/login", Access: identity.Public, Doc: httpx.Doc{Summary: "Login", Status: 200}},
	}
	doc := apidoc.Build(routes, "api", "test")
	raw, err := doc.JSON()
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := loaded.Validate(context.Background()); err != nil {
		t.Fatalf("invalid OpenAPI: %v", err)
	}
	post := loaded.Paths.Find("/things").Post
	if post.Responses.Status(201) == nil || post.Security == nil || len(*post.Security) != 1 {
		t.Errorf("POST /things: responses %v security %v", post.Responses, post.Security)
	}
	body := post.RequestBody.Value.Content.Get("application/json").Schema.Value
	if !contains(body.Required, "name") || contains(body.Required, "kind") {
		t.Errorf("required = %v", body.Required)
	}
	name := body.Properties["name"].Value
	if name.MinLength != 2 || *name.MaxLength != 255 {
		t.Errorf("name rules = %d..%v", name.MinLength, name.MaxLength)
	}
	if pass := body.Properties["pass"].Value; pass.MinLength != 8 || pass.MaxLength == nil || *pass.MaxLength != 100 || pass.Description != httpx.PasswordMessage {
		t.Errorf("password rules = %d..%v %q", pass.MinLength, pass.MaxLength, pass.Description)
	}
	if got := body.Properties["kind"].Value.Enum; len(got) != 2 {
		t.Errorf("kind enum = %v", got)
	}
	if f := body.Properties["start"].Value.Format; f != "date" {
		t.Errorf("start format %q", f)
	}
	out := loaded.Paths.Find("/things/{id}").Get.Responses.Status(200).Value.Content.Get("application/json").Schema.Value
	if out.Properties["rent"].Value.Pattern == "" || !out.Properties["deposit"].Value.Nullable {
		t.Errorf("money schema: %+v", out.Properties["rent"].Value)
	}
	if !contains(out.Required, "createdAt") || out.AdditionalProperties.Has == nil || *out.AdditionalProperties.Has {
		t.Errorf("response schema must be closed and complete: required %v", out.Required)
	}
	if login := loaded.Paths.Find("/auth/login").Post; login.Responses.Status(200) == nil || len(*login.Security) != 0 {
		t.Errorf("login: public, 200")
	}
	list := loaded.Paths.Find("/things").Get.Responses.Status(200).Value
	if list.Headers["X-Total-Count"] == nil {
		t.Error("list lacks X-Total-Count")
	}
	var generic map[string]any
	_ = json.Unmarshal(raw, &generic)
	if !strings.Contains(string(raw), `"bearer"`) {
		t.Error("no bearer scheme")
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
