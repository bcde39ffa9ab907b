package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/ternant/ternant/server/config"
	"github.com/ternant/ternant/server/jobs"
	"github.com/ternant/ternant/server/platform/cache"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/logging"
	"github.com/ternant/ternant/server/platform/redisclient"
)

func init() {
	register("jobs", "run a scheduled job once ("+strings.Join(jobs.Names, " | ")+")", jobsCmd)
}

// jobsCmd runs one scheduled job and prints its result as JSON. It is what the operator's
// CronJobs run; two overlapping runs are safe (one takes the job's lock, the other skips).
func jobsCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("jobs", "jobs "+strings.Join(jobs.Names, "|")+" [--due-soon-days N]", stdout, printEnv)
	dueSoon := fs.Int("due-soon-days", 3, "reminders-due-soon: remind sent invoices due within this many days (REMINDER_DUE_SOON_DAYS)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"want exactly one job: " + strings.Join(jobs.Names, ", ")}
	}
	name := fs.Arg(0)
	known := false
	for _, n := range jobs.Names {
		known = known || n == name
	}
	if !known {
		return usageError{fmt.Sprintf("unknown job %q (want %s)", name, strings.Join(jobs.Names, ", "))}
	}
	if *dueSoon < 0 {
		return usageError{"--due-soon-days must not be negative"}
	}
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	if cfg.DB.Embedded() {
		return fmt.Errorf("no database configured: set DB_DSN or DATABASE_HOST")
	}
	log, closer, err := logging.New(logging.Options{Level: cfg.LogLevel, JSON: cfg.Env == config.Production, Dir: cfg.LogDir, Out: stderr})
	if err != nil {
		return err
	}
	defer closer.Close()
	db.SetDriverLogger(log)
	redisclient.SetLogger(log)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	database, err := db.Open(ctx, cfg.DB.DSN, db.Options{PoolSize: 4, AcquireTimeout: cfg.DB.AcquireTimeout})
	if err != nil {
		return fmt.Errorf("connect database: %w", err)
	}
	defer database.Close()
	runner := jobs.New(database, cfg.Mail, log)
	runner.DueSoonDays = *dueSoon
	if cfg.Redis.Configured() {
		// Marking invoices overdue changes dashboard figures: drop the cached ones.
		rdb := redisclient.New(redisclient.Options{Addr: cfg.Redis.Addr, Username: cfg.Redis.Username,
			Password: cfg.Redis.Password, DB: cfg.Redis.DB, TLS: cfg.Redis.TLS,
			ConnectTimeout: cfg.Redis.ConnectTimeout, Timeout: cfg.Redis.Timeout, PoolSize: 4})
		defer rdb.Close()
		c := cache.New(rdb, "", log)
		runner.Invoices.InvalidateDashboard = func(ctx context.Context, companyID string) {
			c.Invalidate(ctx, cache.DashboardStatsKey(companyID))
		}
	}
	res, err := runner.Run(ctx, name)
	if err != nil {
		return err
	}
	out, err := json.Marshal(res)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, string(out))
	return err
}
