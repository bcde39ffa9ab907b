// Package billingtest gives the billing packages' tests a migrated MariaDB database, property
// fixtures written with plain SQL (companies, compounds, apartments, tenants, occupancies, invoices),
// and an HTTP harness that mounts routes behind a fixed principal.
package billingtest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/ternant/ternant/internal/testenv"
	"github.com/ternant/ternant/migrations"
	"github.com/ternant/ternant/server/apartments"
	"github.com/ternant/ternant/server/compounds"
	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/identity"
	"github.com/ternant/ternant/server/invoices"
	"github.com/ternant/ternant/server/occupancies"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/money"
	"github.com/ternant/ternant/server/tenants"
)

// Open returns a pool on a fresh, migrated database, closed when the test ends.
func Open(t testing.TB, poolSize int) *db.DB {
	t.Helper()
	d, _ := OpenDSN(t, poolSize)
	return d
}

// OpenDSN is Open that also returns the database's DSN.
func OpenDSN(t testing.TB, poolSize int) (*db.DB, string) {
	t.Helper()
	dsn := testenv.MySQL(t)
	m, err := db.NewMigrator(dsn, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Up(); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	m.Close()
	d, err := db.Open(context.Background(), dsn, db.Options{PoolSize: poolSize, AcquireTimeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d, dsn
}

// ID returns a fresh UUID.
func ID() string { return uuid.Must(uuid.NewV7()).String() }

func exec(t testing.TB, d *db.DB, q string, args ...any) {
	t.Helper()
	if _, err := d.Exec(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// Company inserts a company and returns its id.
func Company(t testing.TB, d *db.DB) string {
	t.Helper()
	id := ID()
	exec(t, d, `INSERT INTO companies (id, name, slug, email) VALUES (?, ?, ?, ?)`, id, "Co "+id[:8], "co-"+id, "co@example.com")
	return id
}

// Compound inserts a compound of the company.
func Compound(t testing.TB, d *db.DB, companyID, name string) string {
	t.Helper()
	id := ID()
	exec(t, d, `INSERT INTO compounds (id, company_id, name, address_line, city, country) VALUES (?, ?, ?, 'Main Road 1', 'Nairobi', 'Kenya')`,
		id, companyID, name)
	return id
}

// Apartment inserts an apartment with the status.
func Apartment(t testing.TB, d *db.DB, companyID, compoundID, unit, status string) string {
	t.Helper()
	id := ID()
	exec(t, d, `INSERT INTO apartments (id, company_id, compound_id, unit_number, status, monthly_rent) VALUES (?, ?, ?, ?, ?, 1000.00)`,
		id, companyID, compoundID, unit, status)
	return id
}

// Tenant inserts a tenant with the email.
func Tenant(t testing.TB, d *db.DB, companyID, email string) string {
	t.Helper()
	id := ID()
	exec(t, d, `INSERT INTO tenants (id, company_id, first_name, last_name, email) VALUES (?, ?, 'Amina', 'Otieno', ?)`,
		id, companyID, email)
	return id
}

// Lease is an occupancy fixture.
type Lease struct {
	CompanyID, CompoundID, ApartmentID, TenantID, OccupancyID string
}

// NewLease inserts a compound, an occupied apartment, a tenant and an active occupancy at rent
// from start to end.
func NewLease(t testing.TB, d *db.DB, companyID string, rent money.Amount, start, end dbtypes.Date) Lease {
	t.Helper()
	l := Lease{CompanyID: companyID}
	l.CompoundID = Compound(t, d, companyID, "Compound "+ID()[:8])
	l.ApartmentID = Apartment(t, d, companyID, l.CompoundID, "1A", "occupied")
	l.TenantID = Tenant(t, d, companyID, "tenant-"+ID()+"@example.com")
	l.OccupancyID = ID()
	exec(t, d, `INSERT INTO occupancies (id, company_id, tenant_id, apartment_id, lease_start_date, lease_end_date, monthly_rent, status)
		VALUES (?, ?, ?, ?, ?, ?, ?, 'active')`, l.OccupancyID, companyID, l.TenantID, l.ApartmentID, start, end, rent)
	return l
}

// Invoice inserts an invoice of the lease with one line of total, the status, amount paid and
// due date, and returns its id.
func Invoice(t testing.TB, d *db.DB, l Lease, number string, total, paid money.Amount, status string, invoiceDate, due dbtypes.Date) string {
	t.Helper()
	id := ID()
	items := fmt.Sprintf(`[{"description":"Rent","quantity":1,"unitPrice":%s,"amount":%s,"type":"rent"}]`, total, total)
	exec(t, d, `INSERT INTO invoices (id, company_id, invoice_number, occupancy_id, tenant_id, invoice_date, due_date, status,
		lineItems, subtotal, total_amount, amount_paid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, l.CompanyID, number, l.OccupancyID, l.TenantID, invoiceDate, due, status, items, total, total, paid)
	return id
}

// Serve mounts routes under /api/v1 behind a principal of the company with the role, and returns
// the server's base URL.
func Serve(t testing.TB, companyID string, role identity.Role, routes []httpx.Route) string {
	t.Helper()
	p := &identity.Principal{UserID: ID(), CompanyID: &companyID, Email: "user@example.com", Role: role}
	r := chi.NewRouter()
	r.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			next.ServeHTTP(w, req.WithContext(identity.With(req.Context(), p)))
		})
	})
	r.Route("/api/v1", func(api chi.Router) {
		for _, rt := range routes {
			access := rt.Access
			h := rt.Handler
			api.Method(rt.Method, rt.Pattern, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				if !access.Allows(identity.From(req.Context())) {
					httpx.WriteError(w, req, httpx.Forbidden("Insufficient permissions"))
					return
				}
				h(w, req)
			}))
		}
	})
	hs := httptest.NewServer(r)
	t.Cleanup(hs.Close)
	return hs.URL + "/api/v1"
}

// Services are the billing services over one database, built as the server builds them.
type Services struct {
	Tenants  *tenants.Service
	Leases   *occupancies.Service
	Invoices *invoices.Service
}

// NewServices builds the invoices service and the property services it reads through.
func NewServices(d *db.DB) Services {
	ts := tenants.NewService(d)
	ls := occupancies.NewService(d, ts, apartments.NewService(d, compounds.NewService(d)))
	return Services{Tenants: ts, Leases: ls, Invoices: invoices.NewService(d, ts, ls)}
}
