package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/ternant/ternant/internal/testenv"
	"github.com/ternant/ternant/migrations"
	"github.com/ternant/ternant/server/platform/db"
)

func TestCommandLine(t *testing.T) {
	cases := []struct {
		args       []string
		code       int
		out, errIn string
	}{
		{args: []string{"--help"}, code: 0, out: "Commands:"},
		{args: nil, code: 2, out: "Usage: ternant <command>"},
		{args: []string{"bogus"}, code: 2, errIn: `ternant: unknown command "bogus" (see ternant --help)`},
		{args: []string{"version"}, code: 0, out: "dev"},
		{args: []string{"version", "--bogus"}, code: 2, errIn: "ternant version: flag provided but not defined: -bogus"},
		{args: []string{"serve", "--help"}, code: 0, out: "DB_POOL_ACQUIRE_TIMEOUT"},
		{args: []string{"serve", "--nope"}, code: 2, errIn: "flag provided but not defined: -nope"},
		{args: []string{"serve", "extra"}, code: 2, errIn: `unexpected argument "extra"`},
		{args: []string{"migrate"}, code: 2, errIn: "missing action"},
		{args: []string{"migrate", "sideways"}, code: 2, errIn: `unknown action "sideways"`},
		{args: []string{"migrate", "down", "1", "2"}, code: 2, errIn: "down takes at most one number"},
		{args: []string{"migrate", "down", "2", "--all"}, code: 2, errIn: "give N or --all, not both"},
		{args: []string{"migrate", "--all", "up"}, code: 2, errIn: "--all goes with down"},
		{args: []string{"migrate", "force"}, code: 2, errIn: "force needs one number"},
		{args: []string{"migrate", "down", "x"}, code: 2, errIn: `down: "x" is not a valid number`},
		{args: []string{"migrate", "--help"}, code: 0, out: "migrate up | down [N] [--all] | version | force V"},
		{args: []string{"seed"}, code: 2, errIn: "choose exactly one of --demo and --bulk"},
		{args: []string{"seed", "--demo", "--bulk"}, code: 2, errIn: "choose exactly one of --demo and --bulk"},
		{args: []string{"seed", "--demo", "--now", "soon"}, code: 2, errIn: `--now "soon": want YYYY-MM-DD`},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(tc.args, &out, &errb)
			if code != tc.code {
				t.Errorf("exit %d, want %d (stdout %q stderr %q)", code, tc.code, out.String(), errb.String())
			}
			if tc.out != "" && !strings.Contains(out.String(), tc.out) {
				t.Errorf("stdout %q lacks %q", out.String(), tc.out)
			}
			if tc.errIn != "" && !strings.Contains(errb.String(), tc.errIn) {
				t.Errorf("stderr %q lacks %q", errb.String(), tc.errIn)
			}
			if strings.Count(out.String(), "Usage: ternant ") > 1 {
				t.Errorf("usage printed more than once: %q", out.String())
			}
			if tc.code == 2 && tc.errIn != "" && strings.Count(strings.TrimSpace(errb.String()), "\n") > 0 {
				t.Errorf("usage error is not one line: %q", errb.String())
			}
		})
	}
}

func TestMigrateCommandRequiresADatabase(t *testing.T) {
	t.Setenv("DB_DSN", "")
	t.Setenv("DATABASE_HOST", "")
	var out, errb bytes.Buffer
	if code := run([]string{"migrate", "up"}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "no database configured") {
		t.Errorf("exit %d stderr %q", code, errb.String())
	}
}

