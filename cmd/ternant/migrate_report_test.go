package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ternant/ternant/internal/testenv"
	"github.com/ternant/ternant/migrations"
	"github.com/ternant/ternant/server/platform/db"
)

// TestMigrateUpReportsSchemaVersion runs `ternant migrate up` against MariaDB with a
// termination log present, as in a Kubernetes container: it holds the schema version reached,
// which the operator reports as status.schemaVersion. Without the file nothing is written.
func TestMigrateUpReportsSchemaVersion(t *testing.T) {
	t.Setenv("DB_DSN", testenv.MySQL(t))
	latest, err := db.Latest(migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(t.TempDir(), "termination-log")
	if err := os.WriteFile(log, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	old := migrateTerminationLog
	migrateTerminationLog = log
	t.Cleanup(func() { migrateTerminationLog = old })

	var out, errb bytes.Buffer
	if code := run([]string{"migrate", "up"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d stderr %q", code, errb.String())
	}
	got, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf(`{"schemaVersion":%d}`, latest); strings.TrimSpace(string(got)) != want {
		t.Errorf("termination log %q, want %q", got, want)
	}

	migrateTerminationLog = filepath.Join(t.TempDir(), "absent")
	if code := run([]string{"migrate", "up"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d stderr %q", code, errb.String())
	}
	if _, err := os.Stat(migrateTerminationLog); !os.IsNotExist(err) {
		t.Errorf("migrate wrote %s although it did not exist (err %v)", migrateTerminationLog, err)
	}
}
