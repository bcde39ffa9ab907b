package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/ternant/ternant/internal/backup"
	"github.com/ternant/ternant/migrations"
	"github.com/ternant/ternant/server/config"
	"github.com/ternant/ternant/server/platform/db"
)

func init() {
	register("backup", "logical backups of the database: create | restore | list", backupCmd)
}

// terminationLog is where Kubernetes reads a container's final message (the operator reads the
// backup's result from there); it is written only when it exists.
var terminationLog = "/dev/termination-log"

// backupVars are the variables the backup commands read besides the database's.
var backupVars = []config.Var{
	{Name: "BACKUP_LOCATION", Default: "", Help: "default for --to / --from"},
	{Name: "BACKUP_S3_ENDPOINT", Default: "AWS S3", Help: "S3-compatible endpoint URL, e.g. http://minio.storage:9000 or https://s3.eu-west-1.amazonaws.com"},
	{Name: "BACKUP_S3_REGION", Default: "", Help: "bucket region (us-east-1 for most S3-compatible servers)"},
	{Name: "BACKUP_S3_PATH_STYLE", Default: "", Help: "true: path-style requests (most S3-compatible servers); false: virtual-host style; unset: automatic"},
	{Name: "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY", Default: "", Help: "S3 credentials; unset: web identity or the node's instance role"},
}

func printBackupEnv(w io.Writer) {
	fmt.Fprintln(w, "\nEnvironment:")
	var vars []config.Var
	for _, v := range config.Vars {
		if strings.HasPrefix(v.Name, "DB_DSN") || strings.HasPrefix(v.Name, "DATABASE_") {
			vars = append(vars, v)
		}
	}
	for _, v := range append(vars, backupVars...) {
		def := v.Default
		if def == "" {
			def = "unset"
		}
		fmt.Fprintf(w, "  %s (default %s)\n      %s\n", v.Name, def, v.Help)
	}
	fmt.Fprintln(w, "\nLocations: s3://bucket/prefix or file:///absolute/dir. Objects are named <UTC time>.sql.gz,\ne.g. 20261203T020000.000Z.sql.gz; see docs/operations.md, \"Backups\".")
}

const backupUsage = "backup create --to LOCATION [--keep-last N] [--max-age D]\n" +
	"       ternant backup restore --from LOCATION [--name NAME|latest | --at RFC3339] [--force]\n" +
	"       ternant backup list --from LOCATION"

func backupCmd(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"missing action: create, restore or list"}
	}
	switch args[0] {
	case "create":
		return backupCreate(args[1:], stdout, stderr)
	case "restore":
		return backupRestore(args[1:], stdout, stderr)
	case "list":
		return backupList(args[1:], stdout)
	case "-h", "--help", "help":
		fs := newFlags("backup", backupUsage, stdout, printBackupEnv)
		fs.Usage()
		return flag.ErrHelp
	}
	return usageError{fmt.Sprintf("unknown action %q (want create, restore or list)", args[0])}
}

