package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// maxTxAttempts bounds how often InTx runs a transaction that lost a deadlock.
const maxTxAttempts = 4

// Tx is a transaction; it implements Queryer.
type Tx struct {
	tx *sqlx.Tx
	db *DB
}

// InTx runs fn in one transaction and commits it, or rolls back when fn fails. A transaction that
// the server aborted for a deadlock or a lock-wait timeout is run again from the start, up to a few
// times with a short backoff, so callers see the outcome of a consistent retry rather than a 500.
// fn must therefore have no effects outside the transaction.
func (d *DB) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	var err error
	for attempt := 1; attempt <= maxTxAttempts; attempt++ {
		err = d.runTx(ctx, fn)
		if !errors.Is(err, ErrRetryable) || attempt == maxTxAttempts {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt*attempt) * 5 * time.Millisecond):
		}
	}
	return err
}

func (d *DB) runTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	conn, err := d.acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	stx, err := conn.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", MapError(err))
	}
	tx := &Tx{tx: stx, db: d}
	defer func() {
		if p := recover(); p != nil {
			_ = stx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = stx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = stx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", MapError(err))
	}
	return nil
}

// Get runs a query expected to return one row into dest. No row is ErrNotFound.
func (t *Tx) Get(ctx context.Context, dest any, query string, args ...any) error {
	return t.db.observe(ctx, query, func(ctx context.Context) error { return t.tx.GetContext(ctx, dest, query, args...) })
}

// Select runs a query into the slice dest.
func (t *Tx) Select(ctx context.Context, dest any, query string, args ...any) error {
	return t.db.observe(ctx, query, func(ctx context.Context) error { return t.tx.SelectContext(ctx, dest, query, args...) })
}

// Exec runs a statement.
func (t *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	var res sql.Result
	err := t.db.observe(ctx, query, func(ctx context.Context) (e error) { res, e = t.tx.ExecContext(ctx, query, args...); return e })
	return res, err
}
