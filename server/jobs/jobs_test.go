package jobs_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/ternant/ternant/internal/billingtest"
	"github.com/ternant/ternant/server/config"
	"github.com/ternant/ternant/server/jobs"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/money"
)

// today is the runner's pinned date.
var today = time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC)

type env struct {
	db   *db.DB
	sink *billingtest.SMTPSink
	r    *jobs.Runner
	// invoices by role
	pastDue, dueSoon, later, paid []string
}

func setup(t *testing.T) *env {
	t.Helper()
	d := billingtest.Open(t, 20)
	e := &env{db: d, sink: billingtest.NewSMTPSink(t)}
	e.r = runner(d, e.sink, func() time.Time { return today })
	for range 2 {
		company := billingtest.Company(t, d)
		l := billingtest.NewLease(t, d, company, money.MustParse("700"), dbtypes.NewDate(2026, 1, 1), dbtypes.NewDate(2026, 12, 31))
		add := func(status string, due dbtypes.Date) string {
			return billingtest.Invoice(t, d, l, "INV-"+billingtest.ID(), money.MustParse("700"), 0, status, dbtypes.NewDate(2026, 2, 1), due)
		}
		e.pastDue = append(e.pastDue, add("sent", dbtypes.NewDate(2026, 3, 5)), add("sent", dbtypes.NewDate(2026, 3, 9)))
		e.dueSoon = append(e.dueSoon, add("sent", dbtypes.NewDate(2026, 3, 12)))
		e.later = append(e.later, add("sent", dbtypes.NewDate(2026, 3, 20)))
		e.paid = append(e.paid, add("paid", dbtypes.NewDate(2026, 3, 1)))
	}
	return e
}

