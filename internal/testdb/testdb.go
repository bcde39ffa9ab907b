// Package testdb opens a migrated, empty MariaDB database for a test: testenv's per-test database
// with the full schema applied, closed and dropped when the test ends.
package testdb

import (
	"context"
	"testing"

	"github.com/ternant/ternant/internal/testenv"
	"github.com/ternant/ternant/migrations"
	"github.com/ternant/ternant/server/platform/db"
)

// Open migrates a fresh test database and opens it with opts (PoolSize 4 when unset).
func Open(t testing.TB, opts db.Options) *db.DB {
	t.Helper()
	dsn := testenv.MySQL(t)
	m, err := db.NewMigrator(dsn, migrations.FS)
	if err != nil {
		t.Fatalf("migrator: %v", err)
	}
	err = m.Up()
	m.Close()
	if err != nil {
		t.Fatalf("migrate test database: %v", err)
	}
	if opts.PoolSize == 0 {
		opts.PoolSize = 4
	}
	d, err := db.Open(context.Background(), dsn, opts)
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}
