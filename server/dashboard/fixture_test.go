package dashboard

import (
	"context"
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ternant/ternant/internal/testdb"
	"github.com/ternant/ternant/server/platform/db"
)

// openDB migrates a fresh test database and opens it; onQuery, if set, sees every statement.
func openDB(t testing.TB, onQuery func(op string, d time.Duration, err error)) *db.DB {
	t.Helper()
	opts := db.Options{PoolSize: 10}
	if onQuery != nil {
		opts.OnQuery = func(_ context.Context, q db.Query) { onQuery(q.Operation, q.Duration, q.Err) }
	}
	return testdb.Open(t, opts)
}

// The rows a fixture company holds, as plain values the test computes its expectations from.
type (
	fxApartment struct {
		id     string
		active bool
	}
	fxLease struct {
		id, apartmentID, tenantID string
		rent                      int64 // cents
		status                    string
		active                    bool
	}
	fxInvoice struct {
		id, leaseID, tenantID string
		status                string
		due                   time.Time
		total, paid           int64 // cents
		active                bool
	}
	fixture struct {
		companyID  string
		apartments []fxApartment
		leases     []fxLease
		invoices   []fxInvoice
	}
)

var (
	leaseStatuses   = []string{"pending", "active", "active", "active", "ended", "cancelled"}
	invoiceStatuses = []string{"draft", "sent", "sent", "paid", "paid", "overdue", "cancelled"}
)

// randomFixture makes a company with n apartments and a random mix of leases and invoices in
// every status, some soft-deleted, some due today, some due in the past or the future.
func randomFixture(seed uint64, n int, today time.Time) *fixture {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	f := &fixture{companyID: uuid.NewString()}
	for range n {
		f.apartments = append(f.apartments, fxApartment{id: uuid.NewString(), active: r.IntN(8) != 0})
	}
	for _, a := range f.apartments {
		for range r.IntN(3) {
			l := fxLease{
				id: uuid.NewString(), apartmentID: a.id, tenantID: uuid.NewString(),
				rent: 2000000 + r.Int64N(8000000), status: leaseStatuses[r.IntN(len(leaseStatuses))],
				active: r.IntN(6) != 0,
			}
			f.leases = append(f.leases, l)
			for range r.IntN(4) {
				total := 100000 + r.Int64N(9000000)
				inv := fxInvoice{
					id: uuid.NewString(), leaseID: l.id, tenantID: l.tenantID,
					status: invoiceStatuses[r.IntN(len(invoiceStatuses))],
					due:    today.AddDate(0, 0, r.IntN(21)-10), total: total, active: r.IntN(7) != 0,
				}
				switch inv.status {
				case "paid":
					inv.paid = total
				case "draft":
				default:
					inv.paid = r.Int64N(total + 1)
				}
				f.invoices = append(f.invoices, inv)
			}
		}
	}
	return f
}

// insert writes the fixture with plain SQL (the domain services are not needed to read them).
func (f *fixture) insert(t testing.TB, d *db.DB) {
	t.Helper()
	slug := "c-" + f.companyID[:8]
	if _, err := d.Exec(context.Background(), `INSERT INTO companies (id, name, slug) VALUES (?, ?, ?)`,
		f.companyID, "Company "+slug, slug); err != nil {
		t.Fatalf("fixture company: %v", err)
	}
	f.insertRows(t, d)
}

// insertRows writes everything but the company row (which registration may have made).
func (f *fixture) insertRows(t testing.TB, d *db.DB) {
	t.Helper()
	ctx := context.Background()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := d.Exec(ctx, q, args...); err != nil {
			t.Fatalf("fixture: %v\n%s", err, q)
		}
	}
	slug := "c-" + f.companyID[:8]
	compound := uuid.NewString()
	exec(`INSERT INTO compounds (id, company_id, name, address_line, city, country) VALUES (?, ?, 'Block', '1 Main Road', 'Nairobi', 'Kenya')`,
		compound, f.companyID)
	for i, a := range f.apartments {
		exec(`INSERT INTO apartments (id, company_id, compound_id, unit_number, is_active) VALUES (?, ?, ?, ?, ?)`,
			a.id, f.companyID, compound, fmt.Sprintf("U%03d", i), a.active)
	}
	for i, l := range f.leases {
		exec(`INSERT INTO tenants (id, company_id, first_name, last_name, email) VALUES (?, ?, 'Ann', 'Renter', ?)`,
			l.tenantID, f.companyID, fmt.Sprintf("t%d@%s.test", i, slug))
		exec(`INSERT INTO occupancies (id, company_id, tenant_id, apartment_id, lease_start_date, lease_end_date, monthly_rent, status, is_active)
			VALUES (?, ?, ?, ?, '2026-01-01', '2027-01-01', ?, ?, ?)`,
			l.id, f.companyID, l.tenantID, l.apartmentID, cents(l.rent), l.status, l.active)
	}
	f.insertInvoices(t, d, "INV-"+slug)
}

// cents formats minor units as a SQL decimal literal.
func cents(n int64) string { return fmt.Sprintf("%d.%02d", n/100, n%100) }

// expected computes the figures from the fixture in Go, following TernantApp's dashboard definitions line by line,
// without any of the code under test. Values are exact rationals.
func (f *fixture) expected(today time.Time) map[string]*big.Rat {
	var units, occupied, rentSum, revenue, billed, outstanding, overdueN, overdueAmt int64
	for _, a := range f.apartments {
		if a.active {
			units++
		}
	}
	for _, l := range f.leases {
		if l.active && l.status == "active" {
			occupied++
			rentSum += l.rent
		}
	}
	for _, inv := range f.invoices {
		if !inv.active {
			continue
		}
		revenue += inv.paid
		billed += inv.total
		if inv.status != "paid" {
			outstanding += inv.total - inv.paid
		}
		if (inv.status == "sent" || inv.status == "overdue") && !inv.due.After(today) {
			overdueN++
			overdueAmt += inv.total - inv.paid
		}
	}
	count := func(n int64) *big.Rat { return big.NewRat(n, 1) }
	money := func(c int64) *big.Rat { return big.NewRat(c, 100) }
	// rate is part/whole×100 rounded half up to two places: floor(part×10000/whole + 1/2) / 100.
	rate := func(part, whole int64) *big.Rat {
		if whole == 0 {
			return new(big.Rat)
		}
		x := new(big.Rat).Add(big.NewRat(part*10000, whole), big.NewRat(1, 2))
		floor := new(big.Int).Quo(x.Num(), x.Denom())
		return new(big.Rat).SetFrac(floor, big.NewInt(100))
	}
	avg := new(big.Rat)
	if occupied > 0 {
		avg = big.NewRat(rentSum, occupied*100)
	}
	return map[string]*big.Rat{
		"totalUnits": count(units), "occupiedUnits": count(occupied),
		"vacantUnits": count(units - occupied), "occupancyRate": rate(occupied, units),
		"activeTenants": count(occupied), "averageRent": avg,
		"monthlyRecurringRevenue": money(rentSum), "totalRevenue": money(revenue),
		"outstandingAmount": money(outstanding), "collectionRate": rate(revenue, billed),
		"overdueInvoices": count(overdueN), "overdueAmount": money(overdueAmt),
	}
}
