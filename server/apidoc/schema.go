package apidoc

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/money"
)

// Schema is an OpenAPI 3.0 schema object (the subset Ternant's types need).
type Schema struct {
	Ref                  string             `json:"$ref,omitempty"`
	Type                 string             `json:"type,omitempty"`
	Format               string             `json:"format,omitempty"`
	Pattern              string             `json:"pattern,omitempty"`
	Enum                 []any              `json:"enum,omitempty"`
	Nullable             bool               `json:"nullable,omitempty"`
	MinLength            *int               `json:"minLength,omitempty"`
	MaxLength            *int               `json:"maxLength,omitempty"`
	Minimum              *float64           `json:"minimum,omitempty"`
	Maximum              *float64           `json:"maximum,omitempty"`
	MinItems             *int               `json:"minItems,omitempty"`
	Items                *Schema            `json:"items,omitempty"`
	Properties           map[string]*Schema `json:"properties,omitempty"`
	Required             []string           `json:"required,omitempty"`
	AdditionalProperties any                `json:"additionalProperties,omitempty"`
	OneOf                []*Schema          `json:"oneOf,omitempty"`
	Description          string             `json:"description,omitempty"`
	Example              any                `json:"example,omitempty"`
}

// mode selects request (input) or response (output) rules: inputs accept money as numbers too
// and list only the validator's required fields; outputs are exact and closed.
type mode int

const (
	input mode = iota
	output
)

var (
	amountType    = reflect.TypeOf(money.Amount(0))
	dateType      = reflect.TypeOf(dbtypes.Date{})
	dbTimeType    = reflect.TypeOf(dbtypes.Time{})
	timeType      = reflect.TypeOf(time.Time{})
	rawType       = reflect.TypeOf(json.RawMessage{})
	marshalerType = reflect.TypeOf((*json.Marshaler)(nil)).Elem()
)

// moneyPattern is TernantApp's decimal string: "53234.00".
const moneyPattern = `^-?\d+\.\d{2}$`

// schemaFor describes t. seen guards recursion.
func schemaFor(t reflect.Type, m mode, seen map[reflect.Type]bool) *Schema {
	nullable := false
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
		nullable = true
	}
	s := baseSchema(t, m, seen)
	if nullable {
		s.Nullable = true
	}
	return s
}

