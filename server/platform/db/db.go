// Package db is the MySQL access layer: sqlx over go-sql-driver/mysql with a bounded wait for pooled
// connections, query instrumentation, a transaction helper that retries deadlocks, and the one place
// where driver errors become domain errors.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jmoiron/sqlx"
)

// Options tune the pool.
type Options struct {
	// PoolSize is the maximum number of open connections; idle connections are kept up to it.
	PoolSize int
	// AcquireTimeout bounds the wait for a free connection; past it a call fails with ErrPoolTimeout.
	AcquireTimeout time.Duration
	// ConnectTimeout bounds opening a connection when the DSN sets no timeout of its own.
	ConnectTimeout time.Duration
	// QueryTimeout, when positive, bounds each statement after it has a connection (a deadline on
	// its context), and is the socket read/write timeout when the DSN sets none, so a database
	// that stops answering fails the statement with ErrUnavailable instead of holding it.
	QueryTimeout time.Duration
	// OnQuery, when set, is called after every statement with the statement's context (so a trace
	// span can be a child of the request's) and what happened.
	OnQuery func(ctx context.Context, q Query)
}

// Query describes a finished statement for instrumentation. It never carries the bound values.
type Query struct {
	// Operation is the statement's first keyword: select, insert, update, delete, or other.
	Operation string
	// SQL is the statement text as written in the store, placeholders included.
	SQL string
	// Start is when the statement was sent; Duration excludes the wait for a pooled connection.
	Start    time.Time
	Duration time.Duration
	// Err is the driver's error, before mapping to a domain error.
	Err error
}

// DB is the pooled database handle every store uses.
type DB struct {
	x    *sqlx.DB
	opts Options
}

// Queryer runs statements; both *DB and *Tx implement it, so a store works inside or outside a
// transaction.
type Queryer interface {
	Get(ctx context.Context, dest any, query string, args ...any) error
	Select(ctx context.Context, dest any, query string, args ...any) error
	Exec(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// NormalizeDSN fixes the driver settings the code relies on: parsed times in UTC, a UTC session
// time zone, utf8mb4. It returns the DSN unchanged in every other respect.
func NormalizeDSN(dsn string) (string, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return "", fmt.Errorf("parse database DSN: %w", err)
	}
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	cfg.Params["time_zone"] = "'+00:00'"
	cfg.Collation = "utf8mb4_unicode_ci"
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	return cfg.FormatDSN(), nil
}

// withTimeouts puts opts' connect and socket timeouts into dsn where it sets none.
func withTimeouts(dsn string, opts Options) (string, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return "", fmt.Errorf("parse database DSN: %w", err)
	}
	if cfg.Timeout == 0 && opts.ConnectTimeout > 0 {
		cfg.Timeout = opts.ConnectTimeout
	}
	if opts.QueryTimeout > 0 {
		if cfg.ReadTimeout == 0 {
			cfg.ReadTimeout = opts.QueryTimeout
		}
		if cfg.WriteTimeout == 0 {
			cfg.WriteTimeout = opts.QueryTimeout
		}
	}
	return cfg.FormatDSN(), nil
}

// Open connects to dsn and verifies the connection.
func Open(ctx context.Context, dsn string, opts Options) (*DB, error) {
	dsn, err := withTimeouts(dsn, opts)
	if err != nil {
		return nil, err
	}
	norm, err := NormalizeDSN(dsn)
	if err != nil {
		return nil, err
	}
	x, err := sqlx.Open("mysql", norm)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if opts.PoolSize <= 0 {
		opts.PoolSize = 20
	}
	if opts.AcquireTimeout <= 0 {
		opts.AcquireTimeout = 30 * time.Second
	}
	x.SetMaxOpenConns(opts.PoolSize)
	x.SetMaxIdleConns(opts.PoolSize)
	x.SetConnMaxLifetime(30 * time.Minute)
	x.SetConnMaxIdleTime(5 * time.Minute)
	d := &DB{x: x, opts: opts}
	if err := d.Ping(ctx); err != nil {
		x.Close()
		return nil, err
	}
	return d, nil
}

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error {
	conn, err := d.acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.PingContext(ctx); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}

