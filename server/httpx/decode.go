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
// forbidNonWhitelisted does: unknown properties, wrong types and every failing rule of dst's
// `validate` tags are reported together in class-validator's order and wording (see Validate).
// It answers 415 for a non-JSON content type, 413 past the size cap and 400 for malformed JSON,
// never echoing parser internals.
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
	if msgs := Validate(body, reflect.TypeOf(dst)); len(msgs) > 0 {
		return Invalid(msgs...)
	}
	if err := json.Unmarshal(body, dst); err != nil {
		return typeError(err)
	}
	return nil
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
