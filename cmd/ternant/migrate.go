package main

import (
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/ternant/ternant/migrations"
	"github.com/ternant/ternant/server/config"
	"github.com/ternant/ternant/server/platform/db"
)

func init() {
	register("migrate", "apply or inspect schema migrations (up | down N | version | force V)", migrateCmd)
}

func migrateCmd(args []string, stdout, _ io.Writer) error {
	fs := newFlags("migrate", "migrate up | down N | version | force V", stdout, printEnv)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError{"missing action: up, down N, version or force V"}
	}
	action, rest := fs.Arg(0), fs.Args()[1:]
	var n int
	switch action {
	case "up", "version":
		if len(rest) != 0 {
			return usageError{fmt.Sprintf("%s takes no argument", action)}
		}
	case "down", "force":
		if len(rest) != 1 {
			return usageError{fmt.Sprintf("%s needs one number", action)}
		}
		v, err := strconv.Atoi(rest[0])
		if err != nil || v < 0 || (action == "down" && v == 0) {
			return usageError{fmt.Sprintf("%s: %q is not a valid number", action, rest[0])}
		}
		n = v
	default:
		return usageError{fmt.Sprintf("unknown action %q (want up, down N, version or force V)", action)}
	}

	cfg, err := config.Load()
	if err != nil {
		return err
	}
	if cfg.DB.Embedded() {
		return fmt.Errorf("no database configured: set DB_DSN or DATABASE_HOST")
	}
	m, err := db.NewMigrator(cfg.DB.DSN, migrations.FS)
	if err != nil {
		return err
	}
	defer m.Close()
	switch action {
	case "up":
		err = m.Up()
	case "down":
		err = m.Down(n)
	case "force":
		err = m.Force(n)
	}
	if err != nil {
		return err
	}
	v, dirty, err := m.Version()
	if err != nil {
		return err
	}
	latest, _ := db.Latest(migrations.FS)
	fmt.Fprintf(stdout, "schema version %d (latest %d)", v, latest)
	if dirty {
		fmt.Fprintf(stdout, " DIRTY: repair, then `ternant migrate force %d`", v-1)
	}
	fmt.Fprintln(stdout)
	if action == "up" && !dirty {
		if err := reportToTerminationLog(migrateTerminationLog, fmt.Sprintf(`{"schemaVersion":%d}`, v)); err != nil {
			return err
		}
	}
	return nil
}

// migrateTerminationLog is where Kubernetes reads a container's termination message from. The
// operator reads the schema version `migrate up` reached (and the result of `backup create`)
// from the finished pod's status.
var migrateTerminationLog = "/dev/termination-log"

// reportToTerminationLog writes msg to path when that file exists (it does in a Kubernetes
// container); elsewhere it does nothing.
func reportToTerminationLog(path, msg string) error {
	if _, err := os.Stat(path); err != nil {
		return nil
	}
	if err := os.WriteFile(path, []byte(msg+"\n"), 0o644); err != nil {
		return fmt.Errorf("write termination message: %w", err)
	}
	return nil
}

// migrateUpDSN applies every pending migration to dsn.
func migrateUpDSN(dsn string) error {
	m, err := db.NewMigrator(dsn, migrations.FS)
	if err != nil {
		return err
	}
	defer m.Close()
	return m.Up()
}
