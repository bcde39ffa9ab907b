package httpx

import (
	"bytes"
	"encoding/json"
	"math/big"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf16"

	"github.com/go-playground/validator/v10"
)

// The rule table: each `validate` tag name, the class-validator decorator it stands for, and that
// decorator's check and message. Message texts are class-validator's default messages.
//
//	tag                      decorator                      message after the field's path
//	required                 IsNotEmpty (string field)      should not be empty
//	                         IsDefined (other fields)       should not be null or undefined
//	notempty                 IsNotEmpty                     should not be empty
//	defined                  IsDefined                      should not be null or undefined
//	omitempty|omitnil|optional  IsOptional                  (skips the field when absent or null)
//	string                   IsString                       must be a string
//	int                      IsInt                          must be an integer number
//	number                   IsNumber                       must be a number conforming to the specified constraints
//	bool                     IsBoolean                      must be a boolean value
//	array                    IsArray                        must be an array
//	object                   IsObject                       must be an object
//	isodate / datetime       IsDateString (date / date-time) must be a valid ISO 8601 date string
//	                         (on a date type, the type's wording: "... (YYYY-MM-DD)")
//	email                    IsEmail                        must be an email
//	uuid                     IsUUID                         must be a UUID
//	oneof=a b                IsEnum / IsIn                  must be one of the following values: a, b
//	length=MIN:MAX           Length(MIN, MAX)               must be longer|shorter than or equal to N characters
//	min=N / max=N            MinLength / MaxLength (string) must be longer|shorter than or equal to N characters
//	                         ArrayMinSize / ArrayMaxSize    must contain at least|no more than N elements
//	                         Min / Max (numbers)            must not be less|greater than N
//	gte=N / lte=N            Min / Max                      as min / max
//	gt=0                     IsPositive                     must be a positive number
//	slug                     Matches(/^[a-z0-9-]+$/)        must match /^[a-z0-9-]+$/ regular expression
//	password                 the password-policy Matches    PasswordMessage (the whole message)
//	url                      IsUrl                          must be a URL address
//	hexcolor                 IsHexColor                     must be a hexadecimal color
//	dive                     (the rules after it apply to each element: "each value in X ...")
//
// String lengths are counted in UTF-16 code units, as JavaScript's String.length.

// ruleSpec is one rule of the table.
type ruleSpec struct {
	// check reports whether v passes for a field of Go type t.
	check func(v jsonValue, param string, t reflect.Type) bool
	// message words a failure for path ("name", "each value in tags").
	message func(path, param string, t reflect.Type) string
	// messageFor, when set, words a failure from the value itself (Length picks its wording so).
	messageFor func(path, param string, v jsonValue) string
	typed      bool // a type decorator: the Go type's own check is not added
	first      bool // IsDefined: reported before the field's other messages
	optional   bool // IsOptional
}

var (
	rulesMu sync.RWMutex
	rules   = map[string]ruleSpec{}
)

func lookupRule(name string) (ruleSpec, bool) {
	rulesMu.RLock()
	defer rulesMu.RUnlock()
	r, ok := rules[name]
	return r, ok
}

// RegisterRule adds a validate tag rule: ok reports whether a field's decoded value (of the field's
// Go type; an absent or null value always fails) passes, and phrase words a failure after the
// field's path ("must be ..."). Call it from an init function.
func RegisterRule(name string, ok func(v any, param string) bool, phrase func(param string) string) {
	rulesMu.Lock()
	defer rulesMu.Unlock()
	rules[name] = ruleSpec{
		check: func(v jsonValue, param string, t reflect.Type) bool {
			if v.missing() {
				return false
			}
			p := reflect.New(t)
			if json.Unmarshal(v.raw, p.Interface()) != nil {
				return false
			}
			return ok(p.Elem().Interface(), param)
		},
		message: func(path, param string, _ reflect.Type) string { return path + " " + phrase(param) },
	}
}

func fixed(phrase string) func(path, param string, t reflect.Type) string {
	return func(path, _ string, _ reflect.Type) string { return path + " " + phrase }
}

