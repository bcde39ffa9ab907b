//go:build !noembed

package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/ternant/ternant/internal/billingtest"
	"github.com/ternant/ternant/migrations"
	"github.com/ternant/ternant/server/config"
	"github.com/ternant/ternant/server/invoices"
	"github.com/ternant/ternant/server/jobs"
	"github.com/ternant/ternant/server/payments"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/embedded"
	"github.com/ternant/ternant/server/platform/money"
	"github.com/ternant/ternant/server/reports"
)

// `make run` serves from the embedded engine, so the billing SQL (row locks, SKIP LOCKED, GET_LOCK,
// DATE_FORMAT/DATEDIFF in reports) must run there too.
func TestBillingOnTheEmbeddedEngine(t *testing.T) {
	ctx := context.Background()
	st, err := embedded.Start(ctx, "billing")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	m, err := db.NewMigrator(st.DSN, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Up(); err != nil {
		t.Fatal(err)
	}
	m.Close()
	d, err := db.Open(ctx, st.DSN, db.Options{PoolSize: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()

	company := billingtest.Company(t, d)
	l := billingtest.NewLease(t, d, company, money.MustParse("100"), dbtypes.NewDate(2026, 1, 1), dbtypes.NewDate(2026, 12, 31))
	inv := billingtest.NewServices(d).Invoices
	i, err := inv.GenerateRent(ctx, company, invoices.GenerateRentRequest{OccupancyID: l.OccupancyID, Month: "2026-03"})
	if err != nil {
		t.Fatalf("generate rent: %v", err)
	}
	if _, err := inv.SetStatus(ctx, company, i.ID, invoices.Sent); err != nil {
		t.Fatalf("send: %v", err)
	}
	pay := payments.NewService(d, inv)
	amount, at := money.MustParse("40"), dbtypes.Time{Time: time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)}
	err = d.InTx(ctx, func(tx *db.Tx) error {
		_, err := pay.Create(ctx, tx, company, payments.CreateRequest{InvoiceID: i.ID, Amount: &amount, PaidAt: &at, Method: "CASH"})
		return err
	})
	if err != nil {
		t.Fatalf("payment: %v", err)
	}
	got, err := inv.Get(ctx, company, i.ID)
	if err != nil || got.AmountPaid != amount || got.Occupancy == nil || got.Occupancy.Apartment == nil {
		t.Fatalf("invoice after payment: %+v %v", got, err)
	}
	rep := reports.NewService(d, nil, "", 0, nil)
	if k, err := rep.KPIs(ctx, company, reports.Range{}); err != nil || k.TotalRevenue.Amount() != money.MustParse("100") {
		t.Fatalf("kpis: %+v %v", k, err)
	}
	if a, err := rep.Aging(ctx, company, reports.Range{}); err != nil || a.TotalOutstanding.Amount() != money.MustParse("60") {
		t.Fatalf("aging: %+v %v", a, err)
	}
	if _, err := rep.Revenue(ctx, company, reports.Range{}); err != nil {
		t.Fatalf("revenue: %v", err)
	}
	if _, err := rep.Occupancy(ctx, company, reports.Range{}); err != nil {
		t.Fatalf("occupancy: %v", err)
	}

	sink := billingtest.NewSMTPSink(t)
	r := jobs.New(d, config.Mail{Host: sink.Host, Port: sink.Port, From: "billing@ternant.test"}, nil)
	want := map[string]jobs.Result{
		jobs.MarkOverdue:            {Job: jobs.MarkOverdue, Marked: 1},
		jobs.RemindersDueSoon:       {Job: jobs.RemindersDueSoon},
		jobs.RemindersOverdue:       {Job: jobs.RemindersOverdue, Created: 1, Sent: 1},
		jobs.CleanupIdempotencyKeys: {Job: jobs.CleanupIdempotencyKeys},
	}
	for _, name := range jobs.Names {
		res, err := r.Run(ctx, name)
		if err != nil || res != want[name] {
			t.Fatalf("%s: %+v %v, want %+v", name, res, err, want[name])
		}
	}
	if len(sink.Received()) != 1 {
		t.Fatalf("%d messages, want 1", len(sink.Received()))
	}
}
