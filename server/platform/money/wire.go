package money

import (
	"encoding/json"
	"reflect"
	"strings"
)

// Number is an exact amount written as a JSON number ("totalOutstanding": 1234.50) where
// TernantApp's wire format has a number rather than a decimal string: inside the lineItems JSON
// column and in statistics. The number's text comes from the integer cents, never from a float.
type Number Amount

// Amount returns the money value.
func (n Number) Amount() Amount { return Amount(n) }

// MarshalJSON writes the amount as a bare JSON number with two decimals.
func (n Number) MarshalJSON() ([]byte, error) { return []byte(Amount(n).String()), nil }

// UnmarshalJSON accepts a JSON number or decimal string with at most two decimals, exactly.
func (n *Number) UnmarshalJSON(b []byte) error {
	var a Amount
	if err := a.UnmarshalJSON(b); err != nil {
		return &json.UnmarshalTypeError{Value: string(b), Type: reflect.TypeOf(Number(0))}
	}
	*n = Number(a)
	return nil
}

// ValidationPhrase words a bad amount as class-validator's IsNumber({maxDecimalPlaces: 2}) does.
func (Number) ValidationPhrase() string {
	return "must be a number conforming to the specified constraints"
}

// Quantity is a line item quantity in hundredths (150 = 1.5), exact, written as a JSON number.
type Quantity int64

// MarshalJSON writes the quantity without trailing zeros: 1, 1.5, 0.25.
func (q Quantity) MarshalJSON() ([]byte, error) {
	s := Amount(q).String()
	s = strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
	return []byte(s), nil
}

// UnmarshalJSON accepts a JSON number with at most two decimals.
func (q *Quantity) UnmarshalJSON(b []byte) error {
	s := string(b)
	if strings.ContainsAny(s, `"eE`) {
		return &json.UnmarshalTypeError{Value: s, Type: reflect.TypeOf(Quantity(0))}
	}
	v, err := Parse(s)
	if err != nil {
		return &json.UnmarshalTypeError{Value: s, Type: reflect.TypeOf(Quantity(0))}
	}
	*q = Quantity(v)
	return nil
}

// ValidationPhrase words a bad quantity as class-validator's IsNumber does.
func (Quantity) ValidationPhrase() string {
	return "must be a number conforming to the specified constraints"
}