func runner(d *db.DB, sink *billingtest.SMTPSink, now func() time.Time) *jobs.Runner {
	r := jobs.New(d, config.Mail{Host: sink.Host, Port: sink.Port, From: "billing@ternant.test"}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	r.Now = now
	r.Invoices.Now = now
	r.Deliverer.Backoff = time.Millisecond
	return r
}

func (e *env) statuses(t *testing.T, ids []string) []string {
	t.Helper()
	var out []string
	for _, id := range ids {
		var s string
		if err := e.db.Get(context.Background(), &s, `SELECT status FROM invoices WHERE id = ?`, id); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func (e *env) reminderCount(t *testing.T, typ string) int {
	t.Helper()
	var n int
	if err := e.db.Get(context.Background(), &n, `SELECT COUNT(*) FROM reminders WHERE type = ?`, typ); err != nil {
		t.Fatal(err)
	}
	return n
}

// runTwice runs the job from two runners at once and returns both results.
func (e *env) runTwice(t *testing.T, name string) [2]jobs.Result {
	t.Helper()
	var res [2]jobs.Result
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := runner(e.db, e.sink, func() time.Time { return today })
			var err error
			if res[i], err = r.Run(context.Background(), name); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	return res
}

func TestMarkOverdueIsIdempotentAndSafeConcurrently(t *testing.T) {
	e := setup(t)
	res := e.runTwice(t, jobs.MarkOverdue)
	if res[0].Marked+res[1].Marked != 4 {
		t.Fatalf("two concurrent runs marked %d and %d, want 4 in all", res[0].Marked, res[1].Marked)
	}
	for _, s := range e.statuses(t, e.pastDue) {
		if s != "overdue" {
			t.Fatalf("past-due invoices: %v", e.statuses(t, e.pastDue))
		}
	}
	for _, group := range [][]string{e.dueSoon, e.later} {
		for _, s := range e.statuses(t, group) {
			if s != "sent" {
				t.Fatalf("invoice not yet due was marked: %v", s)
			}
		}
	}
	if got := e.statuses(t, e.paid); got[0] != "paid" || got[1] != "paid" {
		t.Fatalf("paid invoices changed: %v", got)
	}
	again, err := e.r.Run(context.Background(), jobs.MarkOverdue)
	if err != nil || again.Marked != 0 || again.Skipped {
		t.Fatalf("second run: %+v %v", again, err)
	}
}

func TestJobSkipsWhileAnotherRunnerHoldsTheLock(t *testing.T) {
	e := setup(t)
	conn, err := e.db.SQLX().Connx(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var got sql.NullInt64
	if err := conn.GetContext(context.Background(), &got, `SELECT GET_LOCK(CONCAT('ternant:', LEFT(SHA1(CONCAT(DATABASE(), ':', ?)), 40)), 0)`, jobs.MarkOverdue); err != nil || got.Int64 != 1 {
		t.Fatalf("take the lock: %v %v", got, err)
	}
	res, err := e.r.Run(context.Background(), jobs.MarkOverdue)
	if err != nil || !res.Skipped || res.Marked != 0 {
		t.Fatalf("run under a held lock: %+v %v", res, err)
	}
	if s := e.statuses(t, e.pastDue[:1]); s[0] != "sent" {
		t.Fatal("a skipped run changed invoices")
	}
	if _, err := conn.ExecContext(context.Background(), `DO RELEASE_LOCK(CONCAT('ternant:', LEFT(SHA1(CONCAT(DATABASE(), ':', ?)), 40)))`, jobs.MarkOverdue); err != nil {
		t.Fatal(err)
	}
	if res, _ := e.r.Run(context.Background(), jobs.MarkOverdue); res.Skipped || res.Marked != 4 {
		t.Fatalf("run after release: %+v", res)
	}
}

func TestDueSoonRemindersOncePerInvoice(t *testing.T) {
	e := setup(t)
	// Sent invoices due before today + 3 days: the four past due and the two due on the 12th.
	res := e.runTwice(t, jobs.RemindersDueSoon)
	if res[0].Created+res[1].Created != 6 || e.reminderCount(t, "DUE_SOON") != 6 {
		t.Fatalf("runs created %d and %d, %d rows; want 6", res[0].Created, res[1].Created, e.reminderCount(t, "DUE_SOON"))
	}
	if n := len(e.sink.Received()); n != 6 {
		t.Fatalf("%d messages sent, want 6", n)
	}
	if res, _ := e.r.Run(context.Background(), jobs.RemindersDueSoon); res.Created != 0 || res.Sent != 0 {
		t.Fatalf("third run: %+v", res)
	}
	var subject string
	if err := e.db.Get(context.Background(), &subject, `SELECT subject FROM reminders WHERE invoice_id = ?`, e.dueSoon[0]); err != nil || subject != "Rent Due Soon - Unit 1A" {
		t.Fatalf("subject %q %v", subject, err)
	}
}

func TestOverdueRemindersEverySevenDays(t *testing.T) {
	e := setup(t)
	if _, err := e.r.Run(context.Background(), jobs.MarkOverdue); err != nil {
		t.Fatal(err)
	}
	res := e.runTwice(t, jobs.RemindersOverdue)
	if res[0].Created+res[1].Created != 4 || e.reminderCount(t, "OVERDUE") != 4 {
		t.Fatalf("first runs created %d+%d; want 4", res[0].Created, res[1].Created)
	}
	if res, _ := e.r.Run(context.Background(), jobs.RemindersOverdue); res.Created != 0 {
		t.Fatalf("a run within 7 days created %d", res.Created)
	}
	e.r.Now = func() time.Time { return time.Now().Add(8 * 24 * time.Hour) }
	if res, _ := e.r.Run(context.Background(), jobs.RemindersOverdue); res.Created != 4 {
		t.Fatalf("a run 8 days later created %d, want 4", res.Created)
	}
}

func TestFailedDeliveriesAreRetriedByLaterRuns(t *testing.T) {
	e := setup(t)
	e.sink.FailAll(true)
	res, err := e.r.Run(context.Background(), jobs.RemindersDueSoon)
	if err != nil || res.Created != 6 || res.Failed != 6 || res.Sent != 0 {
		t.Fatalf("run against a failing server: %+v %v", res, err)
	}
	e.sink.FailAll(false)
	res, err = e.r.Run(context.Background(), jobs.RemindersDueSoon)
	if err != nil || res.Created != 0 || res.Sent != 6 {
		t.Fatalf("run after recovery: %+v %v", res, err)
	}
	if _, err := e.r.Run(context.Background(), "no-such-job"); err == nil {
		t.Fatal("unknown job accepted")
	}
}

func TestCleanupExpiresOldIdempotencyKeys(t *testing.T) {
	e := setup(t)
	for i, age := range []string{"1 HOUR", "25 HOUR", "3 DAY"} {
		exec := `INSERT INTO idempotency_keys (company_id, idempotency_key, scope, request_hash, created_at)
			VALUES ('c', ?, 'payments.create', 'h', UTC_TIMESTAMP(6) - INTERVAL ` + age + `)`
		if _, err := e.db.Exec(context.Background(), exec, fmt.Sprint("k", i)); err != nil {
			t.Fatal(err)
		}
	}
	e.r.Now = time.Now
	res, err := e.r.Run(context.Background(), jobs.CleanupIdempotencyKeys)
	if err != nil || res.Deleted != 2 {
		t.Fatalf("cleanup: %+v %v", res, err)
	}
	var left []string
	if err := e.db.Select(context.Background(), &left, `SELECT idempotency_key FROM idempotency_keys`); err != nil || len(left) != 1 || left[0] != "k0" {
		t.Fatalf("left %v %v", left, err)
	}
}
