package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/ternant/ternant/server/config"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/seed"
)

func init() {
	register("seed", "write demo data (--demo) or a bulk benchmark data set (--bulk)", seedCmd)
}

func seedCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("seed", "seed --demo | --bulk [--companies N --compounds N --apartments N --tenants N --invoices-per-lease N] [--seed N]", stdout, printEnv)
	demo := fs.Bool("demo", false, "TernantApp's demo data: super admin, 3 companies with owner/admin/staff/auditor accounts (Password123!)")
	bulk := fs.Bool("bulk", false, "a large deterministic data set for benchmarks")
	seedN := fs.Uint64("seed", 1, "random seed: the same seed and --now give the same rows")
	now := fs.String("now", "", "anchor date YYYY-MM-DD for leases and invoices (default today)")
	companies := fs.Int("companies", 10, "bulk: companies")
	compounds := fs.Int("compounds", 1000, "bulk: compounds in total, spread over the companies")
	apartments := fs.Int("apartments", 100000, "bulk: apartments in total, spread over the compounds")
	tenants := fs.Int("tenants", 8000, "bulk: tenants per company (each with one active lease while apartments last)")
	invoices := fs.Int("invoices-per-lease", 12, "bulk: monthly invoices per lease")
	cost := fs.Int("bcrypt-cost", 12, "bcrypt cost for seeded passwords")
	migrate := fs.Bool("migrate", true, "apply pending migrations first")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *demo == *bulk {
		return usageError{"choose exactly one of --demo and --bulk"}
	}
	if *cost < 4 || *cost > 31 {
		return usageError{fmt.Sprintf("--bcrypt-cost %d: want 4 to 31", *cost)}
	}
	opts := seed.Options{Seed: *seedN, BcryptCost: *cost}
	if *now != "" {
		t, err := time.Parse(time.DateOnly, *now)
		if err != nil {
			return usageError{fmt.Sprintf("--now %q: want YYYY-MM-DD", *now)}
		}
		opts.Now = t
	}
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	if cfg.DB.Embedded() {
		return fmt.Errorf("no database configured: set DB_DSN or DATABASE_HOST (the embedded dev server seeds itself)")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *migrate {
		if err := migrateUpDSN(cfg.DB.DSN); err != nil {
			return err
		}
	}
	dsn := cfg.DB.DSN
	if *bulk {
		// The generator writes parents before children and never repeats a key, so the bulk load
		// skips per-row FK and unique checks (session-only settings) to run several times faster.
		mc, err := mysql.ParseDSN(dsn)
		if err != nil {
			return fmt.Errorf("parse DSN: %w", err)
		}
		if mc.Params == nil {
			mc.Params = map[string]string{}
		}
		mc.Params["foreign_key_checks"] = "0"
		mc.Params["unique_checks"] = "0"
		dsn = mc.FormatDSN()
	}
	d, err := db.Open(ctx, dsn, db.Options{PoolSize: 4, AcquireTimeout: time.Minute})
	if err != nil {
		return err
	}
	defer d.Close()

	p := newProgress(stderr)
	opts.Progress = p.add
	start := time.Now()
	var sum seed.Summary
	if *demo {
		sum, err = seed.Demo(ctx, d, opts)
	} else {
		sum, err = seed.Bulk(ctx, d, seed.Sizes{Companies: *companies, Compounds: *compounds, Apartments: *apartments, Tenants: *tenants, InvoicesPerLease: *invoices}, opts)
	}
	p.done()
	if err != nil {
		return err
	}
	el := time.Since(start)
	fmt.Fprintf(stdout, "seeded %s in %s (%.0f rows/s)\n", sum, el.Round(time.Millisecond), float64(p.total)/el.Seconds())
	return nil
}

// progress reports rows written: a redrawn line on a terminal, a plain line every few seconds
// otherwise.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	tty   bool
	start time.Time
	last  time.Time
	total int
	per   map[string]int
}

func newProgress(w io.Writer) *progress {
	tty := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	now := time.Now()
	return &progress{w: w, tty: tty, start: now, last: now, per: map[string]int{}}
}

func (p *progress) add(table string, n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.total += n
	p.per[table] += n
	interval := 5 * time.Second
	if p.tty {
		interval = 200 * time.Millisecond
	}
	if time.Since(p.last) < interval {
		return
	}
	p.last = time.Now()
	p.print()
}

func (p *progress) print() {
	rate := float64(p.total) / time.Since(p.start).Seconds()
	line := fmt.Sprintf("seed: %d rows (%d invoices, %d payments) %.0f rows/s", p.total, p.per["invoices"], p.per["payments"], rate)
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K%s", line)
	} else {
		fmt.Fprintln(p.w, line)
	}
}

func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty && p.total > 0 {
		p.print()
		fmt.Fprintln(p.w)
	}
}
