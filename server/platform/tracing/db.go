package tracing

import (
	"context"
	"database/sql"
	"errors"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/ternant/ternant/server/platform/db"
)

// maxStatement bounds the statement text kept on a span.
const maxStatement = 2048

// Query records a finished SQL statement as a child span of the request that ran it (db.Options'
// OnQuery hook; the server chains it after the metrics one). The span carries the statement's
// text with its placeholders, never the bound values.
func (t *Tracer) Query(ctx context.Context, q db.Query) {
	if !inTrace(ctx) {
		return
	}
	text := q.SQL
	if len(text) > maxStatement {
		text = text[:maxStatement]
	}
	_, span := t.tracer.Start(ctx, "mysql "+q.Operation, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithTimestamp(q.Start), trace.WithAttributes(
			attribute.String("db.system", "mysql"),
			attribute.String("db.operation", q.Operation),
			attribute.String("db.query.text", text)))
	if q.Err != nil && !errors.Is(q.Err, sql.ErrNoRows) {
		span.RecordError(q.Err)
		span.SetStatus(codes.Error, "query failed")
	}
	span.End(trace.WithTimestamp(q.Start.Add(q.Duration)))
}
