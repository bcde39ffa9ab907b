package jobs

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/ternant/ternant/server/platform/db"
)

// lockName derives a MySQL user-lock name (at most 64 characters) from the job name and the
// current database, so runners against different databases on one server never block each other.
const lockName = `CONCAT('ternant:', LEFT(SHA1(CONCAT(DATABASE(), ':', ?)), 40))`

// withLock runs fn while holding the database-wide named lock for name. The lock is taken with
// GET_LOCK on a dedicated connection and does not wait: when another runner (another pod, another
// CronJob run) holds it, withLock returns false without running fn. The server releases the lock
// if the process dies.
func withLock(ctx context.Context, d *db.DB, name string, fn func() error) (bool, error) {
	conn, err := d.SQLX().Connx(ctx)
	if err != nil {
		return false, fmt.Errorf("job lock connection: %w", db.MapError(err))
	}
	defer conn.Close()
	var got sql.NullInt64
	if err := conn.GetContext(ctx, &got, `SELECT GET_LOCK(`+lockName+`, 0)`, name); err != nil {
		return false, fmt.Errorf("take job lock %s: %w", name, err)
	}
	if !got.Valid || got.Int64 != 1 {
		return false, nil
	}
	defer func() {
		var released sql.NullInt64
		_ = conn.GetContext(context.WithoutCancel(ctx), &released, `SELECT RELEASE_LOCK(`+lockName+`)`, name)
	}()
	return true, fn()
}