func notEmpty(v jsonValue, _ string, _ reflect.Type) bool {
	return !v.missing() && !(v.kind == kindString && v.str == "")
}

func isKind(k jsonKind) func(v jsonValue, _ string, _ reflect.Type) bool {
	return func(v jsonValue, _ string, _ reflect.Type) bool { return v.kind == k }
}

// stringRule checks a string value with ok.
func stringRule(ok func(s, param string) bool) func(v jsonValue, param string, _ reflect.Type) bool {
	return func(v jsonValue, param string, _ reflect.Type) bool { return v.kind == kindString && ok(v.str, param) }
}

// playground checks a string with one of go-playground/validator's format rules.
func playground(tag string) func(v jsonValue, _ string, _ reflect.Type) bool {
	return stringRule(func(s, _ string) bool { return Validator().Var(s, tag) == nil })
}

// bound is min/max: a length for strings, a size for arrays, a value for numbers.
func bound(lower bool) ruleSpec {
	return ruleSpec{
		check: func(v jsonValue, param string, t reflect.Type) bool {
			limit, ok := new(big.Rat).SetString(param)
			if !ok {
				return false
			}
			var n *big.Rat
			switch baseKind(t) {
			case reflect.String:
				if v.kind != kindString {
					return false
				}
				n = new(big.Rat).SetInt64(int64(utf16Len(v.str)))
			case reflect.Slice, reflect.Array:
				if v.kind != kindArray {
					return false
				}
				n = new(big.Rat).SetInt64(int64(len(v.items())))
			default:
				if n, ok = v.number(t); !ok {
					return false
				}
			}
			if lower {
				return n.Cmp(limit) >= 0
			}
			return n.Cmp(limit) <= 0
		},
		message: func(path, param string, t reflect.Type) string {
			switch {
			case baseKind(t) == reflect.String && lower:
				return path + " must be longer than or equal to " + param + " characters"
			case baseKind(t) == reflect.String:
				return path + " must be shorter than or equal to " + param + " characters"
			case (baseKind(t) == reflect.Slice || baseKind(t) == reflect.Array) && lower:
				return path + " must contain at least " + param + " elements"
			case baseKind(t) == reflect.Slice || baseKind(t) == reflect.Array:
				return path + " must contain no more than " + param + " elements"
			case lower:
				return path + " must not be less than " + param
			}
			return path + " must not be greater than " + param
		},
	}
}

// lengthRule is Length(min, max), tagged length=MIN:MAX. Its message depends on the value as
// class-validator's does: a falsy or too short value is "longer than", a too long one "shorter
// than", anything else (a number, an object) both.
var lengthRule = ruleSpec{
	check: func(v jsonValue, param string, _ reflect.Type) bool {
		lo, hi, ok := lengthBounds(param)
		n := utf16Len(v.str)
		return ok && v.kind == kindString && n >= lo && n <= hi
	},
	message: func(path, param string, _ reflect.Type) string {
		lo, hi, _ := lengthBounds(param)
		return path + " must be longer than or equal to " + strconv.Itoa(lo) + " and shorter than or equal to " + strconv.Itoa(hi) + " characters"
	},
	messageFor: func(path, param string, v jsonValue) string {
		lo, hi, _ := lengthBounds(param)
		min, max := strconv.Itoa(lo), strconv.Itoa(hi)
		n, hasLen := 0, false
		switch v.kind {
		case kindString:
			n, hasLen = utf16Len(v.str), true
		case kindArray:
			n, hasLen = len(v.items()), true
		}
		falsy := v.missing() || (v.kind == kindString && v.str == "") || string(bytes.TrimSpace(v.raw)) == "false" ||
			(v.kind == kindNumber && v.isZero())
		switch {
		case falsy || (hasLen && n < lo):
			return path + " must be longer than or equal to " + min + " characters"
		case hasLen && n > hi:
			return path + " must be shorter than or equal to " + max + " characters"
		}
		return path + " must be longer than or equal to " + min + " and shorter than or equal to " + max + " characters"
	},
}

