// Package jobs is Ternant's scheduled work: marking invoices overdue, creating and delivering
// due-soon and overdue reminders, and expiring stored Idempotency-Key responses. Each job is idempotent and takes a database-wide lock, so the
// operator's CronJobs, a `ternant serve --jobs` ticker and a manual run can overlap safely.
package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/ternant/ternant/server/apartments"
	"github.com/ternant/ternant/server/compounds"
	"github.com/ternant/ternant/server/config"
	"github.com/ternant/ternant/server/invoices"
	"github.com/ternant/ternant/server/occupancies"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/idempotency"
	"github.com/ternant/ternant/server/platform/mail"
	"github.com/ternant/ternant/server/reminders"
	"github.com/ternant/ternant/server/tenants"
)

// Job names, as `ternant jobs <name>` takes them.
const (
	MarkOverdue      = "mark-overdue"
	RemindersDueSoon = "reminders-due-soon"
	RemindersOverdue = "reminders-overdue"
	// CleanupIdempotencyKeys deletes Idempotency-Key responses past their 24-hour retention.
	CleanupIdempotencyKeys = "cleanup-idempotency-keys"
)

// Names lists the jobs in the order a schedule runs them.
var Names = []string{MarkOverdue, RemindersDueSoon, RemindersOverdue, CleanupIdempotencyKeys}

// Result is what one run did.
type Result struct {
	Job string `json:"job"`
	// Skipped is true when another runner held the job's lock.
	Skipped bool `json:"skipped"`
	// Marked counts invoices marked overdue.
	Marked int `json:"marked,omitempty"`
	// Created counts reminders created.
	Created int `json:"created,omitempty"`
	// Deleted counts expired idempotency keys removed.
	Deleted int `json:"deleted,omitempty"`
	// Sent and Failed count delivery outcomes.
	Sent   int `json:"sent,omitempty"`
	Failed int `json:"failed,omitempty"`
}

// Runner runs the jobs.
type Runner struct {
	DB        *db.DB
	Invoices  *invoices.Service
	Reminders *reminders.Service
	Deliverer *reminders.Deliverer
	Log       *slog.Logger
	// Now returns the current time (tests pin it); nil means time.Now.
	Now func() time.Time
	// DueSoonDays is REMINDER_DUE_SOON_DAYS (3 when zero).
	DueSoonDays int
	// OverdueInterval is how often an overdue invoice is reminded (7 days when zero).
	OverdueInterval time.Duration
	// DeliverLimit bounds the reminders one run delivers (1000 when zero).
	DeliverLimit int
}

// New builds a runner over the database, sending mail with mailCfg (no host: reminders are
// created and stay PENDING until a run with mail configured).
func New(d *db.DB, mailCfg config.Mail, log *slog.Logger) *Runner {
	ts := tenants.NewService(d)
	ls := occupancies.NewService(d, ts, apartments.NewService(d, compounds.NewService(d)))
	inv := invoices.NewService(d, ts, ls)
	r := &Runner{DB: d, Invoices: inv, Reminders: reminders.NewService(d, inv, ts), Log: log}
	r.Deliverer = &reminders.Deliverer{DB: d, Log: log}
	if s := mail.New(mailCfg); s != nil {
		r.Deliverer.Mail = s
	}
	return r
}

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// Run runs one job by name under its lock.
func (r *Runner) Run(ctx context.Context, name string) (Result, error) {
	res := Result{Job: name}
	var fn func() error
	switch name {
	case MarkOverdue:
		fn = func() (err error) { res.Marked, err = r.Invoices.MarkOverdue(ctx); return err }
	case RemindersDueSoon:
		fn = func() error {
			days := r.DueSoonDays
			if days <= 0 {
				days = 3
			}
			return r.remind(ctx, &res, func() (int, error) {
				return r.Reminders.CreateDueSoon(ctx, dbtypes.DateOf(r.now()), days)
			})
		}
	case RemindersOverdue:
		fn = func() error {
			every := r.OverdueInterval
			if every <= 0 {
				every = 7 * 24 * time.Hour
			}
			return r.remind(ctx, &res, func() (int, error) { return r.Reminders.CreateOverdue(ctx, r.now(), every) })
		}
	case CleanupIdempotencyKeys:
		fn = func() (err error) { res.Deleted, err = idempotency.Cleanup(ctx, r.DB, r.now()); return err }
	default:
		return res, fmt.Errorf("unknown job %q (jobs: %v)", name, Names)
	}
	ok, err := withLock(ctx, r.DB, name, fn)
	res.Skipped = !ok
	if err != nil {
		return res, fmt.Errorf("job %s: %w", name, err)
	}
	return res, nil
}

// remind creates reminders, then delivers everything waiting (the new ones and earlier failures).
func (r *Runner) remind(ctx context.Context, res *Result, create func() (int, error)) error {
	n, err := create()
	if err != nil {
		return err
	}
	res.Created = n
	if r.Deliverer == nil || r.Deliverer.Mail == nil {
		if n > 0 && r.Log != nil {
			r.Log.WarnContext(ctx, "mail not configured: reminders stay PENDING until a run with MAIL_HOST set", "created", n)
		}
		return nil
	}
	limit := r.DeliverLimit
	if limit <= 0 {
		limit = 1000
	}
	out, err := r.Deliverer.DeliverDue(ctx, limit)
	res.Sent, res.Failed = out.Sent, out.Failed
	return err
}

// Every runs all jobs now and then on every tick until ctx ends (`ternant serve --jobs`, for
// development; production runs them as CronJobs). Failures are logged, never fatal.
func (r *Runner) Every(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		for _, name := range Names {
			res, err := r.Run(ctx, name)
			if r.Log == nil {
				continue
			}
			if err != nil {
				r.Log.ErrorContext(ctx, "scheduled job failed", "job", name, "err", err)
				continue
			}
			r.Log.InfoContext(ctx, "scheduled job done", "job", name, "skipped", res.Skipped, "marked", res.Marked,
				"created", res.Created, "sent", res.Sent, "failed", res.Failed)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
