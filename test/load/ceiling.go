package load

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/redis/go-redis/v9"
)

// Ceiling paths: what the minimal server does per request.
const (
	CeilingNothing = "/nothing" // (a) answer a fixed JSON body
	CeilingRedis   = "/redis"   // (b) one Redis GET, its value as the body
	CeilingMySQL   = "/mysql"   // (c) one MariaDB primary-key read, the row as JSON
)

// ceilingKey is the Redis key the (b) handler reads.
const ceilingKey = "ceiling:value"

// CeilingHandler is the minimal server the ceiling runs measure: the least work a request of each
// class can cost on this machine, with the same HTTP stack, JSON and clients as Ternant uses, and
// nothing else (no auth, logging or metrics). rdb and db may be nil for a server without them.
// rowID is the primary key the (c) handler reads from companies.
func CeilingHandler(ctx context.Context, rdb *redis.Client, db *sql.DB, rowID string) (http.Handler, error) {
	value := []byte(`{"data":{"totalUnits":12,"occupiedUnits":9,"vacantUnits":3,"occupancyRate":75,"activeTenants":9}}`)
	if rdb != nil {
		if err := rdb.Set(ctx, ceilingKey, value, 0).Err(); err != nil {
			return nil, fmt.Errorf("ceiling: set %s: %w", ceilingKey, err)
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+CeilingNothing, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(value)
	})
	mux.HandleFunc("GET "+CeilingRedis, func(w http.ResponseWriter, r *http.Request) {
		b, err := rdb.Get(r.Context(), ceilingKey).Bytes()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(b)
	})
	mux.HandleFunc("GET "+CeilingMySQL, func(w http.ResponseWriter, r *http.Request) {
		var row struct {
			ID   string `json:"id"`
			Name string `json:"name"`
			Slug string `json:"slug"`
		}
		err := db.QueryRowContext(r.Context(), `SELECT id, name, slug FROM companies WHERE id = ?`, rowID).
			Scan(&row.ID, &row.Name, &row.Slug)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_ = json.NewEncoder(w).Encode(row)
	})
	return mux, nil
}
