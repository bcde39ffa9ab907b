package reminders

import (
	"context"

	"github.com/ternant/ternant/server/platform/db"
)

// StoreGet exposes the store's read of one reminder to the tests.
func StoreGet(ctx context.Context, q db.Queryer, companyID, id string) (*Reminder, error) {
	return store{}.Get(ctx, q, companyID, id)
}
