package dbtypes

import (
	"bytes"
	"database/sql/driver"
	"encoding/json"
	"fmt"
)

// RawJSON is a nullable JSON column holding any document as its text; it marshals as the document
// itself (null when the column is NULL). JSON[T] is the typed alternative.
type RawJSON json.RawMessage

// MarshalJSON writes the document, or null.
func (j RawJSON) MarshalJSON() ([]byte, error) {
	if len(j) == 0 {
		return []byte("null"), nil
	}
	return j, nil
}

// UnmarshalJSON keeps the document as sent (null becomes NULL).
func (j *RawJSON) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*j = nil
		return nil
	}
	*j = append((*j)[:0], b...)
	return nil
}

// Scan reads the column (MariaDB returns RawJSON as text).
func (j *RawJSON) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*j = nil
	case []byte:
		*j = append((*j)[:0], v...)
	case string:
		*j = RawJSON(v)
	default:
		return fmt.Errorf("json column: cannot scan %T", src)
	}
	return nil
}

// Value writes the column (NULL when empty).
func (j RawJSON) Value() (driver.Value, error) {
	if len(j) == 0 {
		return nil, nil
	}
	return string(j), nil
}