func baseSchema(t reflect.Type, m mode, seen map[reflect.Type]bool) *Schema {
	switch t {
	case amountType:
		if m == input {
			return &Schema{OneOf: []*Schema{{Type: "number"}, {Type: "string", Pattern: `^-?\d+(\.\d{1,2})?$`}},
				Description: "amount with at most two decimals, as a number or a decimal string"}
		}
		return &Schema{Type: "string", Pattern: moneyPattern, Example: "45000.00"}
	case dateType:
		return &Schema{Type: "string", Format: "date", Example: "2026-03-05"}
	case dbTimeType, timeType:
		return &Schema{Type: "string", Format: "date-time"}
	case rawType:
		return &Schema{Nullable: true}
	}
	if strings.HasPrefix(t.Name(), "JSON[") && t.Kind() == reflect.Struct {
		if f, ok := t.FieldByName("V"); ok {
			s := schemaFor(f.Type, m, seen)
			s.Nullable = true
			return s
		}
	}
	if t.Kind() == reflect.Struct && t.Name() == "Timestamp" {
		return &Schema{Type: "string", Format: "date-time"}
	}
	// Other types with their own JSON form: anything goes.
	if t.Kind() != reflect.Struct && (t.Implements(marshalerType) || reflect.PointerTo(t).Implements(marshalerType)) {
		return &Schema{Nullable: true}
	}
	switch t.Kind() {
	case reflect.String:
		return &Schema{Type: "string"}
	case reflect.Bool:
		return &Schema{Type: "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return &Schema{Type: "integer"}
	case reflect.Float32, reflect.Float64:
		return &Schema{Type: "number"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return &Schema{Type: "string"}
		}
		return &Schema{Type: "array", Items: schemaFor(t.Elem(), m, seen), Nullable: t.Kind() == reflect.Slice && m == output}
	case reflect.Map:
		return &Schema{Type: "object", AdditionalProperties: schemaFor(t.Elem(), m, seen)}
	case reflect.Interface:
		return &Schema{Nullable: true}
	case reflect.Struct:
		if t.Implements(marshalerType) || reflect.PointerTo(t).Implements(marshalerType) {
			return &Schema{Nullable: true}
		}
		if seen[t] {
			return &Schema{Type: "object"}
		}
		seen[t] = true
		defer delete(seen, t)
		return structSchema(t, m, seen)
	}
	return &Schema{}
}

func structSchema(t reflect.Type, m mode, seen map[reflect.Type]bool) *Schema {
	s := &Schema{Type: "object", Properties: map[string]*Schema{}}
	if m == output {
		s.AdditionalProperties = false
	} else {
		// forbidNonWhitelisted: unknown properties are rejected.
		s.AdditionalProperties = false
	}
	addFields(s, t, m, seen)
	return s
}

func addFields(s *Schema, t reflect.Type, m mode, seen map[reflect.Type]bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				addFields(s, ft, m, seen)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fs := schemaFor(f.Type, m, seen)
		rules := f.Tag.Get("validate")
		applyRules(fs, f.Type, rules)
		s.Properties[name] = fs
		omitempty := strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero")
		switch {
		case m == output && !omitempty:
			s.Required = append(s.Required, name)
		case m == input && httpx.IsRequired(rules):
			s.Required = append(s.Required, name)
		}
	}
}

// applyRules turns go-playground/validator tags into schema constraints (until "dive").
func applyRules(s *Schema, t reflect.Type, rules string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	isString := t.Kind() == reflect.String
	isSlice := t.Kind() == reflect.Slice
	for _, r := range strings.Split(rules, ",") {
		name, param, _ := strings.Cut(r, "=")
		switch name {
		case "dive":
			return
		case "min", "max", "gte", "lte", "gt", "lt", "len":
			n, err := strconv.ParseFloat(param, 64)
			if err != nil {
				continue
			}
			ni := int(n)
			switch {
			case isString && (name == "min" || name == "gte"):
				s.MinLength = &ni
			case isString && (name == "max" || name == "lte"):
				s.MaxLength = &ni
			case isString && name == "len":
				s.MinLength, s.MaxLength = &ni, &ni
			case isSlice && (name == "min" || name == "gte"):
				s.MinItems = &ni
			case !isString && !isSlice && (name == "min" || name == "gte" || name == "gt"):
				s.Minimum = &n
			case !isString && !isSlice && (name == "max" || name == "lte" || name == "lt"):
				s.Maximum = &n
			}
		case "length":
			lo, hi, ok := strings.Cut(param, ":")
			l, err1 := strconv.Atoi(lo)
			h, err2 := strconv.Atoi(hi)
			if ok && err1 == nil && err2 == nil && isString {
				s.MinLength, s.MaxLength = &l, &h
			}
		case "oneof":
			for _, v := range strings.Fields(param) {
				s.Enum = append(s.Enum, v)
			}
		case "email":
			s.Format = "email"
		case "uuid", "uuid4", "uuid_rfc4122":
			s.Format = "uuid"
		case "isodate":
			s.Format = "date"
		case "datetime":
			s.Format = "date-time"
		case "slug":
			s.Pattern = "^[a-z0-9-]+$"
		case "password":
			// httpx.PasswordPolicy: 8 to 100 characters; its character classes have no order, so
			// they are said in words rather than as a pattern.
			minLen, maxLen := 8, 100
			s.MinLength, s.MaxLength = &minLen, &maxLen
			s.Description = httpx.PasswordMessage
		case "url", "http_url":
			s.Format = "uri"
		}
	}
}
