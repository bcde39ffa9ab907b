// Package seed writes demo and bulk data straight into the schema: TernantApp's demo accounts so
// its clients can log in (`ternant seed --demo`), and large deterministic data sets for benchmarks
// (`ternant seed --bulk`). Rows go in with multi-row INSERTs, one transaction per company.
package seed

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/ternant/ternant/server/platform/db"
)

// Demo account passwords (TernantApp's demo accounts).
const (
	SuperAdminEmail    = "superadmin@ternantapp.com"
	SuperAdminPassword = "SuperAdmin@2025"
	DemoPassword       = "Password123!"
)

// Options control generation.
type Options struct {
	// Seed makes the output deterministic (same seed, same Now: same rows).
	Seed uint64
	// Now anchors every date (leases, invoices); zero means time.Now().
	Now time.Time
	// BcryptCost for the seeded users' passwords (TernantApp: 12, super admin 10).
	BcryptCost int
	// Progress, if set, is told after every batch of rows written.
	Progress func(table string, rows int)
}

// Sizes are the bulk data set's dimensions. Compounds and Apartments are totals spread evenly
// over the companies; Tenants is per company (one lease per tenant at most).
type Sizes struct {
	Companies        int
	Compounds        int
	Apartments       int
	Tenants          int
	InvoicesPerLease int
}

// Summary counts what was written.
type Summary struct {
	Companies, Users, Compounds, Apartments, Tenants, Occupancies, Invoices, Payments int
}

func (s Summary) String() string {
	return fmt.Sprintf("%d companies, %d users, %d compounds, %d apartments, %d tenants, %d occupancies, %d invoices, %d payments",
		s.Companies, s.Users, s.Compounds, s.Apartments, s.Tenants, s.Occupancies, s.Invoices, s.Payments)
}

// ErrAlreadySeeded is returned when the data to seed is already present.
var ErrAlreadySeeded = errors.New("already seeded")

// company describes one company to generate.
type company struct {
	index        int
	name, slug   string
	city         string
	users        bool // the owner/admin/staff/auditor accounts
	compounds    int
	aptsPerCmpd  func(r *rand.Rand) int
	tenants      int
	occupiedFrac float64
	invoices     func(r *rand.Rand) int
}

// Demo writes TernantApp's demo data set: the super admin, three companies with their four
// accounts each, compounds, apartments, tenants, leases, invoices and payments.
func Demo(ctx context.Context, d *db.DB, o Options) (Summary, error) {
	o = o.withDefaults()
	var n int
	if err := d.Get(ctx, &n, "SELECT COUNT(*) FROM companies WHERE slug = 'sunrise-pm'"); err != nil {
		return Summary{}, fmt.Errorf("check demo data: %w", err)
	}
	if n > 0 {
		return Summary{}, fmt.Errorf("%w: company sunrise-pm exists", ErrAlreadySeeded)
	}
	adminHash, err := bcrypt.GenerateFromPassword([]byte(SuperAdminPassword), min(o.BcryptCost, 10))
	if err != nil {
		return Summary{}, fmt.Errorf("hash super admin password: %w", err)
	}
	g := newGen(o, 0)
	var sum Summary
	if err := d.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO users (id, company_id, first_name, last_name, email, password_hash, role, is_super_admin, status)
			SELECT ?, NULL, 'Super', 'Admin', ?, ?, 'SUPER_ADMIN', 1, 'ACTIVE' FROM DUAL
			WHERE NOT EXISTS (SELECT 1 FROM users WHERE email = ? AND company_id IS NULL)`,
			g.id(), SuperAdminEmail, string(adminHash), SuperAdminEmail)
		return err
	}); err != nil {
		return Summary{}, fmt.Errorf("seed super admin: %w", err)
	}
	sum.Users++

	hash, err := bcrypt.GenerateFromPassword([]byte(DemoPassword), o.BcryptCost)
	if err != nil {
		return Summary{}, fmt.Errorf("hash demo password: %w", err)
	}
	demo := []struct{ name, slug string }{
		{"Sunrise Property Management", "sunrise-pm"},
		{"Elite Housing Solutions", "elite-housing"},
		{"Metro Apartments Ltd", "metro-apartments"},
	}
	for i, c := range demo {
		spec := company{
			index: i + 1, name: c.name, slug: c.slug, city: "Nairobi", users: true, compounds: 3,
			aptsPerCmpd:  func(r *rand.Rand) int { return 8 + r.IntN(8) },
			tenants:      16,
			occupiedFrac: 0.6,
			invoices:     func(r *rand.Rand) int { return 3 + r.IntN(4) },
		}
		s, err := writeCompany(ctx, d, o, spec, string(hash))
		if err != nil {
			return sum, err
		}
		sum = sum.add(s)
	}
	return sum, nil
}

// Bulk writes a large deterministic data set for benchmarks.
func Bulk(ctx context.Context, d *db.DB, sz Sizes, o Options) (Summary, error) {
	o = o.withDefaults()
	if sz.Companies < 1 || sz.Compounds < sz.Companies || sz.Apartments < sz.Compounds || sz.Tenants < 0 || sz.InvoicesPerLease < 0 {
		return Summary{}, fmt.Errorf("bulk sizes %+v: need companies >= 1, compounds >= companies, apartments >= compounds", sz)
	}
	slug := func(i int) string { return fmt.Sprintf("bulk-%d-%d", o.Seed, i) }
	var n int
	if err := d.Get(ctx, &n, "SELECT COUNT(*) FROM companies WHERE slug = ?", slug(1)); err != nil {
		return Summary{}, fmt.Errorf("check bulk data: %w", err)
	}
	if n > 0 {
		return Summary{}, fmt.Errorf("%w: company %s exists (use another --seed or a fresh database)", ErrAlreadySeeded, slug(1))
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(DemoPassword), o.BcryptCost)
	if err != nil {
		return Summary{}, fmt.Errorf("hash password: %w", err)
	}
	var sum Summary
	for i := 1; i <= sz.Companies; i++ {
		compounds := share(sz.Compounds, sz.Companies, i)
		apts := share(sz.Apartments, sz.Companies, i)
		ipl := sz.InvoicesPerLease
		spec := company{
			index: i, name: fmt.Sprintf("Bulk Company %d", i), slug: slug(i), city: "Nairobi", users: true,
			compounds: compounds,
			aptsPerCmpd: func() func(*rand.Rand) int {
				k := 0
				return func(*rand.Rand) int { k++; return share(apts, compounds, k) }
			}(),
			tenants:      sz.Tenants,
			occupiedFrac: 1,
			invoices:     func(*rand.Rand) int { return ipl },
		}
		s, err := writeCompany(ctx, d, o, spec, string(hash))
		if err != nil {
			return sum, err
		}
		sum = sum.add(s)
	}
	return sum, nil
}

// share splits total into parts as evenly as possible and returns part i (1-based).
func share(total, parts, i int) int {
	n := total / parts
	if i <= total%parts {
		n++
	}
	return n
}

func (o Options) withDefaults() Options {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	o.Now = o.Now.UTC().Truncate(time.Second)
	if o.BcryptCost == 0 {
		o.BcryptCost = 12
	}
	return o
}

func (s Summary) add(o Summary) Summary {
	s.Companies += o.Companies
	s.Users += o.Users
	s.Compounds += o.Compounds
	s.Apartments += o.Apartments
	s.Tenants += o.Tenants
	s.Occupancies += o.Occupancies
	s.Invoices += o.Invoices
	s.Payments += o.Payments
	return s
}
