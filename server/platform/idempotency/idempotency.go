// Package idempotency makes a POST safe to retry: a request sent with an Idempotency-Key header
// runs once per company, scope and key, in the same transaction as the work it guards. A retry with
// the same key and the same request replays the first response without changing anything; the same
// key with a different request is 422. Concurrent retries serialise on the key's row, so exactly one
// of them does the work.
package idempotency

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/platform/db"
)

// Store runs idempotent writes over the idempotency_keys table; it is the httpx.Once the
// Idempotent adapter uses.
type Store struct{ DB *db.DB }

// New returns the store over database.
func New(database *db.DB) *Store { return &Store{DB: database} }

// Do is Run over the store's database.
func (s *Store) Do(ctx context.Context, companyID, scope, key string, request json.RawMessage, status int,
	fn func(tx *db.Tx) (any, error)) (httpx.Replay, error) {
	return Run(ctx, s.DB, companyID, scope, key, request, status, fn)
}

// Run executes fn in one transaction and answers with its result encoded as JSON with status.
// With a key, the key's row is inserted first in that transaction: a concurrent request with the
// same key waits on it, then replays what the first one stored. A failing fn rolls the key back
// with everything else, so a retry runs again. request is the decoded request (plus anything from
// the path that identifies it), whose canonical JSON is hashed to recognise a different body.
func Run(ctx context.Context, database *db.DB, companyID, scope, key string, request any, status int,
	fn func(tx *db.Tx) (any, error)) (httpx.Replay, error) {
	var res httpx.Replay
	hash, err := hashOf(scope, request)
	if err != nil {
		return res, err
	}
	if key != "" {
		key = storedKey(key)
	}
	err = database.InTx(ctx, func(tx *db.Tx) error {
		res = httpx.Replay{}
		if key != "" {
			_, err := tx.Exec(ctx, `INSERT INTO idempotency_keys (company_id, idempotency_key, scope, request_hash)
				VALUES (?, ?, ?, ?)`, companyID, key, scope, hash)
			if errors.Is(err, db.ErrConflict) {
				return replay(ctx, tx, companyID, scope, key, hash, &res)
			}
			if err != nil {
				return fmt.Errorf("claim idempotency key: %w", err)
			}
		}
		v, err := fn(tx)
		if err != nil {
			return err
		}
		body, err := encode(v)
		if err != nil {
			return err
		}
		res = httpx.Replay{Status: status, Body: body}
		if key == "" {
			return nil
		}
		_, err = tx.Exec(ctx, `UPDATE idempotency_keys SET status_code = ?, response_body = ?
			WHERE company_id = ? AND scope = ? AND idempotency_key = ?`, status, string(body), companyID, scope, key)
		if err != nil {
			return fmt.Errorf("store idempotent response: %w", err)
		}
		return nil
	})
	return res, err
}

// replay loads the stored response of a key that is already taken. The read shares the lock the
// failed insert took (a shared lock, so waiting retries never deadlock one another) and sees the
// first request's committed response.
func replay(ctx context.Context, tx *db.Tx, companyID, scope, key, hash string, res *httpx.Replay) error {
	var row struct {
		Hash   string         `db:"request_hash"`
		Status sql.NullInt64  `db:"status_code"`
		Body   sql.NullString `db:"response_body"`
	}
	err := tx.Get(ctx, &row, `SELECT request_hash, status_code, response_body FROM idempotency_keys
		WHERE company_id = ? AND scope = ? AND idempotency_key = ? LOCK IN SHARE MODE`, companyID, scope, key)
	if err != nil {
		return fmt.Errorf("load idempotency key: %w", err)
	}
	if row.Hash != hash {
		return httpx.NewError(http.StatusUnprocessableEntity, "Idempotency-Key has already been used with a different request")
	}
	if !row.Status.Valid {
		return httpx.Conflict("A request with this Idempotency-Key is still being processed")
	}
	*res = httpx.Replay{Status: int(row.Status.Int64), Body: []byte(row.Body.String), Replayed: true}
	return nil
}

// hashOf is the SHA-256 of the scope and the request's canonical JSON.
func hashOf(scope string, request any) (string, error) {
	b, err := json.Marshal(request)
	if err != nil {
		return "", fmt.Errorf("hash request: %w", err)
	}
	sum := sha256.Sum256(append([]byte(scope+"\x00"), b...))
	return hex.EncodeToString(sum[:]), nil
}

// encode writes v as httpx.WriteJSON does (compact, no HTML escaping).
func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode response: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// Retention is how long a stored response can be replayed.
const Retention = 24 * time.Hour

// Cleanup deletes keys stored before now - Retention, in batches, and returns how many it deleted.
func Cleanup(ctx context.Context, database *db.DB, now time.Time) (int, error) {
	total := 0
	for {
		res, err := database.Exec(ctx, `DELETE FROM idempotency_keys WHERE created_at < ? LIMIT 1000`, now.Add(-Retention).UTC())
		if err != nil {
			return total, fmt.Errorf("delete expired idempotency keys: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, fmt.Errorf("delete expired idempotency keys: %w", err)
		}
		total += int(n)
		if n < 1000 {
			return total, nil
		}
	}
}

// storedKey is the form a key is stored under: a digest of its exact bytes. The column compares
// under a case- and accent-insensitive collation, so storing keys as sent would make "Pay-1" and
// "pay-1" one key and silently replay a genuine second payment; their digests differ.
func storedKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "sha256:" + hex.EncodeToString(sum[:])
}
