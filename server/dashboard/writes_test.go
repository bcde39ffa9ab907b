package dashboard_test

import (
	"context"
	"encoding/json"
	"math/big"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ternant/ternant/server/dashboard"
	"github.com/ternant/ternant/server/servertest"
)

// TestStatsFollowAPIWrites makes each kind of write through the API while the figures are cached
// and checks that the very next read shows it: the writing services invalidate the cache.
func TestStatsFollowAPIWrites(t *testing.T) {
	inst := servertest.Start(t, nil)
	token, companyID := inst.RegisterCompany(t, "stats-writes")
	dashboard.SeedCompany(t, inst.DB, companyID, 31, 12, time.Now().UTC())
	ctx := context.Background()
	one := func(q string, args ...any) string {
		t.Helper()
		var id string
		if err := inst.DB.Get(ctx, &id, q, args...); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
		return id
	}
	compound := one(`SELECT id FROM compounds WHERE company_id = ? LIMIT 1`, companyID)
	invoice := one(`SELECT i.id FROM invoices i JOIN occupancies o ON o.id = i.occupancy_id JOIN tenants t ON t.id = i.tenant_id
		WHERE i.company_id = ? AND i.is_active = 1 AND i.status = 'sent' AND o.is_active = 1 AND t.is_active = 1
		AND i.amount_paid + 100 <= i.total_amount ORDER BY i.id LIMIT 1`, companyID)
	tenant := uuid.NewString()
	if _, err := inst.DB.Exec(ctx, `INSERT INTO tenants (id, company_id, first_name, last_name, email) VALUES (?, ?, 'New', 'Renter', 'new.renter@writes.test')`,
		tenant, companyID); err != nil {
		t.Fatal(err)
	}

	stats := func() map[string]*big.Rat {
		t.Helper()
		var m map[string]json.Number
		if err := json.Unmarshal(data(t, inst.Get(t, statsPath, token)), &m); err != nil {
			t.Fatal(err)
		}
		out := map[string]*big.Rat{}
		for k, v := range m {
			r, ok := new(big.Rat).SetString(string(v))
			if !ok {
				t.Fatalf("%s = %q", k, v)
			}
			out[k] = r
		}
		return out
	}
	do := func(method, path string, body any) map[string]any {
		t.Helper()
		resp := inst.Do(t, servertest.Request{Method: method, Path: path, Token: token, Body: body})
		if resp.Status >= 300 {
			t.Fatalf("%s %s = %d %s", method, path, resp.Status, resp.Body)
		}
		if len(resp.Body) == 0 {
			return nil
		}
		return resp.Map(t)
	}

	var apartment, payment string
	today := time.Now().UTC().Format(time.DateOnly)
	for _, step := range []struct {
		name  string
		write func()
		field string
		delta *big.Rat
	}{
		{"payment recorded", func() {
			payment = do("POST", "/api/v1/payments", map[string]any{"invoiceId": invoice, "amount": "25.00",
				"paidAt": time.Now().UTC().Format(time.RFC3339), "method": "CASH"})["id"].(string)
		}, "totalRevenue", big.NewRat(25, 1)},
		{"payment deleted", func() { do("DELETE", "/api/v1/payments/"+payment, nil) }, "totalRevenue", big.NewRat(-25, 1)},
		{"invoice payment", func() {
			do("POST", "/api/v1/invoices/"+invoice+"/payment", map[string]any{"amount": "5.50"})
		}, "totalRevenue", big.NewRat(11, 2)},
		{"apartment created", func() {
			apartment = do("POST", "/api/v1/apartments", map[string]any{"compoundId": compound, "unitNumber": "W-1"})["id"].(string)
		}, "totalUnits", big.NewRat(1, 1)},
		{"lease created", func() {
			do("POST", "/api/v1/occupancies", map[string]any{"tenantId": tenant, "apartmentId": apartment,
				"leaseStartDate": today, "leaseEndDate": time.Now().UTC().AddDate(1, 0, 0).Format(time.DateOnly),
				"monthlyRent": "1000.00", "status": "active"})
		}, "occupiedUnits", big.NewRat(1, 1)},
	} {
		before := stats()
		stats() // served from the cache: only an invalidation can change the next read
		step.write()
		after := stats()
		got := new(big.Rat).Sub(after[step.field], before[step.field])
		if got.Cmp(step.delta) != 0 {
			t.Errorf("%s: %s changed by %s on the next read, want %s", step.name, step.field, got.FloatString(2), step.delta.FloatString(2))
		}
	}
}
