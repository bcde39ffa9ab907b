package db

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/go-sql-driver/mysql"
)

// Domain errors every store returns; httpx maps them to status codes.
var (
	// ErrNotFound: the row does not exist (or is not the caller's).
	ErrNotFound = errors.New("not found")
	// ErrConflict: a unique key already holds the value.
	ErrConflict = errors.New("conflict")
	// ErrBadReference: a foreign key names a row that does not exist, or a row still referenced.
	ErrBadReference = errors.New("bad reference")
	// ErrRetryable: the server aborted the transaction (deadlock, lock wait timeout).
	ErrRetryable = errors.New("transaction aborted, retry")
	// ErrPoolTimeout: no pooled connection became free within the acquire timeout.
	ErrPoolTimeout = errors.New("database connection pool exhausted")
	// ErrUnavailable: the database could not be reached.
	ErrUnavailable = errors.New("database unavailable")
)

// MySQL server error numbers mapped below.
const (
	erDupEntry         = 1062
	erRowIsReferenced  = 1451
	erNoReferencedRow  = 1452
	erRowIsReferenced2 = 1217
	erNoReferencedRow2 = 1216
	erLockDeadlock     = 1213
	erLockWaitTimeout  = 1205
)

// ConstraintError carries the constraint a conflict or bad reference concerns, so a service can
// choose the message (for example which unique key was hit).
type ConstraintError struct {
	Kind    error // ErrConflict or ErrBadReference
	Message string
}

func (e *ConstraintError) Error() string { return e.Kind.Error() + ": " + e.Message }

// Unwrap lets errors.Is match Kind.
func (e *ConstraintError) Unwrap() error { return e.Kind }

// MapError turns driver errors into the domain errors above; others pass through unchanged.
func MapError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		switch me.Number {
		case erDupEntry:
			return &ConstraintError{Kind: ErrConflict, Message: me.Message}
		case erRowIsReferenced, erNoReferencedRow, erRowIsReferenced2, erNoReferencedRow2:
			return &ConstraintError{Kind: ErrBadReference, Message: me.Message}
		case erLockDeadlock, erLockWaitTimeout:
			return fmt.Errorf("%w: %s", ErrRetryable, me.Message)
		}
	}
	if errors.Is(err, mysql.ErrInvalidConn) || errors.Is(err, driver.ErrBadConn) {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return err
}