// Close closes the pool.
func (d *DB) Close() error { return d.x.Close() }

// Stats reports the pool's figures (for metrics).
func (d *DB) Stats() sql.DBStats { return d.x.Stats() }

// MaxOpen is the configured pool size.
func (d *DB) MaxOpen() int { return d.opts.PoolSize }

// SQLX exposes the underlying handle for tools that need it (migrations, bulk seeding).
func (d *DB) SQLX() *sqlx.DB { return d.x }

// acquire takes a connection from the pool, waiting at most AcquireTimeout.
func (d *DB) acquire(ctx context.Context) (*sqlx.Conn, error) {
	actx, cancel := context.WithTimeout(ctx, d.opts.AcquireTimeout)
	defer cancel()
	conn, err := d.x.Connx(actx)
	if err == nil {
		return conn, nil
	}
	if ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
		return nil, fmt.Errorf("%w: no connection free within %s (pool size %d)", ErrPoolTimeout, d.opts.AcquireTimeout, d.opts.PoolSize)
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
}

// Get runs a query expected to return one row into dest. No row is ErrNotFound.
func (d *DB) Get(ctx context.Context, dest any, query string, args ...any) error {
	conn, err := d.acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return d.observe(ctx, query, func(ctx context.Context) error { return conn.GetContext(ctx, dest, query, args...) })
}

// Select runs a query into the slice dest.
func (d *DB) Select(ctx context.Context, dest any, query string, args ...any) error {
	conn, err := d.acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return d.observe(ctx, query, func(ctx context.Context) error { return conn.SelectContext(ctx, dest, query, args...) })
}

// Exec runs a statement.
func (d *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	conn, err := d.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	var res sql.Result
	err = d.observe(ctx, query, func(ctx context.Context) (e error) { res, e = conn.ExecContext(ctx, query, args...); return e })
	return res, err
}

// observe runs fn under the statement deadline, times it, reports it, and maps its error. A
// statement that outlived QueryTimeout (while its caller still waits) is ErrUnavailable.
func (d *DB) observe(ctx context.Context, query string, fn func(ctx context.Context) error) error {
	sctx, cancel := ctx, context.CancelFunc(func() {})
	if d.opts.QueryTimeout > 0 {
		sctx, cancel = context.WithTimeout(ctx, d.opts.QueryTimeout)
	}
	defer cancel()
	start := time.Now()
	err := fn(sctx)
	if d.opts.OnQuery != nil {
		d.opts.OnQuery(ctx, Query{Operation: Operation(query), SQL: query, Start: start, Duration: time.Since(start), Err: err})
	}
	if err != nil && ctx.Err() == nil && sctx.Err() != nil {
		return fmt.Errorf("%w: statement did not finish within %s: %w", ErrUnavailable, d.opts.QueryTimeout, err)
	}
	return MapError(err)
}

// Operation names a statement for metrics by its first keyword: select, insert, update, delete, or
// other. It never allocates for the common keywords.
func Operation(query string) string {
	q := strings.TrimLeft(query, " \t\r\n(")
	if len(q) < 6 {
		return "other"
	}
	switch {
	case strings.EqualFold(q[:6], "select"), len(q) >= 4 && strings.EqualFold(q[:4], "with"):
		return "select"
	case strings.EqualFold(q[:6], "insert"), strings.EqualFold(q[:6], "replac"):
		return "insert"
	case strings.EqualFold(q[:6], "update"):
		return "update"
	case strings.EqualFold(q[:6], "delete"):
		return "delete"
	}
	return "other"
}

// SetDriverLogger sends the MySQL driver's own messages (a connection closed under it, a read that
// timed out) to log as warnings, instead of plain text on stderr. The driver's logger is
// process-wide.
func SetDriverLogger(log *slog.Logger) {
	_ = mysql.SetLogger(driverLogger{log})
}

type driverLogger struct{ log *slog.Logger }

func (l driverLogger) Print(v ...any) {
	l.log.Warn("mysql driver", "msg", strings.TrimSpace(fmt.Sprint(v...)))
}
