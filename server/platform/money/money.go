// Package money is Ternant's exact amount type: integer minor units (cents) in Go, DECIMAL(15,2) in
// SQL, and TernantApp's two-decimal strings ("53234.00") on the wire. No float ever touches it.
package money

import (
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// Amount is a sum of money in minor units (1 = 0.01).
type Amount int64

// Max is the largest value DECIMAL(15,2) holds: 9,999,999,999,999.99.
const Max Amount = 999_999_999_999_999

// ErrFormat reports text that is not a decimal amount with at most two decimals.
var ErrFormat = errors.New("not a decimal amount with at most two decimal places")

// ErrRange reports an amount beyond DECIMAL(15,2).
var ErrRange = errors.New("amount out of range")

// FromCents returns the amount of c minor units.
func FromCents(c int64) Amount { return Amount(c) }

// FromUnits returns u whole units (FromUnits(5) is 5.00).
func FromUnits(u int64) Amount { return Amount(u * 100) }

// Cents returns the amount in minor units.
func (a Amount) Cents() int64 { return int64(a) }

// Parse reads "123", "123.4", "123.45", "-0.5" exactly. Exponents, more than two decimals and
// values beyond DECIMAL(15,2) are errors.
func Parse(s string) (Amount, error) {
	s = strings.TrimSpace(s)
	neg := false
	switch {
	case strings.HasPrefix(s, "-"):
		neg, s = true, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" && (!hasDot || frac == "") || len(frac) > 2 || !digits(whole) || !digits(frac) {
		return 0, ErrFormat
	}
	if hasDot && frac == "" && whole == "" {
		return 0, ErrFormat
	}
	if len(strings.TrimLeft(whole, "0")) > 13 {
		return 0, ErrRange
	}
	var w int64
	if whole != "" {
		var err error
		if w, err = strconv.ParseInt(whole, 10, 64); err != nil {
			return 0, ErrRange
		}
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	v := Amount(w*100 + f)
	if v > Max {
		return 0, ErrRange
	}
	if neg {
		v = -v
	}
	return v, nil
}

// wireDecimal reports whether s is a decimal string as the API documents it: an optional minus,
// digits, and optionally a point with one or two digits (^-?\d+(\.\d{1,2})?$).
func wireDecimal(s string) bool {
	s = strings.TrimPrefix(s, "-")
	whole, frac, hasDot := strings.Cut(s, ".")
	return whole != "" && digits(whole) && (!hasDot || (frac != "" && len(frac) <= 2 && digits(frac)))
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// MustParse is Parse for constants in code and tests; it panics on bad input.
func MustParse(s string) Amount {
	a, err := Parse(s)
	if err != nil {
		panic(fmt.Sprintf("money.MustParse(%q): %v", s, err))
	}
	return a
}

// String formats with exactly two decimals: "53234.00", "-0.50".
func (a Amount) String() string {
	c := int64(a)
	sign := ""
	if c < 0 {
		sign = "-"
		if c == math.MinInt64 {
			return "-92233720368547758.08"
		}
		c = -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
}

// Add returns a+b, failing rather than overflowing DECIMAL(15,2).
func (a Amount) Add(b Amount) (Amount, error) {
	s := a + b
	if s > Max || s < -Max {
		return 0, ErrRange
	}
	return s, nil
}

// Sub returns a-b, failing rather than overflowing DECIMAL(15,2).
func (a Amount) Sub(b Amount) (Amount, error) { return a.Add(-b) }

// MulQuantity multiplies by a quantity given in hundredths (150 = 1.5 units), rounding half away
// from zero to the cent, as DECIMAL arithmetic does.
func (a Amount) MulQuantity(hundredths int64) (Amount, error) {
	p := int64(a) * hundredths
	if hundredths != 0 && p/hundredths != int64(a) {
		return 0, ErrRange
	}
	q, r := p/100, p%100
	if r >= 50 {
		q++
	} else if r <= -50 {
		q--
	}
	if Amount(q) > Max || Amount(q) < -Max {
		return 0, ErrRange
	}
	return Amount(q), nil
}

// Percent returns part/whole*100 rounded to two decimals, as a float for JSON figures that
// TernantApp reports as plain numbers (rates). It is never used to compute money.
func Percent(part, whole Amount) float64 {
	if whole == 0 {
		return 0
	}
	bp := (int64(part)*100000/int64(whole) + 5) / 10 // hundredths of a percent, rounded
	return float64(bp) / 100
}

// MarshalJSON writes the amount as TernantApp's decimal string.
func (a Amount) MarshalJSON() ([]byte, error) {
	return []byte(`"` + a.String() + `"`), nil
}

// UnmarshalJSON accepts a JSON number (45000, 45000.5) or a decimal string ("45000.50"), exactly.
func (a *Amount) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		return nil
	}
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
		if !wireDecimal(s) { // " 1.00", "+1.00", ".5": not what the API documents
			return &json.UnmarshalTypeError{Value: "string " + s, Type: reflect.TypeOf(Amount(0))}
		}
	} else if strings.ContainsAny(s, "eE") {
		// 1e3 is a valid JSON number; normalise it exactly through json.Number's text.
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f != math.Trunc(f*100)/100 {
			return &json.UnmarshalTypeError{Value: "number " + s, Type: reflect.TypeOf(Amount(0))}
		}
		s = strconv.FormatFloat(f, 'f', 2, 64)
	}
	v, err := Parse(s)
	if err != nil {
		return &json.UnmarshalTypeError{Value: "number " + s, Type: reflect.TypeOf(Amount(0))}
	}
	*a = v
	return nil
}

// ValidationPhrase words a type error as class-validator's IsNumber({maxDecimalPlaces: 2}) does.
func (Amount) ValidationPhrase() string {
	return "must be a number conforming to the specified constraints"
}

// Value stores the amount as a DECIMAL literal.
func (a Amount) Value() (driver.Value, error) { return a.String(), nil }

// Scan reads a DECIMAL column ([]byte or string from the driver, or an integer).
func (a *Amount) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*a = 0
		return nil
	case []byte:
		return a.scanText(string(v))
	case string:
		return a.scanText(v)
	case int64:
		*a = FromUnits(v)
		return nil
	case float64:
		// Some engines return DECIMAL aggregates as doubles; round to the cent.
		*a = Amount(math.Round(v * 100))
		return nil
	}
	return fmt.Errorf("money: cannot scan %T", src)
}

func (a *Amount) scanText(s string) error {
	// SUM/AVG over DECIMAL(15,2) can carry more decimals: round half away from zero to the cent.
	if whole, frac, ok := strings.Cut(s, "."); ok && len(frac) > 2 {
		head, err := Parse(whole + "." + frac[:2])
		if err != nil {
			return fmt.Errorf("money: scan %q: %w", s, err)
		}
		if frac[2] >= '5' {
			if strings.HasPrefix(s, "-") {
				head--
			} else {
				head++
			}
		}
		*a = head
		return nil
	}
	v, err := Parse(s)
	if err != nil {
		return fmt.Errorf("money: scan %q: %w", s, err)
	}
	*a = v
	return nil
}
