package httpx

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"time"

	"github.com/ternant/ternant/server/platform/dbtypes"
)

// Rules for the schema's limits that class-validator has no name for, registered in the rule table
// (validate_rules.go) with their messages:
//
//	maxbytes=N  a string of at most N bytes (TEXT columns hold 65,535 bytes; bcrypt reads 72), or
//	            any other value whose JSON encoding is at most N bytes (JSON columns)
//	maxchars=N  a string of at most N characters, silent on absent or non-string values
//	maxitems=N  an array of at most N elements, silent on absent or non-array values
//	maxdepth=N  JSON nested at most N levels deep (deeper documents are refused before they reach MySQL)
//	tsrange     a time a TIMESTAMP column can hold (1970-01-01T00:00:01Z to 2038-01-19T03:14:07Z)

// TIMESTAMP's range in MySQL and MariaDB.
var (
	TimestampMin = time.Date(1970, 1, 1, 0, 0, 1, 0, time.UTC)
	TimestampMax = time.Date(2038, 1, 19, 3, 14, 7, 0, time.UTC)
)

func init() {
	registerLimit("maxbytes", func(v any, param string) bool {
		n, err := strconv.Atoi(param)
		if err != nil {
			return false
		}
		if s, ok := derefValue(v).(string); ok {
			return len(s) <= n
		}
		raw, err := json.Marshal(v) // a JSON document: its encoded size
		return err == nil && len(raw) <= n
	}, func(p string) string { return fmt.Sprintf("must be shorter than or equal to %s bytes", p) })

	registerLimit("maxchars", func(v any, param string) bool {
		n, err := strconv.Atoi(param)
		s, ok := derefValue(v).(string)
		return err == nil && (!ok || utf16Len(s) <= n)
	}, func(p string) string { return fmt.Sprintf("must be shorter than or equal to %s characters", p) })

	registerLimit("maxitems", func(v any, param string) bool {
		n, err := strconv.Atoi(param)
		rv := reflect.ValueOf(derefValue(v))
		return err == nil && (rv.Kind() != reflect.Slice || rv.Len() <= n)
	}, func(p string) string { return fmt.Sprintf("must contain no more than %s elements", p) })

	registerLimit("maxdepth", func(v any, param string) bool {
		n, err := strconv.Atoi(param)
		if err != nil {
			return false
		}
		raw, err := json.Marshal(v)
		return err == nil && JSONDepthOf(raw) <= n
	}, func(p string) string { return fmt.Sprintf("must not be nested deeper than %s levels", p) })

	registerLimit("tsrange", func(v any, _ string) bool {
		var t time.Time
		switch x := derefValue(v).(type) {
		case time.Time:
			t = x
		case dbtypes.Time:
			t = x.Time
		default:
			return true
		}
		return !t.Before(TimestampMin) && !t.After(TimestampMax)
	}, func(string) string { return "must be a date from 1970-01-01T00:00:01Z to 2038-01-19T03:14:07Z" })
}

// registerLimit adds a limit rule: unlike RegisterRule's rules it passes an absent or null value
// and one that does not decode into the field's type, so only the field's own presence and type
// rules report those (the messages stay class-validator's), and the limit speaks only about a
// value it can measure.
func registerLimit(name string, ok func(v any, param string) bool, phrase func(param string) string) {
	rulesMu.Lock()
	defer rulesMu.Unlock()
	rules[name] = ruleSpec{
		check: func(v jsonValue, param string, t reflect.Type) bool {
			if v.missing() {
				return true
			}
			p := reflect.New(t)
			if json.Unmarshal(v.raw, p.Interface()) != nil {
				return true
			}
			return ok(p.Elem().Interface(), param)
		},
		message: func(path, param string, _ reflect.Type) string { return path + " " + phrase(param) },
	}
}

// derefValue follows pointers to the value.
func derefValue(v any) any {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil
		}
		rv = rv.Elem()
	}
	if !rv.IsValid() {
		return nil
	}
	return rv.Interface()
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