func backupCreate(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("backup create", "backup create --to LOCATION [--keep-last N] [--max-age D]", stdout, printBackupEnv)
	to := fs.String("to", os.Getenv("BACKUP_LOCATION"), "where to write: s3://bucket/prefix or file:///dir")
	keepLast := fs.Int("keep-last", 0, "after a successful backup, delete all but the newest N (0: keep all)")
	maxAgeS := fs.String("max-age", "", "after a successful backup, delete backups older than this (e.g. 720h or 30d; empty: no limit)")
	if err := parseLocationFlags(fs, args, "to"); err != nil {
		return err
	}
	if *keepLast < 0 {
		return usageError{fmt.Sprintf("--keep-last %d: want 0 or more", *keepLast)}
	}
	maxAge, err := parseAge(*maxAgeS)
	if err != nil {
		return usageError{fmt.Sprintf("--max-age %q: %v", *maxAgeS, err)}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err = func() error {
		st, conn, err := openBackup(ctx, *to)
		if err != nil {
			return err
		}
		defer conn.Close()
		res, err := backup.Create(ctx, conn, st, time.Now)
		if err != nil {
			return fmt.Errorf("backup to %s failed, nothing was written and no backup deleted: %w", *to, err)
		}
		line, _ := json.Marshal(res)
		fmt.Fprintf(stdout, "%s\n", line)
		writeTerminationLog(line)
		fmt.Fprintf(stderr, "backup: %d rows in %d tables, schema version %d, %d bytes in %s\n",
			res.Manifest.Rows, len(res.Manifest.Tables), res.SchemaVersion, res.Size, res.CompletedAt.Sub(res.StartedAt).Round(time.Millisecond))
		deleted, err := backup.Prune(ctx, st, backup.Retention{KeepLast: *keepLast, MaxAge: maxAge}, res.Name, time.Now())
		for _, o := range deleted {
			fmt.Fprintf(stderr, "backup: retention deleted %s\n", st.Location(o.Name))
		}
		if err != nil {
			// The backup itself is stored; say so, and fail so the retention problem is seen.
			return fmt.Errorf("backup %s is stored, but %w", res.Location, err)
		}
		return nil
	}()
	if err != nil {
		writeTerminationLog(errorLine(err))
	}
	return err
}

func backupRestore(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("backup restore", "backup restore --from LOCATION [--name NAME|latest | --at RFC3339] [--force]", stdout, printBackupEnv)
	from := fs.String("from", os.Getenv("BACKUP_LOCATION"), "where backups are: s3://bucket/prefix or file:///dir")
	name := fs.String("name", "latest", "the backup to restore: an object name (see list) or latest")
	atS := fs.String("at", "", "restore the newest backup taken at or before this time (RFC 3339); overrides --name")
	force := fs.Bool("force", false, "drop every table of the target database first (it must otherwise be empty)")
	if err := parseLocationFlags(fs, args, "from"); err != nil {
		return err
	}
	var at time.Time
	if *atS != "" {
		t, err := time.Parse(time.RFC3339, *atS)
		if err != nil {
			return usageError{fmt.Sprintf("--at %q: want an RFC 3339 time such as 2026-12-03T02:00:00Z", *atS)}
		}
		at = t
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := func() error {
		st, conn, err := openBackup(ctx, *from)
		if err != nil {
			return err
		}
		defer conn.Close()
		objs, err := st.List(ctx)
		if err != nil {
			return err
		}
		obj, err := backup.Select(objs, *name, at)
		if err != nil {
			return fmt.Errorf("%w in %s", err, *from)
		}
		r, err := st.Get(ctx, obj.Name)
		if err != nil {
			return err
		}
		defer r.Close()
		latest, err := db.Latest(migrations.FS)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "restore: loading %s (%d bytes)\n", st.Location(obj.Name), obj.Size)
		start := time.Now()
		m, err := backup.Restore(ctx, conn, r, backup.RestoreOptions{Force: *force, Check: func(h backup.Header) error {
			if h.SchemaVersion > latest {
				return fmt.Errorf("backup %s has schema version %d; this ternant knows versions up to %d: restore it with the version that made it", obj.Name, h.SchemaVersion, latest)
			}
			return nil
		}})
		if err != nil {
			if errors.Is(err, backup.ErrNotEmpty) {
				return err
			}
			return fmt.Errorf("restore of %s failed: %w; the database is incomplete and marked dirty in schema_migrations (migrations and the API refuse it): restore again with --force or drop it", st.Location(obj.Name), err)
		}
		line, _ := json.Marshal(map[string]any{
			"name": obj.Name, "location": st.Location(obj.Name), "schemaVersion": m.SchemaVersion,
			"rows": m.Rows, "startedAt": obj.Time, "restoredAt": time.Now().UTC(),
		})
		fmt.Fprintf(stdout, "%s\n", line)
		writeTerminationLog(line)
		fmt.Fprintf(stderr, "restore: %d rows in %d tables, schema version %d, in %s\n", m.Rows, len(m.Tables), m.SchemaVersion, time.Since(start).Round(time.Millisecond))
		if m.Dirty {
			fmt.Fprintf(stderr, "restore: warning: the database was backed up while its schema was dirty at version %d; it is restored dirty (see `ternant migrate force`)\n", m.SchemaVersion)
		}
		return nil
	}()
	if err != nil {
		writeTerminationLog(errorLine(err))
	}
	return err
}

func backupList(args []string, stdout io.Writer) error {
	fs := newFlags("backup list", "backup list --from LOCATION [--json]", stdout, printBackupEnv)
	from := fs.String("from", os.Getenv("BACKUP_LOCATION"), "where backups are: s3://bucket/prefix or file:///dir")
	asJSON := fs.Bool("json", false, "one JSON object per line instead of a table")
	if err := parseLocationFlags(fs, args, "from"); err != nil {
		return err
	}
	st, err := backup.Open(*from, s3ConfigFromEnv())
	if err != nil {
		return err
	}
	objs, err := st.List(context.Background())
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		for _, o := range objs {
			if err := enc.Encode(o); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSIZE\tTIME")
	for _, o := range objs {
		fmt.Fprintf(tw, "%s\t%d\t%s\n", o.Name, o.Size, o.Time.Format(time.RFC3339))
	}
	return tw.Flush()
}

// parseLocationFlags parses a backup command's flags; it takes no arguments and needs a location
// (the value of the flag name after parsing).
func parseLocationFlags(fs *flag.FlagSet, args []string, name string) error {
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if fs.Lookup(name).Value.String() == "" {
		return usageError{fmt.Sprintf("--%s is required (or BACKUP_LOCATION)", name)}
	}
	return nil
}

// openBackup opens the store and the database (read from the same variables as serve).
func openBackup(ctx context.Context, location string) (backup.Store, *sql.DB, error) {
	st, err := backup.Open(location, s3ConfigFromEnv())
	if err != nil {
		return nil, nil, err
	}
	dbc, err := config.LoadDatabase(os.LookupEnv)
	if err != nil {
		return nil, nil, err
	}
	if dbc.Embedded() {
		return nil, nil, errors.New("no database configured: set DB_DSN or DATABASE_HOST")
	}
	conn, err := backup.OpenDB(ctx, dbc.DSN)
	if err != nil {
		return nil, nil, err
	}
	return st, conn, nil
}

func s3ConfigFromEnv() backup.S3Config {
	return backup.S3Config{
		Endpoint:  os.Getenv("BACKUP_S3_ENDPOINT"),
		Region:    os.Getenv("BACKUP_S3_REGION"),
		AccessKey: os.Getenv("AWS_ACCESS_KEY_ID"),
		SecretKey: os.Getenv("AWS_SECRET_ACCESS_KEY"),
		PathStyle: os.Getenv("BACKUP_S3_PATH_STYLE"),
	}
}

// parseAge reads a Go duration or a whole number of days ("30d").
func parseAge(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			return 0, errors.New("want a duration such as 720h or 30d")
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, errors.New("want a duration such as 720h or 30d")
		}
	}
	if d <= 0 {
		return 0, errors.New("want a positive duration")
	}
	return d, nil
}

// writeTerminationLog leaves msg where Kubernetes reads a finished container's message, when
// running in a pod. Best effort: stdout carries the same line.
func writeTerminationLog(msg []byte) {
	_ = reportToTerminationLog(terminationLog, string(msg))
}

func errorLine(err error) []byte {
	b, _ := json.Marshal(map[string]string{"error": err.Error()})
	return b
}
