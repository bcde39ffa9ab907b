package httpx

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"time"

	"github.com/go-playground/validator/v10"

	"github.com/ternant/ternant/server/platform/dbtypes"
)

// Rules for the schema's limits that class-validator has no name for. Each has its message here,
// so validate.go only registers and words them through registerRules and ruleMessage.
//
//	maxbytes=N  a string of at most N bytes (TEXT columns hold 65,535 bytes; bcrypt reads 72), or
//	            any other value whose JSON encoding is at most N bytes (JSON columns)
//	maxdepth=N  JSON nested at most N levels deep (deeper documents are refused before they reach MySQL)
//	positive    a number above zero (class-validator's IsPositive; money amounts)
//	tsrange     a time a TIMESTAMP column can hold (1970-01-01T00:00:01Z to 2038-01-19T03:14:07Z)

// TIMESTAMP's range in MySQL and MariaDB.
var (
	TimestampMin = time.Date(1970, 1, 1, 0, 0, 1, 0, time.UTC)
	TimestampMax = time.Date(2038, 1, 19, 3, 14, 7, 0, time.UTC)
)

// Limits of the schema that several DTOs share.
const (
	// TextBytes is a TEXT column's capacity.
	TextBytes = 65535
	// PasswordBytes is the most bcrypt reads of a password; a longer one is refused, not truncated.
	PasswordBytes = 72
	// JSONDepth is the deepest JSON a JSON column accepts (MySQL's limit is 100; 32 keeps parsing
	// cheap and is far beyond any real document).
	JSONDepth = 32
)

type rule struct {
	check   validator.Func
	message func(field, param string) string
}

var rules = map[string]rule{
	"maxbytes": {
		check: func(fl validator.FieldLevel) bool {
			n, err := strconv.Atoi(fl.Param())
			if err != nil {
				return false
			}
			if fl.Field().Kind() == reflect.String {
				return len(fl.Field().String()) <= n
			}
			raw, err := json.Marshal(fl.Field().Interface()) // a JSON document: its encoded size
			return err == nil && len(raw) <= n
		},
		message: func(f, p string) string { return fmt.Sprintf("%s must be shorter than or equal to %s bytes", f, p) },
	},
	"maxdepth": {
		check: func(fl validator.FieldLevel) bool {
			n, err := strconv.Atoi(fl.Param())
			if err != nil {
				return false
			}
			raw, err := json.Marshal(fl.Field().Interface())
			return err == nil && JSONDepthOf(raw) <= n
		},
		message: func(f, p string) string { return fmt.Sprintf("%s must not be nested deeper than %s levels", f, p) },
	},
	"positive": {
		check: func(fl validator.FieldLevel) bool {
			switch f := fl.Field(); f.Kind() {
			case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
				return f.Int() > 0
			case reflect.Float32, reflect.Float64:
				return f.Float() > 0
			}
			return false
		},
		message: func(f, _ string) string { return f + " must be a positive number" },
	},
	"tsrange": {
		check: func(fl validator.FieldLevel) bool {
			t, ok := timeOf(fl.Field())
			return !ok || (!t.Before(TimestampMin) && !t.After(TimestampMax))
		},
		message: func(f, _ string) string {
			return f + " must be a date from 1970-01-01T00:00:01Z to 2038-01-19T03:14:07Z"
		},
	},
}

// registerRules adds the rules above to v.
func registerRules(v *validator.Validate) {
	for tag, r := range rules {
		must(v.RegisterValidation(tag, r.check))
	}
}

// ruleMessage words a failure of one of the rules above.
func ruleMessage(fe validator.FieldError) (string, bool) {
	r, ok := rules[fe.Tag()]
	if !ok {
		return "", false
	}
	return r.message(fieldPath(fe), fe.Param()), true
}

// timeOf reads a time.Time or dbtypes.Time field.
func timeOf(v reflect.Value) (time.Time, bool) {
	switch t := v.Interface().(type) {
	case time.Time:
		return t, true
	case dbtypes.Time:
		return t.Time, true
	}
	return time.Time{}, false
}

// JSONDepthOf is the nesting depth of a JSON document: 0 for a scalar, 1 for a flat object or
// array. Strings are skipped, so brackets inside them do not count.
func JSONDepthOf(raw []byte) int {
	depth, deepest, inString, escaped := 0, 0, false, false
	for _, c := range raw {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			deepest = max(deepest, depth)
		case c == '}' || c == ']':
			depth--
		}
	}
	return deepest
}
