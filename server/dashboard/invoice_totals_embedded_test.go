//go:build !noembed

package dashboard

import (
	"context"
	"testing"

	"github.com/ternant/ternant/migrations"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/embedded"
)

// The embedded development engine (`make run`) must keep invoice_totals exact too: it runs the same
// migrations, triggers included.
func TestInvoiceTotalsOnEmbeddedEngine(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the embedded engine")
	}
	ctx := context.Background()
	st, err := embedded.Start(ctx, "ternant")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	m, err := db.NewMigrator(st.DSN, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	err = m.Up()
	m.Close()
	if err != nil {
		t.Fatalf("migrate the embedded engine: %v", err)
	}
	d, err := db.Open(ctx, st.DSN, db.Options{PoolSize: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	checkInvoiceTotalsUnderWrites(t, d)
}
