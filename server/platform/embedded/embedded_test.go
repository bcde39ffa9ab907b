//go:build !noembed

package embedded_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ternant/ternant/migrations"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/embedded"
	"github.com/ternant/ternant/server/seed"
)

// The embedded engine must run the same migrations as MariaDB, up and down, and support what the
// stores rely on: transactions, foreign keys, unique keys and SELECT ... FOR UPDATE.
func TestEmbeddedEngineRunsMigrations(t *testing.T) {
	ctx := context.Background()
	st, err := embedded.Start(ctx, "ternant")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	m, err := db.NewMigrator(st.DSN, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	latest, _ := db.Latest(migrations.FS)
	for round := 0; round < 2; round++ {
		if err := m.Up(); err != nil {
			t.Fatalf("up: %v", err)
		}
		if v, dirty, _ := m.Version(); v != latest || dirty {
			t.Fatalf("version %d dirty %v, want %d", v, dirty, latest)
		}
		if err := m.Down(int(latest)); err != nil {
			t.Fatalf("down: %v", err)
		}
	}
	if err := m.Up(); err != nil {
		t.Fatal(err)
	}

	d, err := db.Open(ctx, st.DSN, db.Options{PoolSize: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var n int
	if err := d.Get(ctx, &n, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'ternant' AND table_name <> 'schema_migrations'"); err != nil {
		t.Fatal(err)
	}
	if n != 11 { // the 9 TernantApp tables, idempotency_keys and invoice_totals
		t.Errorf("tables = %d, want 11", n)
	}

	if _, err := d.Exec(ctx, "INSERT INTO compounds (id, company_id, name, address_line, city, country) VALUES ('c1', 'co', 'A', 'Road 1', 'Nairobi', 'KE')"); err != nil {
		t.Fatal(err)
	}
	// Foreign keys hold.
	_, err = d.Exec(ctx, "INSERT INTO apartments (id, company_id, compound_id, unit_number) VALUES ('a1', 'co', 'missing', '1A')")
	if !errors.Is(err, db.ErrBadReference) {
		t.Errorf("insert with a missing compound: err = %v, want ErrBadReference", err)
	}
	// Unique keys map to conflicts.
	if _, err := d.Exec(ctx, "INSERT INTO apartments (id, company_id, compound_id, unit_number) VALUES ('a1', 'co', 'c1', '1A')"); err != nil {
		t.Fatal(err)
	}
	_, err = d.Exec(ctx, "INSERT INTO apartments (id, company_id, compound_id, unit_number) VALUES ('a2', 'co', 'c1', '1A')")
	if !errors.Is(err, db.ErrConflict) {
		t.Errorf("duplicate unit: err = %v, want ErrConflict", err)
	}
	// Transactions roll back, FOR UPDATE parses and runs.
	rollback := errors.New("rollback")
	err = d.InTx(ctx, func(tx *db.Tx) error {
		var id string
		if err := tx.Get(ctx, &id, "SELECT id FROM apartments WHERE id = 'a1' FOR UPDATE"); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE apartments SET status = 'occupied' WHERE id = ?", id); err != nil {
			return err
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatalf("tx err = %v", err)
	}
	var status string
	if err := d.Get(ctx, &status, "SELECT status FROM apartments WHERE id = 'a1'"); err != nil || status != "available" {
		t.Errorf("after rollback status = %q (err %v), want available", status, err)
	}

	// `make run` seeds the demo data set into the engine.
	sum, err := seed.Demo(ctx, d, seed.Options{Seed: 1, BcryptCost: 4})
	if err != nil {
		t.Fatalf("demo seed on the embedded engine: %v", err)
	}
	if err := d.Get(ctx, &n, "SELECT COUNT(*) FROM users WHERE email = 'owner@sunrise-pm.com'"); err != nil || n != 1 || sum.Companies != 3 {
		t.Errorf("demo seed: %s; owner rows %d (%v)", sum, n, err)
	}
}
