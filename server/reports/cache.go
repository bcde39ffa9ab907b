package reports

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"
)

// cache is a small Redis cache-aside for report results. A Redis failure is logged and bypassed:
// the report is computed, never failed.
type cache struct {
	rdb    *redis.Client
	prefix string
	ttl    time.Duration
	log    *slog.Logger
}

func (c *cache) key(kind, companyID, variant string) string {
	return c.prefix + "reports:" + kind + ":" + companyID + ":" + variant
}

// get loads a cached value into dst and reports whether it was there.
func (c *cache) get(ctx context.Context, key string, dst any) bool {
	if c == nil || c.rdb == nil {
		return false
	}
	b, err := c.rdb.Get(ctx, key).Bytes()
	if err != nil {
		if !errors.Is(err, redis.Nil) {
			c.warn(ctx, "read", err)
		}
		return false
	}
	return json.Unmarshal(b, dst) == nil
}

func (c *cache) set(ctx context.Context, key string, v any) {
	if c == nil || c.rdb == nil {
		return
	}
	b, err := json.Marshal(v)
	if err == nil {
		err = c.rdb.Set(ctx, key, b, c.ttl).Err()
	}
	if err != nil {
		c.warn(ctx, "write", err)
	}
}

// clear deletes every cached report of the company.
func (c *cache) clear(ctx context.Context, companyID string) error {
	if c == nil || c.rdb == nil {
		return nil
	}
	iter := c.rdb.Scan(ctx, 0, c.prefix+"reports:*:"+companyID+":*", 200).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		return fmt.Errorf("scan report cache: %w", err)
	}
	if len(keys) == 0 {
		return nil
	}
	if err := c.rdb.Del(ctx, keys...).Err(); err != nil {
		return fmt.Errorf("clear report cache: %w", err)
	}
	return nil
}

func (c *cache) warn(ctx context.Context, op string, err error) {
	if c.log != nil {
		c.log.WarnContext(ctx, "report cache unavailable, computing directly", "op", op, "err", err)
	}
}
