package metrics_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ternant/ternant/internal/testdb"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/metrics"
	"github.com/ternant/ternant/server/platform/metrics/metricstest"
)

func TestBusinessGaugesPerCompany(t *testing.T) {
	// A bare database, not a server: a server's own collector would race this one over the series.
	d := testdb.Open(t, db.Options{})
	ctx := context.Background()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := d.Exec(ctx, q, args...); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	company := func(active bool) string {
		id := uuid.NewString()
		exec(`INSERT INTO companies (id, name, slug, is_active) VALUES (?, 'Co', ?, ?)`, id, "s-"+id[:12], active)
		return id
	}
	busy, idle, gone := company(true), company(true), company(false)

	compound, apartment := uuid.NewString(), uuid.NewString()
	exec(`INSERT INTO compounds (id, company_id, name, address_line, city, country) VALUES (?, ?, 'B', '1 Road', 'Nairobi', 'Kenya')`, compound, busy)
	exec(`INSERT INTO apartments (id, company_id, compound_id, unit_number) VALUES (?, ?, ?, '1A')`, apartment, busy, compound)
	// Tenants: 3 active, 1 blacklisted, 1 soft-deleted.
	var tenants []string
	for _, st := range []struct {
		status string
		active bool
	}{{"active", true}, {"active", true}, {"active", true}, {"blacklisted", true}, {"active", false}} {
		id := uuid.NewString()
		tenants = append(tenants, id)
		exec(`INSERT INTO tenants (id, company_id, first_name, last_name, email, status, is_active) VALUES (?, ?, 'A', 'B', ?, ?, ?)`,
			id, busy, uuid.NewString()+"@x.test", st.status, st.active)
	}
	// Leases: 2 active, 1 ended, 1 active but soft-deleted.
	var lease string
	for i, st := range []struct {
		status string
		active bool
	}{{"active", true}, {"active", true}, {"ended", true}, {"active", false}} {
		id := uuid.NewString()
		lease = id
		exec(`INSERT INTO occupancies (id, company_id, tenant_id, apartment_id, lease_start_date, lease_end_date, monthly_rent, status, is_active)
			VALUES (?, ?, ?, ?, '2026-01-01', '2026-12-31', 1000.00, ?, ?)`, id, busy, tenants[i], apartment, st.status, st.active)
	}
	// Invoices: paid 100.25 + 50.50 on active ones, 999 on a soft-deleted one.
	for i, inv := range []struct {
		paid   string
		active bool
	}{{"100.25", true}, {"50.50", true}, {"999.00", false}} {
		exec(`INSERT INTO invoices (id, company_id, invoice_number, occupancy_id, tenant_id, invoice_date, due_date, lineItems, subtotal, total_amount, amount_paid, is_active)
			VALUES (?, ?, ?, ?, ?, '2026-01-01', '2026-01-05', '[]', 1000, 1000, ?, ?)`,
			uuid.NewString(), busy, "INV-"+uuid.NewString()[:8]+string(rune('a'+i)), lease, tenants[0], inv.paid, inv.active)
	}

	b := metrics.NewBusiness(d, slog.Default())
	if err := b.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		metric, company string
		want            float64
	}{
		{"active_tenants_total", busy, 3},
		{"active_occupancies_total", busy, 2},
		{"total_revenue", busy, 150.75},
		{"active_tenants_total", idle, 0},
		{"active_occupancies_total", idle, 0},
		{"total_revenue", idle, 0},
	} {
		if got := metricstest.Value(t, tc.metric, map[string]string{"company_id": tc.company}); got != tc.want {
			t.Errorf("%s{company_id=%s} = %v, want %v", tc.metric, tc.company, got, tc.want)
		}
	}
	if present(t, "active_tenants_total", gone) {
		t.Error("a deactivated company has a series")
	}

	// Deactivating a company removes its series on the next refresh.
	exec(`UPDATE companies SET is_active = 0 WHERE id = ?`, idle)
	if err := b.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if present(t, "total_revenue", idle) {
		t.Error("series of a company deactivated since the last refresh are still exported")
	}

	// The background loop refreshes on its own and removes its series when stopped.
	exec(`UPDATE companies SET is_active = 1 WHERE id = ?`, idle)
	stop := metrics.NewBusiness(d, slog.Default()).Start(50 * time.Millisecond)
	deadline := time.Now().Add(5 * time.Second)
	for !present(t, "total_revenue", idle) {
		if time.Now().After(deadline) {
			t.Fatal("the background refresh never exported the reactivated company")
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop.Close()
	if present(t, "total_revenue", idle) {
		t.Error("stopping the collector left its series behind")
	}
}

func present(t *testing.T, metric, company string) bool {
	t.Helper()
	families, err := metricstestGather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != metric {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "company_id" && l.GetValue() == company {
					return true
				}
			}
		}
	}
	return false
}
