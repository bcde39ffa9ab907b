package seed_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ternant/ternant/internal/testenv"
	"github.com/ternant/ternant/migrations"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/seed"
)

func freshDB(t *testing.T) *db.DB {
	t.Helper()
	dsn := testenv.MySQL(t)
	m, err := db.NewMigrator(dsn, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if err := m.Up(); err != nil {
		t.Fatal(err)
	}
	d, err := db.Open(context.Background(), dsn, db.Options{PoolSize: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

var anchor = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

func count(t *testing.T, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.Get(context.Background(), &n, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// checkConsistency asserts the invariants the API relies on.
func checkConsistency(t *testing.T, d *db.DB) {
	t.Helper()
	if n := count(t, d, `SELECT COUNT(*) FROM invoices i WHERE i.amount_paid <> (SELECT COALESCE(SUM(p.amount), 0) FROM payments p WHERE p.invoice_id = i.id)`); n != 0 {
		t.Errorf("%d invoices whose amountPaid differs from their payments", n)
	}
	if n := count(t, d, `SELECT COUNT(*) FROM invoices WHERE status = 'paid' AND amount_paid <> total_amount`); n != 0 {
		t.Errorf("%d paid invoices not fully paid", n)
	}
	if n := count(t, d, `SELECT COUNT(*) FROM invoices WHERE subtotal + tax_amount <> total_amount`); n != 0 {
		t.Errorf("%d invoices whose subtotal + tax <> total", n)
	}
	if n := count(t, d, `SELECT COUNT(*) FROM occupancies o JOIN apartments a ON a.id = o.apartment_id WHERE a.status <> 'occupied'`); n != 0 {
		t.Errorf("%d leased apartments not marked occupied", n)
	}
	if n := count(t, d, `SELECT COUNT(*) FROM (SELECT apartment_id FROM occupancies WHERE status IN ('pending','active') GROUP BY apartment_id HAVING COUNT(*) > 1) x`); n != 0 {
		t.Errorf("%d apartments with overlapping leases", n)
	}
	if n := count(t, d, `SELECT COUNT(*) FROM occupancies WHERE NOT (lease_start_date <= ? AND lease_end_date >= ?)`, anchor, anchor); n != 0 {
		t.Errorf("%d active leases that do not cover the anchor date", n)
	}
}

func TestDemo(t *testing.T) {
	d := freshDB(t)
	ctx := context.Background()
	sum, err := seed.Demo(ctx, d, seed.Options{Seed: 7, Now: anchor, BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Companies != 3 || sum.Users != 13 || sum.Compounds != 9 || sum.Tenants != 48 {
		t.Errorf("summary %s", sum)
	}
	if sum.Apartments < 72 || sum.Apartments > 135 || sum.Occupancies != 48 || sum.Invoices < 3*48 {
		t.Errorf("summary %s", sum)
	}
	for _, slug := range []string{"sunrise-pm", "elite-housing", "metro-apartments"} {
		for _, role := range []string{"owner", "admin", "staff", "auditor"} {
			if n := count(t, d, "SELECT COUNT(*) FROM users u JOIN companies c ON c.id = u.company_id WHERE u.email = ? AND c.slug = ? AND u.role = UPPER(?)", role+"@"+slug+".com", slug, role); n != 1 {
				t.Errorf("%s@%s.com: %d rows", role, slug, n)
			}
		}
	}
	if n := count(t, d, "SELECT COUNT(*) FROM users WHERE email = ? AND is_super_admin = 1 AND company_id IS NULL AND role = 'SUPER_ADMIN'", seed.SuperAdminEmail); n != 1 {
		t.Errorf("super admin rows = %d", n)
	}
	checkConsistency(t, d)
	if _, err := seed.Demo(ctx, d, seed.Options{Seed: 7, Now: anchor, BcryptCost: 4}); !errors.Is(err, seed.ErrAlreadySeeded) {
		t.Errorf("second demo seed: %v, want ErrAlreadySeeded", err)
	}
}

func TestBulkIsDeterministicAndSized(t *testing.T) {
	ctx := context.Background()
	sizes := seed.Sizes{Companies: 2, Compounds: 5, Apartments: 230, Tenants: 90, InvoicesPerLease: 4}
	fingerprint := func(d *db.DB) string {
		var s string
		if err := d.Get(ctx, &s, `SELECT MD5(GROUP_CONCAT(CONCAT_WS('|', id, invoice_number, total_amount, status, amount_paid) ORDER BY id)) FROM invoices`); err != nil {
			t.Fatal(err)
		}
		return s
	}
	var prints []string
	for i := 0; i < 2; i++ {
		d := freshDB(t)
		sum, err := seed.Bulk(ctx, d, sizes, seed.Options{Seed: 3, Now: anchor, BcryptCost: 4})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Companies != 2 || sum.Compounds != 5 || sum.Apartments != 230 || sum.Tenants != 180 || sum.Occupancies != 180 || sum.Invoices != 720 {
			t.Errorf("summary %s", sum)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM apartments"); n != 230 {
			t.Errorf("apartments = %d", n)
		}
		checkConsistency(t, d)
		prints = append(prints, fingerprint(d))
	}
	if prints[0] != prints[1] {
		t.Errorf("same seed produced different invoices: %s vs %s", prints[0], prints[1])
	}
}
