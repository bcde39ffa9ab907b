package dashboard

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ternant/ternant/internal/billingtest"
	"github.com/ternant/ternant/migrations"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/money"
)

// TestInvoiceTotalsMigrationUnderWrites runs migration 4 while invoices keep being written, as
// they are when the previous version still serves during a rollout: no write made while the
// backfill and the triggers are created may be missed or counted twice.
func TestInvoiceTotalsMigrationUnderWrites(t *testing.T) {
	d, dsn := billingtest.OpenDSN(t, 8)
	m, err := db.NewMigrator(dsn, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	latest, err := db.Latest(migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Down(int(latest) - 3); err != nil { // back to the schema before invoice_totals
		t.Fatal(err)
	}
	company := billingtest.Company(t, d)
	l := billingtest.NewLease(t, d, company, money.MustParse("1000"), dbtypes.NewDate(2026, 1, 1), dbtypes.NewDate(2026, 12, 31))
	for i := range 1500 {
		due := dbtypes.NewDate(2026, 1, 1+i%28)
		billingtest.Invoice(t, d, l, fmt.Sprintf("PRE-%d", i), money.MustParse("100"), 0, "sent", due, due)
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var written atomic.Int64
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				due := dbtypes.NewDate(2026, 2, 1+i%28)
				_, err := d.Exec(context.Background(), `INSERT INTO invoices (id, company_id, invoice_number, occupancy_id, tenant_id,
					invoice_date, due_date, status, lineItems, subtotal, total_amount, amount_paid)
					VALUES (?, ?, ?, ?, ?, ?, ?, 'sent', '[]', 100, 100, 0)`,
					billingtest.ID(), company, fmt.Sprintf("LIVE-%d-%d", w, i), l.OccupancyID, l.TenantID, due, due)
				if err != nil {
					t.Errorf("concurrent insert: %v", err)
					return
				}
				if _, err := d.Exec(context.Background(), `UPDATE invoices SET status = 'paid', amount_paid = total_amount
					WHERE company_id = ? AND invoice_number = ?`, company, fmt.Sprintf("PRE-%d", (w*997+i)%1500)); err != nil {
					t.Errorf("concurrent update: %v", err)
					return
				}
				written.Add(1)
			}
		})
	}
	err = m.Up()
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("migrate up under writes: %v", err)
	}
	if written.Load() == 0 {
		t.Fatal("no write ran during the migration; the test proves nothing")
	}
	compare(t, d, fmt.Sprintf("after migrating under %d concurrent writes", written.Load()))
}
