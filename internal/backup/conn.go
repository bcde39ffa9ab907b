package backup

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/ternant/ternant/server/platform/db"
)

// OpenDB opens the database named by dsn the way dumps and restores need it: UTC session time
// zone, utf8mb4, values as the server prints them (no time parsing), at most two connections.
func OpenDB(ctx context.Context, dsn string) (*sql.DB, error) {
	norm, err := db.NormalizeDSN(dsn)
	if err != nil {
		return nil, err
	}
	cfg, err := mysql.ParseDSN(norm)
	if err != nil {
		return nil, fmt.Errorf("parse database DSN: %w", err)
	}
	cfg.ParseTime = false
	cfg.MultiStatements = false
	if cfg.DBName == "" {
		return nil, fmt.Errorf("the database DSN names no database")
	}
	d, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	d.SetMaxOpenConns(2)
	pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := d.PingContext(pctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("connect to database %s at %s: %w", cfg.DBName, cfg.Addr, err)
	}
	return d, nil
}
