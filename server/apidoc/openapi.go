// Package apidoc generates Ternant's OpenAPI 3.0 document from the server's route table, so the
// document cannot drift from the code, and serves it with an offline documentation page.
package apidoc

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"github.com/ternant/ternant/server/httpx"
)

// Document is the OpenAPI root object.
type Document struct {
	OpenAPI    string               `json:"openapi"`
	Info       Info                 `json:"info"`
	Servers    []Server             `json:"servers"`
	Tags       []Tag                `json:"tags"`
	Paths      map[string]*PathItem `json:"paths"`
	Components Components           `json:"components"`
}

// Info describes the API.
type Info struct {
	Title       string `json:"title"`
	Version     string `json:"version"`
	Description string `json:"description"`
}

// Server is a base URL.
type Server struct {
	URL string `json:"url"`
}

// Tag groups operations.
type Tag struct {
	Name string `json:"name"`
}

// PathItem holds a path's operations by lower-case method.
type PathItem map[string]*Operation

// Operation is one method on one path.
type Operation struct {
	OperationID string                `json:"operationId"`
	Summary     string                `json:"summary,omitempty"`
	Tags        []string              `json:"tags"`
	Parameters  []Parameter           `json:"parameters,omitempty"`
	RequestBody *RequestBody          `json:"requestBody,omitempty"`
	Responses   map[string]*Response  `json:"responses"`
	Security    []map[string][]string `json:"security"`
}

// Parameter is a path or query parameter.
type Parameter struct {
	Name        string  `json:"name"`
	In          string  `json:"in"`
	Required    bool    `json:"required"`
	Description string  `json:"description,omitempty"`
	Schema      *Schema `json:"schema"`
}

// RequestBody is a JSON body.
type RequestBody struct {
	Required bool                 `json:"required"`
	Content  map[string]MediaType `json:"content"`
}

// MediaType wraps a schema.
type MediaType struct {
	Schema *Schema `json:"schema"`
}

// Response is one status's answer.
type Response struct {
	Description string               `json:"description"`
	Headers     map[string]Header    `json:"headers,omitempty"`
	Content     map[string]MediaType `json:"content,omitempty"`
}

// Header is a response header.
type Header struct {
	Description string  `json:"description,omitempty"`
	Schema      *Schema `json:"schema"`
}

// Components holds the shared schemas and security schemes.
type Components struct {
	Schemas         map[string]*Schema        `json:"schemas"`
	SecuritySchemes map[string]SecurityScheme `json:"securitySchemes"`
}

// SecurityScheme is the bearer JWT scheme.
type SecurityScheme struct {
	Type         string `json:"type"`
	Scheme       string `json:"scheme"`
	BearerFormat string `json:"bearerFormat"`
}

var pathParam = regexp.MustCompile(`\{([a-zA-Z0-9_]+)(:[^}]*)?\}`)

// Build makes the document for routes mounted under /{prefix}/v1.
func Build(routes []httpx.Route, prefix, version string) *Document {
	d := &Document{
		OpenAPI: "3.0.3",
		Info: Info{Title: "Ternant API", Version: version, Description: "Property-management REST API, wire-compatible with TernantApp v1.0.1. " +
			"Errors use {statusCode, message, error}; money is a two-decimal string; dates are YYYY-MM-DD."},
		Servers: []Server{{URL: "/" + prefix + "/v1"}},
		Paths:   map[string]*PathItem{},
		Components: Components{
			Schemas:         map[string]*Schema{"Error": errorSchema()},
			SecuritySchemes: map[string]SecurityScheme{"bearer": {Type: "http", Scheme: "bearer", BearerFormat: "JWT"}},
		},
	}
	tags := map[string]bool{}
	for _, r := range routes {
		path := pathParam.ReplaceAllString(r.Pattern, "{$1}")
		item := d.Paths[path]
		if item == nil {
			item = &PathItem{}
			d.Paths[path] = item
		}
		tag := strings.Split(strings.Trim(r.Pattern, "/"), "/")[0]
		tags[tag] = true
		(*item)[strings.ToLower(r.Method)] = operation(r, path, tag)
	}
	for t := range tags {
		d.Tags = append(d.Tags, Tag{Name: t})
	}
	sort.Slice(d.Tags, func(i, j int) bool { return d.Tags[i].Name < d.Tags[j].Name })
	return d
}

// JSON renders the document.
func (d *Document) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("render OpenAPI document: %w", err)
	}
	return b, nil
}

