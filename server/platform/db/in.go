package db

import (
	"fmt"

	"github.com/jmoiron/sqlx"
)

// InCompany expands query's two placeholders, `company_id = ?` and `IN (?)`, for companyID and
// ids, each id once: a page of 100 rows that share 2 parents asks for 2 rows, not 100.
func InCompany(query, companyID string, ids []string) (string, []any, error) {
	q, args, err := sqlx.In(query, companyID, Unique(ids))
	if err != nil {
		return "", nil, fmt.Errorf("expand ids: %w", err)
	}
	return q, args, nil
}

// Unique returns ids without repeats, in first-seen order.
func Unique(ids []string) []string {
	seen := make(map[string]struct{}, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if _, ok := seen[id]; !ok {
			seen[id] = struct{}{}
			out = append(out, id)
		}
	}
	return out
}

// LastPageTotal returns the number of rows before paging when a page of n rows read with LIMIT
// limit OFFSET offset says it by itself: a page shorter than its limit that is not past the end
// is the last one, so the total is offset + n. ok is false when only a COUNT(*) can tell.
func LastPageTotal(n, limit, offset int) (total int, ok bool) {
	if limit > 0 && n < limit && (n > 0 || offset == 0) {
		return offset + n, true
	}
	return 0, false
}
