package httpx

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/go-playground/validator/v10"
)

var (
	validateOnce sync.Once
	validate     *validator.Validate
)

// slugPattern is the company slug rule (^[a-z0-9-]+$).
var slugPattern = regexp.MustCompile(`^[a-z0-9-]+$`)

// Validator returns the shared validator, configured to name fields by their JSON names and to know
// Ternant's extra rules (isodate, slug, password).
func Validator() *validator.Validate {
	validateOnce.Do(func() {
		v := validator.New(validator.WithRequiredStructEnabled())
		v.RegisterTagNameFunc(func(f reflect.StructField) string {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				return ""
			}
			if name == "" {
				return f.Name
			}
			return name
		})
		must(v.RegisterValidation("isodate", func(fl validator.FieldLevel) bool {
			_, err := time.Parse(time.DateOnly, fl.Field().String())
			return err == nil
		}))
		must(v.RegisterValidation("slug", func(fl validator.FieldLevel) bool {
			return slugPattern.MatchString(fl.Field().String())
		}))
		must(v.RegisterValidation("password", func(fl validator.FieldLevel) bool {
			return PasswordPolicy(fl.Field().String())
		}))
		registerRules(v)
		validate = v
	})
	return validate
}

func must(err error) {
	if err != nil {
		panic(err)
	}
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

// Validate checks v's `validate` tags and returns a 400 listing every failure in class-validator's
// wording, or nil.
func Validate(v any) error {
	err := Validator().Struct(v)
	if err == nil {
		return nil
	}
	var ves validator.ValidationErrors
	if !errors.As(err, &ves) {
		return Invalid(err.Error())
	}
	msgs := make([]string, 0, len(ves))
	for _, fe := range ves {
		msgs = append(msgs, message(fe))
	}
	return Invalid(msgs...)
}

// fieldPath drops the top-level struct name from the namespace: "RegisterRequest.company.name" ->
// "company.name".
func fieldPath(fe validator.FieldError) string {
	ns := fe.Namespace()
	if _, rest, ok := strings.Cut(ns, "."); ok {
		return rest
	}
	return fe.Field()
}

// message words one failure as class-validator does.
func message(fe validator.FieldError) string {
	f := fieldPath(fe)
	p := fe.Param()
	isString := fe.Kind() == reflect.String
	switch fe.Tag() {
	case "required":
		if isString {
			return f + " should not be empty"
		}
		return f + " should not be null or undefined"
	case "min":
		if isString {
			return fmt.Sprintf("%s must be longer than or equal to %s characters", f, p)
		}
		if fe.Kind() == reflect.Slice {
			return fmt.Sprintf("%s must contain at least %s elements", f, p)
		}
		return fmt.Sprintf("%s must not be less than %s", f, p)
	case "max":
		if isString {
			return fmt.Sprintf("%s must be shorter than or equal to %s characters", f, p)
		}
		if fe.Kind() == reflect.Slice {
			return fmt.Sprintf("%s must contain no more than %s elements", f, p)
		}
		return fmt.Sprintf("%s must not be greater than %s", f, p)
	case "gte":
		return fmt.Sprintf("%s must not be less than %s", f, p)
	case "lte":
		return fmt.Sprintf("%s must not be greater than %s", f, p)
	case "email":
		return f + " must be an email"
	case "uuid", "uuid4", "uuid_rfc4122":
		return f + " must be a UUID"
	case "oneof":
		return fmt.Sprintf("%s must be one of the following values: %s", f, strings.ReplaceAll(p, " ", ", "))
	case "isodate":
		return f + " must be a valid ISO 8601 date string"
	case "slug":
		return f + " must match /^[a-z0-9-]+$/ regular expression"
	case "password":
		return PasswordMessage
	case "url", "http_url":
		return f + " must be a URL address"
	case "datetime":
		return f + " must be a valid ISO 8601 date string"
	case "hexcolor":
		return f + " must be a hexadecimal color"
	}
	if m, ok := ruleMessage(fe); ok {
		return m
	}
	return fmt.Sprintf("%s failed the %s rule", f, fe.Tag())
}
