package reminders

import (
	"context"

	"github.com/ternant/ternant/server/platform/db"
)

// StoreGet exposes the store's read of one reminder to the tests.
func StoreGet(ctx context.Context, q db.Queryer, companyID, id string) (*Reminder, error) {
	return store{}.Get(ctx, q, companyID, id)
}

// AfterClaim sets a function run at the end of each claim transaction (nil: none).
func AfterClaim(d *Deliverer, fn func() error) { d.afterClaim = txHook(fn) }

// AfterRecord sets a function run at the end of each record transaction (nil: none).
func AfterRecord(d *Deliverer, fn func() error) { d.afterRecord = txHook(fn) }

func txHook(fn func() error) func(*db.Tx) error {
	if fn == nil {
		return nil
	}
	return func(*db.Tx) error { return fn() }
}