func lengthBounds(param string) (lo, hi int, ok bool) {
	a, b, found := strings.Cut(param, ":")
	lo, err1 := strconv.Atoi(a)
	hi, err2 := strconv.Atoi(b)
	return lo, hi, found && err1 == nil && err2 == nil
}

// utf16Len is JavaScript's String.length.
func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

func init() {
	optional := ruleSpec{optional: true}
	lower, upper := bound(true), bound(false)
	for name, spec := range map[string]ruleSpec{
		"required": {check: notEmpty, message: func(path, _ string, t reflect.Type) string {
			if baseKind(t) == reflect.String {
				return path + " should not be empty"
			}
			return path + " should not be null or undefined"
		}},
		"notempty":  {check: notEmpty, message: fixed("should not be empty")},
		"defined":   {check: func(v jsonValue, _ string, _ reflect.Type) bool { return !v.missing() }, message: fixed("should not be null or undefined"), first: true},
		"omitempty": optional,
		"omitnil":   optional,
		"optional":  optional,
		"string":    {check: isKind(kindString), message: fixed("must be a string"), typed: true},
		"int": {check: func(v jsonValue, _ string, t reflect.Type) bool {
			n, ok := v.number(t)
			return ok && v.kind == kindNumber && n.IsInt()
		}, message: fixed("must be an integer number"), typed: true},
		"number": {check: func(v jsonValue, _ string, t reflect.Type) bool {
			_, ok := v.number(t)
			return ok
		}, message: func(path, _ string, t reflect.Type) string { return path + " " + typePhrase(t) }, typed: true},
		"bool":     {check: isKind(kindBool), message: fixed("must be a boolean value"), typed: true},
		"array":    {check: isKind(kindArray), message: fixed("must be an array"), typed: true},
		"object":   {check: isKind(kindObject), message: fixed("must be an object"), typed: true},
		"isodate":  dateRule(time.DateOnly),
		"datetime": dateRule(time.RFC3339Nano),
		"email":    {check: playground("email"), message: fixed("must be an email")},
		"uuid":     {check: playground("uuid"), message: fixed("must be a UUID")},
		"oneof": {check: stringRule(func(s, param string) bool { return slices.Contains(strings.Fields(param), s) }),
			message: func(path, param string, _ reflect.Type) string {
				return path + " must be one of the following values: " + strings.Join(strings.Fields(param), ", ")
			}},
		"length": lengthRule,
		"min":    lower, "gte": lower,
		"max": upper, "lte": upper,
		"gt": {check: func(v jsonValue, _ string, t reflect.Type) bool {
			n, ok := v.number(t)
			return ok && n.Sign() > 0
		}, message: fixed("must be a positive number")},
		"slug":     {check: stringRule(func(s, _ string) bool { return slugPattern.MatchString(s) }), message: fixed("must match /^[a-z0-9-]+$/ regular expression")},
		"password": {check: stringRule(func(s, _ string) bool { return PasswordPolicy(s) }), message: func(string, string, reflect.Type) string { return PasswordMessage }},
		"url":      {check: playground("url"), message: fixed("must be a URL address")},
		"hexcolor": {check: playground("hexcolor"), message: fixed("must be a hexadecimal color")},
	} {
		rules[name] = spec
	}
}

// dateRule is IsDateString: on a string field the value must parse with layout; on a date type
// (dbtypes.Date, dbtypes.Time) it must decode, and the type words the failure.
func dateRule(layout string) ruleSpec {
	return ruleSpec{
		check: func(v jsonValue, _ string, t reflect.Type) bool {
			if v.kind != kindString {
				return false
			}
			if baseKind(t) == reflect.String {
				_, err := time.Parse(layout, v.str)
				return err == nil
			}
			return json.Unmarshal(v.raw, reflect.New(t).Interface()) == nil
		},
		message: func(path, _ string, t reflect.Type) string {
			if baseKind(t) == reflect.String {
				return path + " must be a valid ISO 8601 date string"
			}
			return path + " " + typePhrase(t)
		},
		typed: true,
	}
}

