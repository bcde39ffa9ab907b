package db_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/ternant/ternant/internal/testdb"
	"github.com/ternant/ternant/server/platform/db"
)

// A statement past QueryTimeout fails with ErrUnavailable (503) soon after the deadline, outside
// and inside a transaction; the caller's own cancellation stays a cancellation.
func TestQueryTimeoutBoundsStatements(t *testing.T) {
	d := testdb.Open(t, db.Options{QueryTimeout: 300 * time.Millisecond})
	ctx := context.Background()
	var n int
	start := time.Now()
	err := d.Get(ctx, &n, "SELECT SLEEP(5)")
	if took := time.Since(start); !errors.Is(err, db.ErrUnavailable) || took > 2*time.Second {
		t.Errorf("SLEEP(5) with a 300ms query timeout = %v after %s, want ErrUnavailable soon after 300ms", err, took)
	}
	start = time.Now()
	err = d.InTx(ctx, func(tx *db.Tx) error { return tx.Get(ctx, &n, "SELECT SLEEP(5)") })
	if took := time.Since(start); !errors.Is(err, db.ErrUnavailable) || took > 2*time.Second {
		t.Errorf("in a transaction = %v after %s, want ErrUnavailable", err, took)
	}
	if err := d.Get(ctx, &n, "SELECT 1"); err != nil || n != 1 {
		t.Errorf("after the timeouts SELECT 1 = %d %v", n, err)
	}
	cctx, cancel := context.WithCancel(ctx)
	time.AfterFunc(100*time.Millisecond, cancel)
	if err := d.Get(cctx, &n, "SELECT SLEEP(5)"); errors.Is(err, db.ErrUnavailable) || !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled caller = %v, want context.Canceled and not ErrUnavailable", err)
	}
}

func TestMapErrorTreatsBrokenConnectionsAsUnavailable(t *testing.T) {
	for _, err := range []error{driver.ErrBadConn, fmt.Errorf("insert payment: %w", driver.ErrBadConn)} {
		if got := db.MapError(err); !errors.Is(got, db.ErrUnavailable) {
			t.Errorf("MapError(%v) = %v, want ErrUnavailable", err, got)
		}
	}
}