func operation(r httpx.Route, path, tag string) *Operation {
	op := &Operation{
		OperationID: operationID(r.Method, path),
		Summary:     r.Doc.Summary,
		Tags:        []string{tag},
		Responses:   map[string]*Response{},
		Security:    []map[string][]string{{"bearer": {}}},
	}
	if r.Access.Public {
		op.Security = []map[string][]string{}
	}
	for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
		s := &Schema{Type: "string"}
		if m[1] == "id" || strings.HasSuffix(m[1], "Id") {
			s.Format = "uuid"
		}
		op.Parameters = append(op.Parameters, Parameter{Name: m[1], In: "path", Required: true, Schema: s})
	}
	for _, q := range r.Doc.Query {
		s := &Schema{Type: q.Type, Format: q.Format}
		if s.Type == "" {
			s.Type = "string"
		}
		for _, e := range q.Enum {
			s.Enum = append(s.Enum, e)
		}
		op.Parameters = append(op.Parameters, Parameter{Name: q.Name, In: "query", Required: q.Required, Description: q.Description, Schema: s})
	}
	if r.Doc.List {
		one, maxLimit, zero := 1.0, float64(httpx.MaxLimit), 0.0
		op.Parameters = append(op.Parameters,
			Parameter{Name: "limit", In: "query", Description: "page size (default 100)", Schema: &Schema{Type: "integer", Minimum: &one, Maximum: &maxLimit}},
			Parameter{Name: "offset", In: "query", Description: "rows to skip", Schema: &Schema{Type: "integer", Minimum: &zero}})
	}
	if r.Doc.Request != nil {
		op.RequestBody = &RequestBody{Required: true, Content: map[string]MediaType{
			"application/json": {Schema: schemaFor(reflect.TypeOf(r.Doc.Request), input, map[reflect.Type]bool{})},
		}}
	}

	ok := &Response{Description: http.StatusText(r.SuccessStatus()), Headers: rateHeaders()}
	if r.Doc.Response != nil {
		ok.Content = map[string]MediaType{"application/json": {Schema: schemaFor(reflect.TypeOf(r.Doc.Response), output, map[reflect.Type]bool{})}}
		if r.Doc.CSV {
			ok.Content["text/csv"] = MediaType{Schema: &Schema{Type: "string"}}
		}
	}
	if r.Doc.List {
		ok.Headers["X-Total-Count"] = Header{Description: "rows before paging", Schema: &Schema{Type: "integer"}}
	}
	op.Responses[fmt.Sprint(r.SuccessStatus())] = ok
	errs := []int{http.StatusBadRequest, http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity,
		http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusTooManyRequests, http.StatusServiceUnavailable}
	if !r.Access.Public {
		errs = append(errs, http.StatusUnauthorized, http.StatusForbidden)
	}
	if r.Pattern == "/auth/login" || r.Pattern == "/auth/refresh" {
		errs = append(errs, http.StatusUnauthorized)
	}
	errs = append(errs, r.Doc.Errors...)
	for _, code := range errs {
		op.Responses[fmt.Sprint(code)] = &Response{Description: http.StatusText(code), Headers: rateHeaders(),
			Content: map[string]MediaType{"application/json": {Schema: &Schema{Ref: "#/components/schemas/Error"}}}}
	}
	op.Responses["500"] = &Response{Description: "Internal Server Error",
		Content: map[string]MediaType{"application/json": {Schema: &Schema{Ref: "#/components/schemas/Error"}}}}
	return op
}

func rateHeaders() map[string]Header {
	return map[string]Header{
		"X-RateLimit-Limit":     {Description: "requests allowed per window", Schema: &Schema{Type: "integer"}},
		"X-RateLimit-Remaining": {Description: "requests left in the window", Schema: &Schema{Type: "integer"}},
		"X-RateLimit-Reset":     {Description: "seconds until the window resets", Schema: &Schema{Type: "integer"}},
	}
}

// errorSchema is TernantApp's (NestJS's) error body.
func errorSchema() *Schema {
	return &Schema{Type: "object", Required: []string{"statusCode", "message"}, Properties: map[string]*Schema{
		"statusCode": {Type: "integer"},
		"message":    {OneOf: []*Schema{{Type: "string"}, {Type: "array", Items: &Schema{Type: "string"}}}},
		"error":      {Type: "string"},
	}}
}

// operationID is "getCompoundsById"-style: method plus the path's words.
func operationID(method, path string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, part := range strings.Split(path, "/") {
		if part == "" {
			continue
		}
		by := strings.HasPrefix(part, "{")
		part = strings.Trim(part, "{}")
		if by {
			b.WriteString("By")
		}
		for _, w := range strings.FieldsFunc(part, func(r rune) bool { return r == '-' || r == '_' }) {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}
