package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/go-sql-driver/mysql"

	"github.com/ternant/ternant/migrations"
	"github.com/ternant/ternant/server/config"
	"github.com/ternant/ternant/server/platform/db"
)

func init() {
	register("migrate", "apply or inspect schema migrations (up | down [N] | version | force V)", migrateCmd)
}

// The confirmation that `migrate down` without N asks for; tests replace both.
var (
	confirmInput io.Reader = os.Stdin
	interactive            = stdinIsTerminal
)

// stdinIsTerminal reports whether standard input is a terminal (a character device).
func stdinIsTerminal() bool {
	fi, err := os.Stdin.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func migrateCmd(args []string, stdout, _ io.Writer) error {
	const usage = "migrate up | down [N] [--all] | version | force V"
	fs := newFlags("migrate", usage, stdout, printEnv)
	all := fs.Bool("all", false, "with down and no N: revert every migration without asking")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError{"missing action: up, down [N], version or force V"}
	}
	action, rest := fs.Arg(0), fs.Args()[1:]
	if action == "down" {
		// Flags may follow the action or N: `migrate down --all`, `migrate down 2 --all`.
		var positional []string
		for len(rest) > 0 {
			if err := parseFlags(fs, rest); err != nil {
				return err
			}
			if fs.NArg() == 0 {
				break
			}
			positional = append(positional, fs.Arg(0))
			rest = fs.Args()[1:]
		}
		rest = positional
	}
	var n int
	switch action {
	case "up", "version":
		if len(rest) != 0 {
			return usageError{fmt.Sprintf("%s takes no argument", action)}
		}
	case "down":
		if len(rest) > 1 {
			return usageError{"down takes at most one number"}
		}
		if len(rest) == 1 {
			v, err := strconv.Atoi(rest[0])
			if err != nil || v <= 0 {
				return usageError{fmt.Sprintf("down: %q is not a valid number", rest[0])}
			}
			if *all {
				return usageError{"down: give N or --all, not both"}
			}
			n = v
		}
	case "force":
		if len(rest) != 1 {
			return usageError{"force needs one number"}
		}
		v, err := strconv.Atoi(rest[0])
		if err != nil || v < 0 {
			return usageError{fmt.Sprintf("force: %q is not a valid number", rest[0])}
		}
		n = v
	default:
		return usageError{fmt.Sprintf("unknown action %q (want up, down [N], version or force V)", action)}
	}
	if *all && action != "down" {
		return usageError{"--all goes with down"}
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
		switch {
		case n > 0:
			err = m.Down(n)
		case *all:
			err = m.DownAll()
		default:
			err = confirmDownAll(m, databaseName(cfg.DB.DSN), stdout)
			if err == nil {
				err = m.DownAll()
			}
		}
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

// errNotConfirmed is the answer to a `migrate down` the operator did not confirm.
var errNotConfirmed = errors.New("not confirmed: nothing was reverted")

// confirmDownAll asks on the terminal before `migrate down` without N reverts every migration (which
// drops every table and its data). Without a terminal it refuses: scripts must say --all.
func confirmDownAll(m *db.Migrator, database string, stdout io.Writer) error {
	if !interactive() {
		return usageError{"down without N reverts every migration and drops all data: pass --all, or run it from a terminal to confirm"}
	}
	v, _, err := m.Version()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Revert all %d applied migrations of database %q? Every Ternant table and its data will be dropped. Type \"yes\" to continue: ", v, database)
	answer, _ := bufio.NewReader(confirmInput).ReadString('\n')
	if a := strings.ToLower(strings.TrimSpace(answer)); a != "yes" && a != "y" {
		fmt.Fprintln(stdout)
		return errNotConfirmed
	}
	return nil
}

// databaseName is the schema a DSN names, for the confirmation prompt.
func databaseName(dsn string) string {
	if c, err := mysql.ParseDSN(dsn); err == nil && c.DBName != "" {
		return c.DBName
	}
	return "(unnamed)"
}
