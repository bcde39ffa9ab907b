package dashboard

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ternant/ternant/server/platform/db"
)

// TestInvoiceTotalsFollowEveryInvoiceWrite drives invoices through random inserts, updates of
// every summed column (status, due date, amounts, is_active) and deletes, single-row and bulk, and
// checks after each round that invoice_totals equals the same sums computed from the invoices.
func TestInvoiceTotalsFollowEveryInvoiceWrite(t *testing.T) {
	checkInvoiceTotalsUnderWrites(t, openDB(t, nil))
}

func checkInvoiceTotalsUnderWrites(t *testing.T, d *db.DB) {
	t.Helper()
	ctx := context.Background()
	f := randomFixture(21, 30, fixedNow)
	f.insert(t, d)
	other := randomFixture(22, 10, fixedNow) // a second company whose sums must stay apart
	other.insert(t, d)
	if len(f.invoices) < 10 {
		t.Fatalf("fixture has %d invoices; want enough to mutate", len(f.invoices))
	}
	compare(t, d, "after the fixture")

	r := rand.New(rand.NewPCG(7, 11))
	statuses := []string{"draft", "sent", "paid", "overdue", "cancelled"}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := d.Exec(ctx, q, args...); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	for round := range 6 {
		for range 15 {
			inv := f.invoices[r.IntN(len(f.invoices))]
			switch r.IntN(5) {
			case 0:
				exec(`UPDATE invoices SET status = ? WHERE id = ?`, statuses[r.IntN(len(statuses))], inv.id)
			case 1:
				exec(`UPDATE invoices SET due_date = ? WHERE id = ?`, fixedNow.AddDate(0, 0, r.IntN(60)-30).Format(time.DateOnly), inv.id)
			case 2:
				exec(`UPDATE invoices SET amount_paid = ?, total_amount = ? WHERE id = ?`,
					fmt.Sprintf("%d.%02d", r.IntN(5000), r.IntN(100)), fmt.Sprintf("%d.%02d", 5000+r.IntN(5000), r.IntN(100)), inv.id)
			case 3:
				exec(`UPDATE invoices SET is_active = 1 - is_active WHERE id = ?`, inv.id)
			case 4:
				exec(`UPDATE invoices SET updated_at = updated_at WHERE id = ?`, inv.id) // no summed change
			}
		}
		// A bulk update, as the mark-overdue job runs it.
		exec(`UPDATE invoices SET status = 'overdue' WHERE company_id = ? AND status = 'sent' AND due_date < ?`,
			f.companyID, fixedNow.Format(time.DateOnly))
		if round == 3 {
			// Hard deletes, one and several rows at once.
			exec(`DELETE FROM invoices WHERE id = ?`, f.invoices[0].id)
			exec(`DELETE FROM invoices WHERE company_id = ? AND status = 'cancelled'`, f.companyID)
			// A multi-row insert copying live invoices under new ids and numbers.
			exec(`INSERT INTO invoices (id, company_id, invoice_number, occupancy_id, tenant_id, invoice_date, due_date,
				status, lineItems, subtotal, total_amount, amount_paid, is_active)
				SELECT UUID(), company_id, CONCAT('copy-', invoice_number), occupancy_id, tenant_id, invoice_date, due_date,
				status, lineItems, subtotal, total_amount, amount_paid, is_active
				FROM invoices WHERE company_id = ? AND invoice_number NOT LIKE 'copy-%'`, f.companyID)
		}
		compare(t, d, fmt.Sprintf("after round %d", round))
	}
}

// compare fails the test when invoice_totals and the sums of the active invoices disagree.
func compare(t *testing.T, d *db.DB, when string) {
	t.Helper()
	var diff []string
	err := d.Select(context.Background(), &diff, `
		SELECT CONCAT(k.company_id, ' ', k.status, ' ', k.due_date) FROM (
		  SELECT company_id, status, due_date FROM invoices WHERE is_active = 1
		  UNION SELECT company_id, status, due_date FROM invoice_totals) k
		LEFT JOIN (SELECT company_id, status, due_date, COUNT(*) AS n, SUM(total_amount) AS total, SUM(amount_paid) AS paid
		           FROM invoices WHERE is_active = 1 GROUP BY company_id, status, due_date) i
		  ON i.company_id = k.company_id AND i.status = k.status AND i.due_date = k.due_date
		LEFT JOIN invoice_totals s
		  ON s.company_id = k.company_id AND s.status = k.status AND s.due_date = k.due_date
		WHERE COALESCE(i.n, 0) <> COALESCE(s.invoices, 0)
		   OR COALESCE(i.total, 0) <> COALESCE(s.total_amount, 0)
		   OR COALESCE(i.paid, 0) <> COALESCE(s.amount_paid, 0)`)
	if err != nil {
		t.Fatalf("%s: compare: %v", when, err)
	}
	if len(diff) > 0 {
		t.Errorf("%s: invoice_totals disagrees with the invoices for %d groups, e.g. %s", when, len(diff), diff[0])
	}
}
