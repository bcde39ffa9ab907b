package db

import (
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/golang-migrate/migrate/v4"
	migratemysql "github.com/golang-migrate/migrate/v4/database/mysql"
	"github.com/golang-migrate/migrate/v4/source/iofs"
)

// Migrator applies the embedded schema migrations. Concurrent migrators on one database are safe:
// golang-migrate holds a GET_LOCK while it works, and a migrator that finds the lock taken waits and
// tries again.
type Migrator struct {
	m  *migrate.Migrate
	db *sql.DB
}

// ErrDirty reports a migration that failed half way; the message says how to recover.
var ErrDirty = errors.New("database schema is dirty")

// NewMigrator opens its own connection (migrations need multiStatements) to dsn.
func NewMigrator(dsn string, source fs.FS) (*Migrator, error) {
	norm, err := NormalizeDSN(dsn)
	if err != nil {
		return nil, err
	}
	cfg, _ := mysql.ParseDSN(norm)
	cfg.MultiStatements = true
	sqlDB, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		return nil, fmt.Errorf("open database for migrations: %w", err)
	}
	sqlDB.SetMaxOpenConns(2)
	driver, err := migratemysql.WithInstance(sqlDB, &migratemysql.Config{})
	if err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("connect for migrations: %w", err)
	}
	src, err := iofs.New(source, ".")
	if err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("read embedded migrations: %w", err)
	}
	m, err := migrate.NewWithInstance("iofs", src, "mysql", driver)
	if err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("init migrations: %w", err)
	}
	return &Migrator{m: m, db: sqlDB}, nil
}

// Close releases the migrator's connection.
func (g *Migrator) Close() error {
	srcErr, dbErr := g.m.Close()
	return errors.Join(srcErr, dbErr)
}

// Up applies every pending migration. It is a no-op on an up-to-date schema.
func (g *Migrator) Up() error { return g.run(func() error { return g.m.Up() }) }

// Down reverts n migrations (n > 0).
func (g *Migrator) Down(n int) error {
	if n <= 0 {
		return fmt.Errorf("down: step count must be positive, got %d", n)
	}
	return g.run(func() error { return g.m.Steps(-n) })
}

// DownAll reverts every applied migration, leaving an empty schema.
func (g *Migrator) DownAll() error { return g.run(func() error { return g.m.Down() }) }

// Force sets the recorded version without running anything (recovery from a dirty state).
func (g *Migrator) Force(version int) error {
	return g.run(func() error { return g.m.Force(version) })
}

// Version reports the applied version; 0 means no migration has run.
func (g *Migrator) Version() (version uint, dirty bool, err error) {
	v, d, err := g.m.Version()
	if errors.Is(err, migrate.ErrNilVersion) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("read schema version: %w", err)
	}
	return v, d, nil
}

// Latest is the highest version among the embedded migrations.
func Latest(source fs.FS) (uint, error) {
	src, err := iofs.New(source, ".")
	if err != nil {
		return 0, err
	}
	defer src.Close()
	v, err := src.First()
	if err != nil {
		return 0, err
	}
	for {
		next, err := src.Next(v)
		if err != nil {
			return v, nil
		}
		v = next
	}
}

func (g *Migrator) run(op func() error) error {
	var err error
	for attempt := 0; attempt < 30; attempt++ {
		err = op()
		if !errors.Is(err, migrate.ErrLocked) && !isLockTimeout(err) {
			break
		}
		time.Sleep(time.Second)
	}
	if errors.Is(err, migrate.ErrNoChange) {
		return nil
	}
	var dirty migrate.ErrDirty
	if errors.As(err, &dirty) {
		return fmt.Errorf("%w at version %d: a migration failed part way; repair the schema by hand, then run `ternant migrate force %d` (the last version that fully applied) and `ternant migrate up`",
			ErrDirty, dirty.Version, dirty.Version-1)
	}
	return err
}

// isLockTimeout matches golang-migrate's failure to obtain GET_LOCK within its own timeout.
func isLockTimeout(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "try lock failed") || strings.Contains(err.Error(), "can't acquire lock"))
}