// IsRequired reports whether a field with this validate tag must be present: it has rules and is
// not marked optional (the OpenAPI document's "required").
func IsRequired(tag string) bool { return !isOptional(tag) }

// fallbackRule evaluates a tag the table does not know with go-playground/validator on the decoded
// value (rules registered there with Validator().RegisterValidation).
func fallbackRule(r rule, f field, v jsonValue) (string, bool) {
	msg := "failed the " + r.name + " rule"
	if v.missing() {
		return msg, true
	}
	p := reflect.New(f.typ)
	if json.Unmarshal(v.raw, p.Interface()) != nil {
		return msg, true
	}
	tag := r.name
	if r.param != "" {
		tag += "=" + r.param
	}
	return msg, Validator().Var(p.Elem().Interface(), tag) != nil
}

// jsonKind is the JSON type of a value; kindMissing is an absent property.
type jsonKind int

const (
	kindMissing jsonKind = iota
	kindNull
	kindString
	kindNumber
	kindBool
	kindArray
	kindObject
)

// jsonValue is one property's value as sent.
type jsonValue struct {
	present bool
	kind    jsonKind
	raw     json.RawMessage
	str     string // a string's content
}

func value(raw json.RawMessage, present bool) jsonValue {
	v := jsonValue{present: present, raw: raw}
	raw = bytes.TrimSpace(raw)
	if !present || len(raw) == 0 {
		return v
	}
	switch raw[0] {
	case 'n':
		v.kind = kindNull
	case '"':
		v.kind = kindString
		_ = json.Unmarshal(raw, &v.str)
	case 't', 'f':
		v.kind = kindBool
	case '[':
		v.kind = kindArray
	case '{':
		v.kind = kindObject
	default:
		v.kind = kindNumber
	}
	return v
}

// isZero reports a JSON number equal to zero.
func (v jsonValue) isZero() bool {
	n, ok := new(big.Rat).SetString(string(bytes.TrimSpace(v.raw)))
	return ok && n.Sign() == 0
}

// missing reports an absent or null value.
func (v jsonValue) missing() bool { return v.kind == kindMissing || v.kind == kindNull }

// items are an array's elements.
func (v jsonValue) items() []json.RawMessage {
	var out []json.RawMessage
	_ = json.Unmarshal(v.raw, &out)
	return out
}

// number is the exact numeric value of v for a field of type t: a JSON number, or a decimal string
// where t decodes one (amounts).
func (v jsonValue) number(t reflect.Type) (*big.Rat, bool) {
	switch v.kind {
	case kindNumber:
		return new(big.Rat).SetString(string(bytes.TrimSpace(v.raw)))
	case kindString:
		if json.Unmarshal(v.raw, reflect.New(t).Interface()) != nil {
			return nil, false
		}
		return new(big.Rat).SetString(strings.TrimSpace(v.str))
	}
	return nil, false
}

var (
	validateOnce sync.Once
	validate     *validator.Validate
)

// slugPattern is the company slug rule (^[a-z0-9-]+$).
var slugPattern = regexp.MustCompile(`^[a-z0-9-]+$`)

// Validator returns the shared go-playground validator, used for string formats (email, uuid, url)
// and for tags the rule table does not know.
func Validator() *validator.Validate {
	validateOnce.Do(func() {
		validate = validator.New(validator.WithRequiredStructEnabled())
	})
	return validate
}

// PasswordMessage is TernantApp's password-policy message.
const PasswordMessage = "Password must be at least 8 characters and contain uppercase, lowercase, number and special character"

// PasswordPolicy is TernantApp's rule: 8-100 characters from [A-Za-z0-9@$!%*?&] with at least one
// lowercase, one uppercase, one digit and one of @$!%*?&.
func PasswordPolicy(s string) bool {
	if len(s) < 8 || len(s) > 100 {
		return false
	}
	var lower, upper, digit, special bool
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z':
			lower = true
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= '0' && c <= '9':
			digit = true
		case strings.ContainsRune("@$!%*?&", c):
			special = true
		default:
			return false
		}
	}
	return lower && upper && digit && special
}
