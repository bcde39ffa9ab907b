package ratelimit

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ternant/ternant/internal/testenv"
)

func BenchmarkInProcessDecision(b *testing.B) {
	m := newMemory(time.Now)
	lim := Limit{Rate: 1 << 30, Period: time.Minute}
	for b.Loop() {
		m.allow("user:1", lim)
	}
}

// BenchmarkRedisDecision is one GCRA decision in Redis (one round trip).
func BenchmarkRedisDecision(b *testing.B) {
	addr := testenv.RedisAddr(b)
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	l := New(rdb, testenv.RedisPrefix(b, addr), nil)
	lim := Limit{Rate: 1 << 30, Period: time.Minute}
	ctx := context.Background()
	for b.Loop() {
		if r := l.Allow(ctx, "user:1", lim); !r.Allowed {
			b.Fatal("denied")
		}
	}
}
