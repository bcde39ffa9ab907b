package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/ternant/ternant/server"
	"github.com/ternant/ternant/server/config"
	"github.com/ternant/ternant/server/jobs"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/embedded"
	"github.com/ternant/ternant/server/platform/logging"
	"github.com/ternant/ternant/server/platform/memlimit"
	"github.com/ternant/ternant/server/platform/redisclient"
)

func init() {
	register("serve", "run the REST API server", serve)
}

func serve(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", "serve [--migrate] [--jobs [--jobs-interval D]]", stdout, printEnv)
	migrate := fs.Bool("migrate", false, "apply pending schema migrations before serving (always on for the embedded dev database)")
	runJobs := fs.Bool("jobs", false, "also run the scheduled jobs ("+strings.Join(jobs.Names, ", ")+") on a ticker (development; production uses CronJobs)")
	jobsEvery := fs.Duration("jobs-interval", 5*time.Minute, "how often --jobs runs the scheduled jobs")
	pprofAddr := fs.String("pprof-addr", "", "serve net/http/pprof on this separate address (e.g. 127.0.0.1:6060) for profiling; off when empty")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if *jobsEvery <= 0 {
		return usageError{"--jobs-interval must be positive"}
	}
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	log, closer, err := logging.New(logging.Options{Level: cfg.LogLevel, JSON: cfg.Env == config.Production, Dir: cfg.LogDir, Out: stderr})
	if err != nil {
		return err
	}
	defer closer.Close()
	applyMemoryLimit(log)
	db.SetDriverLogger(log)
	redisclient.SetLogger(log)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := server.New(ctx, cfg, log, server.Options{Migrate: *migrate, StartEmbedded: startEmbedded})
	if err != nil {
		return err
	}
	defer srv.Close()
	if *runJobs {
		runner := jobs.New(srv.DB, cfg.Mail, log)
		runner.Invoices.InvalidateDashboard = srv.InvalidateDashboard
		go runner.Every(ctx, *jobsEvery)
	}
	if *pprofAddr != "" {
		if err := servePprof(ctx, *pprofAddr, log); err != nil {
			return err
		}
	}
	l, err := net.Listen("tcp", cfg.Addr())
	if err != nil {
		return fmt.Errorf("listen %s: %w", cfg.Addr(), err)
	}
	return srv.Run(ctx, l)
}

// applyMemoryLimit keeps the heap under the container's memory limit (memlimit.Share of it) unless
// GOMEMLIMIT says otherwise.
func applyMemoryLimit(log *slog.Logger) {
	limit, err := memlimit.FromCgroup("/sys/fs/cgroup")
	switch {
	case err != nil:
		log.Warn("container memory limit not applied to the Go runtime", "err", err)
	case limit > 0:
		log.Info("Go memory limit set from the container's", "bytes", limit)
	}
}

// startEmbedded adapts the embedded stores to the server's option.
func startEmbedded(ctx context.Context, dbName string) (server.EmbeddedStores, error) {
	st, err := embedded.Start(ctx, dbName)
	if err != nil {
		return server.EmbeddedStores{}, err
	}
	return server.EmbeddedStores{DSN: st.DSN, RedisAddr: st.RedisAddr, Closer: st}, nil
}

// servePprof exposes the runtime profiles on their own listener, never on the API port.
func servePprof(ctx context.Context, addr string, log *slog.Logger) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("pprof listen %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { <-ctx.Done(); _ = hs.Close() }()
	go func() { _ = hs.Serve(l) }()
	log.Warn("pprof enabled", "addr", l.Addr().String())
	return nil
}
