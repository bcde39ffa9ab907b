package reminders_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/ternant/ternant/internal/testenv"
	"github.com/ternant/ternant/server/config"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/mail"
	"github.com/ternant/ternant/server/reminders"
)

// TestDeliveryClaimCommitFailsSendsNothing: the claim's commit fails (the connection to MariaDB
// is cut just before COMMIT), so no mail goes out and the reminder is as it was; once the
// database is back, one delivery sends it once.
func TestDeliveryClaimCommitFailsSendsNothing(t *testing.T) {
	e := setup(t)
	id := e.create(t, "2026-03-01")["id"].(string)
	before := e.row(t, id)

	cfg, err := mysql.ParseDSN(e.dsn)
	if err != nil {
		t.Fatal(err)
	}
	proxy := testenv.NewProxy(t, cfg.Addr)
	cfg.Addr = proxy.Addr
	viaProxy, err := db.Open(context.Background(), cfg.FormatDSN(), db.Options{PoolSize: 2, AcquireTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { viaProxy.Close() })
	d := &reminders.Deliverer{DB: viaProxy, Mail: mail.New(config.Mail{Host: e.sink.Host, Port: e.sink.Port, From: "billing@ternant.test"}),
		Attempts: 1}
	reminders.AfterClaim(d, func() error { proxy.Break(); return nil })
	if sent, err := d.Deliver(context.Background(), e.l.CompanyID, id); err == nil || sent {
		t.Fatalf("deliver with the claim's commit cut: sent %v, err %v; want an error", sent, err)
	}
	if n := e.sink.Attempts(); n != 0 {
		t.Fatalf("%d SMTP sessions after a claim that never committed; want none", n)
	}
	after := e.row(t, id)
	if after.Status != before.Status || after.RetryCount != before.RetryCount || after.ErrorMessage != nil ||
		!after.ScheduledFor.Equal(before.ScheduledFor.Time) {
		t.Fatalf("row changed by a rolled-back claim: before %+v after %+v", before, after)
	}

	proxy.Restore()
	reminders.AfterClaim(d, nil)
	if sent, err := d.Deliver(context.Background(), e.l.CompanyID, id); err != nil || !sent {
		t.Fatalf("deliver after the database came back: %v %v", sent, err)
	}
	if n := len(e.sink.Received()); n != 1 {
		t.Fatalf("%d messages; want 1", n)
	}
}

// TestDeliveryReplaySendsOnce: both transactions of a delivery lose a deadlock once (an injected
// ER_LOCK_DEADLOCK-class error, which db.InTx answers by running the transaction again); the
// replays send nothing twice and the reminder ends SENT with its schedule and retry count intact.
func TestDeliveryReplaySendsOnce(t *testing.T) {
	e := setup(t)
	id := e.create(t, "2026-03-01")["id"].(string)
	before := e.row(t, id)
	claims, records := 0, 0
	reminders.AfterClaim(e.d, func() error {
		if claims++; claims == 1 {
			return fmt.Errorf("injected deadlock: %w", db.ErrRetryable)
		}
		return nil
	})
	reminders.AfterRecord(e.d, func() error {
		if records++; records == 1 {
			return fmt.Errorf("injected deadlock: %w", db.ErrRetryable)
		}
		return nil
	})
	sent, err := e.d.Deliver(context.Background(), e.l.CompanyID, id)
	if err != nil || !sent {
		t.Fatalf("deliver: %v %v", sent, err)
	}
	if claims != 2 || records != 2 {
		t.Fatalf("claim ran %d times, record %d times; want each replayed once", claims, records)
	}
	if n, a := len(e.sink.Received()), e.sink.Attempts(); n != 1 || a != 1 {
		t.Fatalf("%d messages in %d SMTP sessions; want 1 in 1", n, a)
	}
	row := e.row(t, id)
	if row.Status != reminders.Sent || row.RetryCount != 0 || row.ErrorMessage != nil || !row.ScheduledFor.Equal(before.ScheduledFor.Time) {
		t.Fatalf("row after delivery: %+v", row)
	}
	if !errors.Is(fmt.Errorf("x: %w", db.ErrRetryable), db.ErrRetryable) {
		t.Fatal("db.ErrRetryable does not match itself")
	}
}

// TestClaimedReminderIsLeftToItsDeliverer: while one deliverer is sending (its claim committed,
// no transaction open), another finds the reminder claimed and sends nothing, and the queue does
// not pick it up either.
func TestClaimedReminderIsLeftToItsDeliverer(t *testing.T) {
	e := setup(t)
	id := e.create(t, "2026-03-01")["id"].(string)
	other := &reminders.Deliverer{DB: e.db, Mail: e.d.Mail, Attempts: 1}
	var otherSent bool
	var otherErr error
	var queued reminders.Outcome
	e.d.Mail = sendHook{Sender: e.d.Mail, before: func(ctx context.Context) {
		otherSent, otherErr = other.Deliver(ctx, e.l.CompanyID, id)
		if otherErr == nil {
			queued, otherErr = other.DeliverDue(ctx, 100)
		}
	}}
	if sent, err := e.d.Deliver(context.Background(), e.l.CompanyID, id); err != nil || !sent {
		t.Fatalf("deliver: %v %v", sent, err)
	}
	if otherErr != nil || otherSent || queued.Sent+queued.Failed != 0 {
		t.Fatalf("second deliverer during the send: sent %v, queue %+v, err %v; want nothing", otherSent, queued, otherErr)
	}
	if n := len(e.sink.Received()); n != 1 {
		t.Fatalf("%d messages; want 1", n)
	}
}

// sendHook runs before before every send.
type sendHook struct {
	mail.Sender
	before func(ctx context.Context)
}

func (h sendHook) Send(ctx context.Context, m mail.Message) error {
	h.before(ctx)
	return h.Sender.Send(ctx, m)
}
