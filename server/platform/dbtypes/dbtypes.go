// Package dbtypes holds the column types whose JSON form TernantApp fixes: DATE columns as
// "YYYY-MM-DD", TIMESTAMP columns as ISO 8601 with milliseconds, and JSON columns as objects.
package dbtypes

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"reflect"
	"time"
)

// Date is a calendar day (a DATE column), always UTC midnight inside.
type Date struct{ t time.Time }

// NewDate returns the day y-m-d.
func NewDate(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// DateOf returns the UTC calendar day of t.
func DateOf(t time.Time) Date {
	t = t.UTC()
	return NewDate(t.Year(), t.Month(), t.Day())
}

// Today is the current UTC day.
func Today() Date { return DateOf(time.Now()) }

// ParseDate reads "YYYY-MM-DD" and nothing else.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	return Date{t}, nil
}

// Time returns the day's UTC midnight.
func (d Date) Time() time.Time { return d.t }

// IsZero reports the zero Date.
func (d Date) IsZero() bool { return d.t.IsZero() }

// String is "YYYY-MM-DD".
func (d Date) String() string { return d.t.Format(time.DateOnly) }

// Before reports d < o.
func (d Date) Before(o Date) bool { return d.t.Before(o.t) }

// After reports d > o.
func (d Date) After(o Date) bool { return d.t.After(o.t) }

// AddDays returns the day n days later.
func (d Date) AddDays(n int) Date { return Date{d.t.AddDate(0, 0, n)} }

// MarshalJSON writes "YYYY-MM-DD".
func (d Date) MarshalJSON() ([]byte, error) { return []byte(`"` + d.String() + `"`), nil }

// UnmarshalJSON accepts only "YYYY-MM-DD": a full timestamp in a DATE field is a 400, not a 500.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return &json.UnmarshalTypeError{Value: string(b), Type: reflect.TypeOf(Date{})}
	}
	v, err := ParseDate(s)
	if err != nil {
		return &json.UnmarshalTypeError{Value: "string " + s, Type: reflect.TypeOf(Date{})}
	}
	*d = v
	return nil
}

// ValidationPhrase words a bad date as class-validator's IsDateString does, naming the form.
func (Date) ValidationPhrase() string { return "must be a valid ISO 8601 date string (YYYY-MM-DD)" }

// Value stores "YYYY-MM-DD".
func (d Date) Value() (driver.Value, error) { return d.String(), nil }

// Scan reads a DATE column (time.Time with parseTime, or text).
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		*d = NewDate(v.Year(), v.Month(), v.Day())
		return nil
	case []byte:
		return d.scanText(string(v))
	case string:
		return d.scanText(v)
	}
	return fmt.Errorf("date: cannot scan %T", src)
}

func (d *Date) scanText(s string) error {
	if len(s) > 10 {
		s = s[:10]
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Time is a TIMESTAMP column, marshalled as JavaScript's Date.toISOString() does
// ("2026-03-05T09:00:00.000Z").
type Time struct{ time.Time }

// Now is the current time truncated to microseconds (timestamp(6) precision).
func Now() Time { return Time{time.Now().UTC().Truncate(time.Microsecond)} }

// ISOLayout is toISOString's layout.
const ISOLayout = "2006-01-02T15:04:05.000Z"

// MarshalJSON writes the ISO form in UTC.
func (t Time) MarshalJSON() ([]byte, error) {
	return []byte(`"` + t.UTC().Format(ISOLayout) + `"`), nil
}

// UnmarshalJSON accepts RFC 3339 date-times and plain dates (midnight UTC).
func (t *Time) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return &json.UnmarshalTypeError{Value: string(b), Type: reflect.TypeOf(Time{})}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", time.DateOnly} {
		if v, err := time.Parse(layout, s); err == nil {
			t.Time = v.UTC()
			return nil
		}
	}
	return &json.UnmarshalTypeError{Value: "string " + s, Type: reflect.TypeOf(Time{})}
}

// ValidationPhrase words a bad timestamp as class-validator's IsDateString does.
func (Time) ValidationPhrase() string { return "must be a valid ISO 8601 date string" }

// Value stores the time in UTC.
func (t Time) Value() (driver.Value, error) { return t.UTC(), nil }

// Scan reads a TIMESTAMP column.
func (t *Time) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		t.Time = time.Time{}
		return nil
	case time.Time:
		t.Time = v.UTC()
		return nil
	case []byte:
		return t.scanText(string(v))
	case string:
		return t.scanText(v)
	}
	return fmt.Errorf("timestamp: cannot scan %T", src)
}

func (t *Time) scanText(s string) error {
	for _, layout := range []string{"2006-01-02 15:04:05.999999", time.RFC3339Nano} {
		if v, err := time.Parse(layout, s); err == nil {
			t.Time = v.UTC()
			return nil
		}
	}
	return fmt.Errorf("timestamp: cannot parse %q", s)
}

// JSON is a JSON column holding a T. A NULL column is the zero T with Valid false, and marshals as
// null.
type JSON[T any] struct {
	V     T
	Valid bool
}

// JSONOf wraps v as a non-null JSON column value.
func JSONOf[T any](v T) JSON[T] { return JSON[T]{V: v, Valid: true} }

// MarshalJSON writes the value, or null.
func (j JSON[T]) MarshalJSON() ([]byte, error) {
	if !j.Valid {
		return []byte("null"), nil
	}
	return json.Marshal(j.V)
}

// UnmarshalJSON reads a value; null leaves it invalid.
func (j *JSON[T]) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*j = JSON[T]{}
		return nil
	}
	if err := json.Unmarshal(b, &j.V); err != nil {
		return err
	}
	j.Valid = true
	return nil
}

// Value stores the JSON text, or NULL.
func (j JSON[T]) Value() (driver.Value, error) {
	if !j.Valid {
		return nil, nil
	}
	b, err := json.Marshal(j.V)
	if err != nil {
		return nil, fmt.Errorf("json column: %w", err)
	}
	return string(b), nil
}

// Scan reads a JSON (or longtext) column.
func (j *JSON[T]) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case nil:
		*j = JSON[T]{}
		return nil
	case []byte:
		b = v
	case string:
		b = []byte(v)
	default:
		return fmt.Errorf("json column: cannot scan %T", src)
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("json column: %w", err)
	}
	*j = JSON[T]{V: v, Valid: true}
	return nil
}
