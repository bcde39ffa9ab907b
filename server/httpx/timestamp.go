package httpx

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// Timestamp is a TIMESTAMP column as TernantApp serialises it: JavaScript's Date.toJSON,
// "2026-03-05T08:01:02.345Z" (UTC, milliseconds).
type Timestamp struct{ time.Time }

// MarshalJSON writes the ISO string.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	return []byte(`"` + t.UTC().Format("2006-01-02T15:04:05.000Z") + `"`), nil
}

// Scan reads the column.
func (t *Timestamp) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		t.Time = v
		return nil
	case nil:
		t.Time = time.Time{}
		return nil
	}
	return fmt.Errorf("timestamp: cannot scan %T", src)
}

// Value writes the column.
func (t Timestamp) Value() (driver.Value, error) { return t.Time, nil }
