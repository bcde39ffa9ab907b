package redisclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func TestUnavailableTellsFailuresFromAnswers(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"missing key", redis.Nil, false},
		{"caller left", context.Canceled, false},
		{"deadline", context.DeadlineExceeded, true},
		{"connection reset", io.EOF, true},
		{"refused", &net.OpError{Op: "dial", Err: errors.New("connection refused")}, true},
		{"pool timeout", redis.ErrPoolTimeout, true},
		{"wrapped refusal", fmt.Errorf("read session: %w", io.EOF), true},
	}
	for _, c := range cases {
		if got := Unavailable(c.err); got != c.want {
			t.Errorf("%s: Unavailable(%v) = %v, want %v", c.name, c.err, got, c.want)
		}
	}
}

// frozenServer accepts connections and never answers, as a Redis stopped with SIGSTOP does (the
// kernel still completes the TCP handshake).
func frozenServer(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().String()
}

// closedPort is a loopback port nothing listens on (connection refused, as a stopped Redis).
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// Every command returns within the configured timeout, marked ErrUnavailable, whether Redis is
// stopped or frozen; no retry doubles the wait.
func TestCommandsAreBoundedAndMarked(t *testing.T) {
	const timeout = 200 * time.Millisecond
	for _, c := range []struct{ name, addr string }{
		{"stopped (real closed port)", closedPort(t)},
		{"frozen (real listener that never answers)", frozenServer(t)},
	} {
		t.Run(c.name, func(t *testing.T) {
			rdb := New(Options{Addr: c.addr, ConnectTimeout: timeout, Timeout: timeout})
			defer rdb.Close()
			ctx := context.Background()
			start := time.Now()
			err := rdb.Get(ctx, "k").Err()
			took := time.Since(start)
			if !errors.Is(err, ErrUnavailable) {
				t.Errorf("GET = %v, want ErrUnavailable", err)
			}
			if took > 3*timeout {
				t.Errorf("GET took %s with a %s timeout", took, timeout)
			}
			p := rdb.Pipeline()
			get := p.Get(ctx, "k")
			p.Exists(ctx, "k")
			_, err = p.Exec(ctx)
			if !errors.Is(err, ErrUnavailable) || !errors.Is(get.Err(), ErrUnavailable) {
				t.Errorf("pipeline = %v / %v, want ErrUnavailable on both", err, get.Err())
			}
		})
	}
}