func TestMigrateCommandAgainstMariaDB(t *testing.T) {
	dsn := testenv.MySQL(t)
	t.Setenv("DB_DSN", dsn)
	latest, err := db.Latest(migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		args []string
		want string
	}{
		{[]string{"migrate", "version"}, fmt.Sprintf("schema version 0 (latest %d)", latest)},
		{[]string{"migrate", "up"}, fmt.Sprintf("schema version %d (latest %d)", latest, latest)},
		{[]string{"migrate", "down", "1"}, fmt.Sprintf("schema version %d (latest %d)", latest-1, latest)},
		{[]string{"migrate", "up"}, fmt.Sprintf("schema version %d (latest %d)", latest, latest)},
		{[]string{"migrate", "force", "1"}, fmt.Sprintf("schema version 1 (latest %d)", latest)},
	} {
		var out, errb bytes.Buffer
		if code := run(step.args, &out, &errb); code != 0 || !strings.Contains(out.String(), step.want) {
			t.Fatalf("%v: exit %d stdout %q stderr %q, want %q", step.args, code, out.String(), errb.String(), step.want)
		}
	}
}

// TestMigrateDownAll: `migrate down` without N reverts everything, but only with --all or a "yes"
// typed on a terminal; without a terminal it refuses and changes nothing.
func TestMigrateDownAll(t *testing.T) {
	dsn := testenv.MySQL(t)
	t.Setenv("DB_DSN", dsn)
	latest, err := db.Latest(migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	oldInput, oldInteractive := confirmInput, interactive
	t.Cleanup(func() { confirmInput, interactive = oldInput, oldInteractive })
	upToDate := fmt.Sprintf("schema version %d (latest %d)", latest, latest)
	empty := fmt.Sprintf("schema version 0 (latest %d)", latest)
	for _, step := range []struct {
		name     string
		args     []string
		terminal bool
		typed    string
		code     int
		out, err string
	}{
		{"up", []string{"migrate", "up"}, false, "", 0, upToDate, ""},
		{"no terminal refuses", []string{"migrate", "down"}, false, "yes\n", 2, "", "pass --all, or run it from a terminal"},
		{"still up to date", []string{"migrate", "version"}, false, "", 0, upToDate, ""},
		{"terminal, answer no", []string{"migrate", "down"}, true, "no\n", 1, "Revert all", "not confirmed"},
		{"terminal, no answer", []string{"migrate", "down"}, true, "", 1, "Revert all", "not confirmed"},
		{"still up to date after no", []string{"migrate", "version"}, false, "", 0, upToDate, ""},
		{"terminal, answer yes", []string{"migrate", "down"}, true, "yes\n", 0, empty, ""},
		{"up again", []string{"migrate", "up"}, false, "", 0, upToDate, ""},
		{"--all needs no terminal", []string{"migrate", "down", "--all"}, false, "", 0, empty, ""},
		{"up once more", []string{"migrate", "up"}, false, "", 0, upToDate, ""},
		{"-all before the action", []string{"migrate", "-all", "down"}, false, "", 0, empty, ""},
	} {
		confirmInput = strings.NewReader(step.typed)
		terminal := step.terminal
		interactive = func() bool { return terminal }
		var out, errb bytes.Buffer
		code := run(step.args, &out, &errb)
		if code != step.code || !strings.Contains(out.String(), step.out) || !strings.Contains(errb.String(), step.err) {
			t.Fatalf("%s %v: exit %d stdout %q stderr %q; want exit %d, stdout with %q, stderr with %q",
				step.name, step.args, code, out.String(), errb.String(), step.code, step.out, step.err)
		}
	}
}

func TestSeedCommandBulkAgainstMariaDB(t *testing.T) {
	t.Setenv("DB_DSN", testenv.MySQL(t))
	var out, errb bytes.Buffer
	args := []string{"seed", "--bulk", "--seed", "5", "--bcrypt-cost", "4", "--companies", "2", "--compounds", "4", "--apartments", "40", "--tenants", "10", "--invoices-per-lease", "3"}
	if code := run(args, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if want := "seeded 2 companies, 8 users, 4 compounds, 40 apartments, 20 tenants, 20 occupancies, 60 invoices"; !strings.Contains(out.String(), want) {
		t.Errorf("stdout %q lacks %q", out.String(), want)
	}
	if code := run(args, &out, &errb); code != 1 || !strings.Contains(errb.String(), "already seeded") {
		t.Errorf("second run: exit %d stderr %q", code, errb.String())
	}
}
