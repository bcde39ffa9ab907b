package occupancies

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/ternant/ternant/internal/testenv"
	"github.com/ternant/ternant/migrations"
	"github.com/ternant/ternant/server/apartments"
	"github.com/ternant/ternant/server/compounds"
	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/money"
	"github.com/ternant/ternant/server/tenants"
)

// fixture is the service graph on a fresh database, with one compound per company.
type fixture struct {
	svc        *Service
	apartments *apartments.Service
	compound   map[string]string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	dsn := testenv.MySQL(t)
	m, err := db.NewMigrator(dsn, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Up(); err != nil {
		t.Fatal(err)
	}
	m.Close()
	database, err := db.Open(context.Background(), dsn, db.Options{PoolSize: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { database.Close() })
	cs := compounds.NewService(database)
	as := apartments.NewService(database, cs)
	f := &fixture{svc: NewService(database, tenants.NewService(database), as), apartments: as, compound: map[string]string{}}
	for _, co := range []string{"co-a", "co-b"} {
		c, err := cs.Create(context.Background(), co, compounds.CreateInput{Name: "C", AddressLine: "1 Road", City: "Nairobi", Country: "Kenya"})
		if err != nil {
			t.Fatal(err)
		}
		f.compound[co] = c.ID
	}
	return f
}

func (f *fixture) apartment(t *testing.T, co, unit string) string {
	t.Helper()
	a, err := f.apartments.Create(context.Background(), co, apartments.CreateInput{CompoundID: f.compound[co], UnitNumber: unit})
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}

func (f *fixture) tenant(t *testing.T, co, email string) string {
	t.Helper()
	first, last := "T", "T"
	tn, err := f.svc.Tenants.Create(context.Background(), co, tenants.CreateInput{FirstName: &first, LastName: &last, Email: &email})
	if err != nil {
		t.Fatal(err)
	}
	return tn.ID
}

func input(tenantID, apartmentID, start, end string) CreateInput {
	rent := money.FromUnits(1000)
	s, _ := dbtypes.ParseDate(start)
	e, _ := dbtypes.ParseDate(end)
	return CreateInput{TenantID: tenantID, ApartmentID: apartmentID, LeaseStartDate: s, LeaseEndDate: e, MonthlyRent: &rent}
}

// Every committed lease write invalidates the company's dashboard figures, and a rejected one does
// not.
func TestInvalidateAfterCommittedWrites(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var calls []string
	f.svc.InvalidateDashboard = func(_ context.Context, companyID string) { calls = append(calls, companyID) }
	apt, ten := f.apartment(t, "co-a", "1"), f.tenant(t, "co-a", "t@x.test")

	o, err := f.svc.Create(ctx, "co-a", input(ten, apt, "2030-01-01", "2030-12-31"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.Create(ctx, "co-a", input(ten, apt, "2030-06-01", "2031-12-31"))
	var he *httpx.Error
	if !errors.As(err, &he) || he.Status != http.StatusConflict {
		t.Fatalf("overlapping create = %v, want 409", err)
	}
	one := money.FromCents(1)
	steps := []func() error{
		func() error {
			_, err := f.svc.SetStatus(ctx, "co-a", o.ID, StatusInput{Status: StatusActive})
			return err
		},
		func() error { _, err := f.svc.PayDeposit(ctx, "co-a", o.ID, DepositInput{Amount: &one}); return err }, // rejected: no deposit due
		func() error { _, err := f.svc.End(ctx, "co-a", o.ID, EndInput{}); return err },
		func() error { return f.svc.Delete(ctx, "co-a", o.ID) },
		func() error { _, err := f.svc.Activate(ctx, "co-a", o.ID); return err },
	}
	for i, step := range steps {
		err := step()
		if (i == 1) != (err != nil) {
			t.Fatalf("step %d: err = %v", i, err)
		}
	}
	want := []string{"co-a", "co-a", "co-a", "co-a", "co-a"} // create, status, end, delete, activate
	if fmt.Sprint(calls) != fmt.Sprint(want) {
		t.Errorf("Invalidate calls = %v, want %v", calls, want)
	}

	var aptCalls int
	f.apartments.InvalidateDashboard = func(context.Context, string) { aptCalls++ }
	f.apartment(t, "co-a", "2")
	if _, err := f.apartments.Create(ctx, "co-a", apartments.CreateInput{CompoundID: f.compound["co-a"], UnitNumber: "2"}); err == nil {
		t.Fatal("duplicate unit accepted")
	}
	if aptCalls != 1 {
		t.Errorf("apartment Invalidate calls = %d, want 1 (the duplicate was rejected)", aptCalls)
	}
}

// The overlap check, run under the apartment lock on every lease write, must be an index lookup by
// apartment, not a scan of the company's leases: the existing indexes suffice, no migration needed.
func TestOverlapQueryUsesTheApartmentIndex(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	ten := f.tenant(t, "co-a", "t@x.test")
	var target string
	for i := range 12 {
		apt := f.apartment(t, "co-a", fmt.Sprint(i))
		target = apt
		for y := range 3 {
			start := fmt.Sprintf("20%d-01-01", 30+y)
			if _, err := f.svc.Create(ctx, "co-a", input(ten, apt, start, start[:4]+"-12-31")); err != nil {
				t.Fatal(err)
			}
		}
	}
	var plan []planRow
	if err := f.svc.DB.Select(ctx, &plan, "EXPLAIN "+overlapQuery, "co-a", target, "2031-06-30", "2031-06-01", ""); err != nil {
		t.Fatal(err)
	}
	// Either index leading with the apartment serves it; the optimizer picks by statistics.
	byApartment := map[string]bool{"idx_occupancies_company_apartment_status": true, "fk_occupancies_apartment": true}
	if len(plan) != 1 || plan[0].Key == nil || !byApartment[*plan[0].Key] || (plan[0].Type != "ref" && plan[0].Type != "range") {
		t.Fatalf("overlap query plan = %s; want one apartment index lookup", describe(plan))
	}
}

// planRow is one row of EXPLAIN's output.
type planRow struct {
	ID    int     `db:"id"`
	Sel   string  `db:"select_type"`
	Table string  `db:"table"`
	Type  string  `db:"type"`
	PKeys *string `db:"possible_keys"`
	Key   *string `db:"key"`
	KLen  *string `db:"key_len"`
	Ref   *string `db:"ref"`
	Rows  *string `db:"rows"`
	Extra *string `db:"Extra"`
}

func describe(plan []planRow) string {
	out := ""
	for _, p := range plan {
		key := "<none>"
		if p.Key != nil {
			key = *p.Key
		}
		out += fmt.Sprintf("[%s access=%s key=%s] ", p.Table, p.Type, key)
	}
	return out
}
