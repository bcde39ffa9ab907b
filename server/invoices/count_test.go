package invoices_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ternant/ternant/internal/billingtest"
	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/invoices"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/money"
)

// TestListTotalsMatchCount: for every filter shape the list's total (read from invoice_totals when
// the filter allows, by COUNT(*) otherwise) equals a COUNT(*) of the same invoices, on full pages
// (which must count) and short ones (which count themselves).
func TestListTotalsMatchCount(t *testing.T) {
	d := billingtest.Open(t, 4)
	company := billingtest.Company(t, d)
	l := billingtest.NewLease(t, d, company, money.MustParse("1000"), dbtypes.NewDate(2026, 1, 1), dbtypes.NewDate(2026, 12, 31))
	other := billingtest.NewLease(t, d, company, money.MustParse("1000"), dbtypes.NewDate(2026, 1, 1), dbtypes.NewDate(2026, 12, 31))
	statuses := []string{"draft", "sent", "paid", "overdue", "cancelled"}
	for i := range 40 {
		lease := l
		if i%3 == 0 {
			lease = other
		}
		due := dbtypes.NewDate(2026, time.Month(1+i%12), 1+i%27)
		id := billingtest.Invoice(t, d, lease, fmt.Sprintf("C-%d", i), money.MustParse("100"), 0, statuses[i%5], due, due)
		if i%7 == 0 {
			if _, err := d.Exec(context.Background(), `UPDATE invoices SET is_active = 0 WHERE id = ?`, id); err != nil {
				t.Fatal(err)
			}
		}
	}
	day := func(m time.Month, dd int) *dbtypes.Date { v := dbtypes.NewDate(2026, m, dd); return &v }
	for _, f := range []invoices.Filter{
		{}, {Status: "sent"}, {Status: "paid"}, {Open: true}, {IncludeInactive: true},
		{IncludeInactive: true, Status: "draft"}, {TenantID: l.TenantID}, {OccupancyID: other.OccupancyID, Open: true},
		{DueBefore: day(6, 15)}, {DueFrom: day(3, 1), DueTo: day(9, 30), Status: "overdue"},
		{Open: true, DueBefore: day(12, 31)},
	} {
		t.Run(fmt.Sprintf("%+v", f), func(t *testing.T) {
			var want int
			q := `SELECT COUNT(*) FROM invoices WHERE company_id = ?`
			args := []any{company}
			if !f.IncludeInactive {
				q += ` AND is_active = 1`
			}
			for cond, arg := range map[string]string{"status = ?": f.Status, "tenant_id = ?": f.TenantID, "occupancy_id = ?": f.OccupancyID} {
				if arg != "" {
					q += " AND " + cond
					args = append(args, arg)
				}
			}
			if f.Open {
				q += ` AND status NOT IN ('paid', 'cancelled')`
			}
			for cond, arg := range map[string]*dbtypes.Date{"due_date < ?": f.DueBefore, "due_date >= ?": f.DueFrom, "due_date <= ?": f.DueTo} {
				if arg != nil {
					q += " AND " + cond
					args = append(args, *arg)
				}
			}
			if err := d.Get(context.Background(), &want, q, args...); err != nil {
				t.Fatal(err)
			}
			for _, page := range []httpx.Page{{Limit: 1}, {Limit: 100}} {
				_, total, err := invoices.StoreList(context.Background(), d, company, f, page)
				if err != nil {
					t.Fatal(err)
				}
				if total != want {
					t.Errorf("limit %d: total = %d, want COUNT(*) = %d", page.Limit, total, want)
				}
			}
		})
	}
}
