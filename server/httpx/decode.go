package httpx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"sort"
	"strings"
)

// DefaultMaxBodyBytes caps request bodies when no MaxBody middleware set another limit.
const DefaultMaxBodyBytes int64 = 1 << 20

type maxBodyKey struct{}

// MaxBody sets the body cap Decode applies to the requests it wraps (each server its own, so two
// servers in one process never share a setting).
func MaxBody(n int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), maxBodyKey{}, n)))
		})
	}
}

// maxBodyBytes is the body cap of r: the MaxBody setting, else DefaultMaxBodyBytes.
func maxBodyBytes(r *http.Request) int64 {
	if n, ok := r.Context().Value(maxBodyKey{}).(int64); ok && n > 0 {
		return n
	}
	return DefaultMaxBodyBytes
}

// Decode reads a JSON body into dst strictly, as TernantApp's ValidationPipe with whitelist and
// forbidNonWhitelisted does: every unknown property is reported, wrong types are 400, and the struct
// is validated (see Validate). It answers 415 for a non-JSON content type, 413 past the size cap and
// 400 for malformed JSON, never echoing parser internals.
func Decode(r *http.Request, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return NewError(http.StatusUnsupportedMediaType, "Content-Type must be application/json")
		}
	}
	limit := maxBodyBytes(r)
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return NewError(http.StatusRequestEntityTooLarge, fmt.Sprintf("Request body larger than %d bytes", limit))
		}
		return BadRequest("Could not read request body")
	}
	return DecodeBytes(body, dst)
}

// DecodeBytes is Decode for a body already read (used by Decode and the fuzz tests).
func DecodeBytes(body []byte, dst any) error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		body = []byte("{}")
	}
	if !json.Valid(body) {
		return BadRequest("Malformed JSON in request body")
	}
	if body[0] != '{' {
		return Invalid("request body must be a JSON object")
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return BadRequest("Malformed JSON in request body")
	}
	if unknown := unknownFields(raw, reflect.TypeOf(dst), ""); len(unknown) > 0 {
		return Invalid(unknown...)
	}
	if err := json.Unmarshal(body, dst); err != nil {
		return typeError(err)
	}
	return Validate(dst)
}

// unknownFields lists "property X should not exist" for each key that t (a struct, or pointer to
// one) does not declare, descending into nested objects and arrays of objects.
func unknownFields(raw map[string]json.RawMessage, t reflect.Type, prefix string) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	known := jsonFields(t)
	var out []string
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ft, ok := known[k]
		if !ok {
			out = append(out, fmt.Sprintf("%sproperty %s should not exist", prefix, k))
			continue
		}
		out = append(out, nestedUnknown(raw[k], ft, prefix+k+".")...)
	}
	return out
}

func nestedUnknown(v json.RawMessage, t reflect.Type, prefix string) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return nil
	}
	switch {
	case t.Kind() == reflect.Struct && v[0] == '{' && !implementsUnmarshaler(t):
		var m map[string]json.RawMessage
		if json.Unmarshal(v, &m) == nil {
			return unknownFields(m, t, prefix)
		}
	case t.Kind() == reflect.Slice && v[0] == '[':
		var items []json.RawMessage
		if json.Unmarshal(v, &items) == nil {
			var out []string
			for i, it := range items {
				out = append(out, nestedUnknown(it, t.Elem(), fmt.Sprintf("%s%d.", prefix, i))...)
			}
			return out
		}
	}
	return nil
}

var unmarshalerType = reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()

func implementsUnmarshaler(t reflect.Type) bool {
	return t.Implements(unmarshalerType) || reflect.PointerTo(t).Implements(unmarshalerType)
}

// jsonFields maps a struct's JSON names to field types, following embedded structs.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				for k, v := range jsonFields(ft) {
					out[k] = v
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}

// typeError words json.Unmarshal's failure the way class-validator words a type check.
func typeError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return Invalid(fmt.Sprintf("%s %s", te.Field, typePhrase(te.Type)))
	}
	return Invalid("request body has a value of the wrong type")
}

// Phraser is implemented by JSON types (money, dates) that word their own type errors; such a
// type's UnmarshalJSON returns a *json.UnmarshalTypeError naming itself as Type.
type Phraser interface{ ValidationPhrase() string }

func typePhrase(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if p, ok := reflect.Zero(t).Interface().(Phraser); ok {
		return p.ValidationPhrase()
	}
	switch t.Kind() {
	case reflect.String:
		return "must be a string"
	case reflect.Bool:
		return "must be a boolean value"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "must be an integer number"
	case reflect.Float32, reflect.Float64:
		return "must be a number conforming to the specified constraints"
	case reflect.Slice, reflect.Array:
		return "must be an array"
	case reflect.Struct, reflect.Map:
		return "must be an object"
	}
	return "has the wrong type"
}
