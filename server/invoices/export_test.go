package invoices

import (
	"context"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/platform/db"
)

// StoreList exposes the store's list query to the count tests.
func StoreList(ctx context.Context, q db.Queryer, companyID string, f Filter, page httpx.Page) ([]*Invoice, int, error) {
	return store{}.List(ctx, q, companyID, f, page)
}
