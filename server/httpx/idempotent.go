package httpx

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/ternant/ternant/server/platform/db"
)

// IdempotencyKeyHeader is the request header carrying an idempotency key.
const IdempotencyKeyHeader = "Idempotency-Key"

// ReplayedHeader marks a replayed response.
const ReplayedHeader = "Idempotent-Replayed"

// maxIdempotencyKeyLen is the idempotency_keys.idempotency_key column's length.
const maxIdempotencyKeyLen = 255

// Replay is the response an idempotent write answers with: the first response's status and body,
// and whether this one is a replay of it.
type Replay struct {
	Status   int
	Body     []byte
	Replayed bool
}

// Write sends the response as JSON.
func (rp Replay) Write(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if rp.Replayed {
		w.Header().Set(ReplayedHeader, "true")
	}
	w.WriteHeader(rp.Status)
	_, _ = w.Write(rp.Body)
}

// Once runs a write at most once per company, scope and key (platform/idempotency implements it
// over the idempotency_keys table): fn runs in one transaction with the key's row, and a retry
// with the same key and request replays the stored response. An empty key runs fn once, in a
// transaction, with nothing stored.
type Once interface {
	Do(ctx context.Context, companyID, scope, key string, request json.RawMessage, status int, fn func(tx *db.Tx) (any, error)) (Replay, error)
}

// TxFunc is a write that runs inside the caller's transaction: the caller's company, the {id}
// path parameter ("" on a route without one) and the decoded body.
type TxFunc[T, R any] func(ctx context.Context, tx *db.Tx, companyID, id string, in T) (R, error)

// Idempotent adapts fn to a POST that is safe to retry with an Idempotency-Key header: the key is
// checked, the body decoded strictly, and fn runs through once under scope. The request that a
// key is bound to is the body plus the {id} path parameter. After the transaction commits (and
// after a replay too: the first request may not have got that far, or its process died after
// the commit) committed is called with the caller's company, to drop what the write made stale.
func Idempotent[T, R any](once Once, scope string, status int, fn TxFunc[T, R], committed func(ctx context.Context, companyID string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get(IdempotencyKeyHeader)
		if len(key) > maxIdempotencyKeyLen {
			WriteError(w, r, Invalid(fmt.Sprintf("%s must be shorter than or equal to %d characters", IdempotencyKeyHeader, maxIdempotencyKeyLen)))
			return
		}
		var in T
		if err := Decode(r, &in); err != nil {
			WriteError(w, r, err)
			return
		}
		ctx, company, id := r.Context(), CallerCompany(r), chi.URLParam(r, "id")
		request, err := boundRequest(id, in)
		if err != nil {
			WriteError(w, r, err)
			return
		}
		res, err := once.Do(ctx, company, scope, key, request, status, func(tx *db.Tx) (any, error) {
			return fn(ctx, tx, company, id, in)
		})
		if err != nil {
			WriteError(w, r, err)
			return
		}
		if committed != nil {
			committed(ctx, company)
		}
		res.Write(w)
	}
}

// boundRequest is the canonical JSON a key is bound to: the body, with "id" first when the route
// has one ({"id":…,"amount":…}).
func boundRequest(id string, in any) (json.RawMessage, error) {
	body, err := json.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("encode idempotent request: %w", err)
	}
	if id == "" {
		return body, nil
	}
	idJSON, err := json.Marshal(id)
	if err != nil {
		return nil, fmt.Errorf("encode idempotent request: %w", err)
	}
	out := append([]byte(`{"id":`), idJSON...)
	if string(body) != "{}" {
		out = append(append(out, ','), body[1:]...)
	} else {
		out = append(out, '}')
	}
	return out, nil
}
