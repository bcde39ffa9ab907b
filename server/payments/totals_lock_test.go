package payments_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ternant/ternant/internal/billingtest"
	"github.com/ternant/ternant/server/payments"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/money"
)

// TestSettleAndReopenDoNotDeadlockOnTotals: payments settling and reopening different invoices of
// one company and due date move invoices between the same two invoice_totals rows in opposite
// directions; the triggers take those rows in one order, so the writers wait for each other but
// never deadlock, and every write succeeds.
func TestSettleAndReopenDoNotDeadlockOnTotals(t *testing.T) {
	var deadlocks atomic.Int64
	d, dsn := billingtest.OpenDSN(t, 16)
	counted, err := db.Open(context.Background(), dsn, db.Options{PoolSize: 16, AcquireTimeout: 30 * time.Second, OnQuery: func(_ context.Context, q db.Query) {
		if q.Err != nil && strings.Contains(q.Err.Error(), "1213") {
			deadlocks.Add(1)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { counted.Close() })
	company := billingtest.Company(t, d)
	l := billingtest.NewLease(t, d, company, money.MustParse("1000"), dbtypes.NewDate(2026, 1, 1), dbtypes.NewDate(2026, 12, 31))
	svc := payments.NewService(counted, billingtest.NewServices(counted).Invoices)
	due := dbtypes.NewDate(2026, 3, 5)
	const writers, rounds = 8, 60
	ids := make([]string, writers)
	for w := range writers {
		inv := billingtest.Invoice(t, d, l, fmt.Sprintf("LOCK-%d", w), money.MustParse("100"), 0, "sent", due, due)
		amount, at := money.MustParse("100"), dbtypes.Time{Time: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
		err := counted.InTx(context.Background(), func(tx *db.Tx) error {
			p, err := svc.Create(context.Background(), tx, company, payments.CreateRequest{InvoiceID: inv, Amount: &amount, PaidAt: &at, Method: "CASH"})
			if err == nil {
				ids[w] = p.ID
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	var failed atomic.Int64
	for w := range writers {
		wg.Go(func() {
			for i := range rounds {
				var err error
				if i%2 == 0 {
					err = svc.Remove(context.Background(), company, ids[w]) // paid -> sent
				} else {
					_, err = svc.Activate(context.Background(), company, ids[w]) // sent -> paid
				}
				if err != nil {
					failed.Add(1)
					t.Errorf("writer %d round %d: %v", w, i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	if n := deadlocks.Load(); n != 0 || failed.Load() != 0 {
		t.Errorf("%d deadlocks and %d failed writes in %d settle/reopen writes; want none", n, failed.Load(), writers*rounds)
	}
}
