package seed

import (
	"context"
	"fmt"
	"strings"

	"github.com/ternant/ternant/server/platform/db"
)

// batchRows is how many rows one multi-row INSERT carries: large enough to amortise round trips,
// small enough to stay far below max_allowed_packet.
const batchRows = 500

// inserter accumulates rows for one table and writes them with multi-row INSERT statements.
type inserter struct {
	q      db.Queryer
	table  string
	cols   []string
	rows   []any
	n      int
	onRows func(table string, n int)
	// parents are flushed before this inserter, so foreign keys always find their rows.
	parents []*inserter
}

func newInserter(q db.Queryer, table string, onRows func(string, int), cols ...string) *inserter {
	return &inserter{q: q, table: table, cols: cols, onRows: onRows}
}

// add queues one row; its values must match cols in order.
func (b *inserter) add(ctx context.Context, vals ...any) error {
	if len(vals) != len(b.cols) {
		return fmt.Errorf("seed %s: %d values for %d columns", b.table, len(vals), len(b.cols))
	}
	b.rows = append(b.rows, vals...)
	b.n++
	if b.n >= batchRows {
		return b.flush(ctx)
	}
	return nil
}

// flush writes the queued rows.
func (b *inserter) flush(ctx context.Context) error {
	if b.n == 0 {
		return nil
	}
	for _, p := range b.parents {
		if err := p.flush(ctx); err != nil {
			return err
		}
	}
	quoted := make([]string, len(b.cols))
	for i, c := range b.cols {
		quoted[i] = "`" + c + "`"
	}
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(b.cols)), ",") + ")"
	var sb strings.Builder
	sb.Grow(len(one)*b.n + 64)
	fmt.Fprintf(&sb, "INSERT INTO %s (%s) VALUES ", b.table, strings.Join(quoted, ","))
	for i := 0; i < b.n; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(one)
	}
	if _, err := b.q.Exec(ctx, sb.String(), b.rows...); err != nil {
		return fmt.Errorf("seed %s: insert %d rows: %w", b.table, b.n, err)
	}
	if b.onRows != nil {
		b.onRows(b.table, b.n)
	}
	b.rows, b.n = b.rows[:0], 0
	return nil
}
