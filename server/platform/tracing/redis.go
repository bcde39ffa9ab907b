package tracing

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// RedisHook returns a go-redis hook that records each command (and each pipeline) run within a
// request as a child span. Spans name the command only: keys and values hold session ids and
// tokens, so they are never recorded.
func (t *Tracer) RedisHook() redis.Hook { return redisHook{t} }

type redisHook struct{ t *Tracer }

func (h redisHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h redisHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if !inTrace(ctx) {
			return next(ctx, cmd)
		}
		ctx, span := h.start(ctx, cmd.Name())
		err := next(ctx, cmd)
		end(span, err)
		return err
	}
}

func (h redisHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if !inTrace(ctx) {
			return next(ctx, cmds)
		}
		ctx, span := h.start(ctx, "pipeline")
		span.SetAttributes(attribute.Int("db.operation.batch.size", len(cmds)))
		err := next(ctx, cmds)
		end(span, err)
		return err
	}
}

func (h redisHook) start(ctx context.Context, op string) (context.Context, trace.Span) {
	return h.t.tracer.Start(ctx, "redis "+op, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(
		attribute.String("db.system", "redis"), attribute.String("db.operation", op)))
}

func end(span trace.Span, err error) {
	if err != nil && !errors.Is(err, redis.Nil) {
		span.RecordError(err)
		span.SetStatus(codes.Error, "command failed")
	}
	span.End()
}
