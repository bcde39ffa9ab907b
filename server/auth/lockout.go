package auth

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Progressive lockout: this many failed logins lock the account (and, separately, the client IP)
// for that long. Failures are counted over failureWindow from the latest one.
var lockSteps = []struct {
	failures int64
	lock     time.Duration
}{
	{5, 15 * time.Minute},
	{3, 5 * time.Minute},
}

const failureWindow = 30 * time.Minute

// lockout tracks failed logins per account (lowercased email) and per client IP.
type lockout struct {
	rdb    redis.UniversalClient
	prefix string
}

func (l *lockout) keys(email, ip string) (failAcct, failIP, lockAcct, lockIP string) {
	email = strings.ToLower(email)
	return l.prefix + "auth:fail:account:" + email, l.prefix + "auth:fail:ip:" + ip,
		l.prefix + "auth:lock:account:" + email, l.prefix + "auth:lock:ip:" + ip
}

// lockedFor returns how long the account or the IP stays locked (0 when neither is).
func (l *lockout) lockedFor(ctx context.Context, email, ip string) (time.Duration, error) {
	_, _, la, li := l.keys(email, ip)
	p := l.rdb.Pipeline()
	a := p.PTTL(ctx, la)
	b := p.PTTL(ctx, li)
	if _, err := p.Exec(ctx); err != nil {
		return 0, fmt.Errorf("read lockout: %w", err)
	}
	return max(a.Val(), b.Val(), 0), nil
}

// failure records a failed login and returns the lock it triggered (0 for none).
func (l *lockout) failure(ctx context.Context, email, ip string) (time.Duration, error) {
	fa, fi, la, li := l.keys(email, ip)
	p := l.rdb.TxPipeline()
	na := p.Incr(ctx, fa)
	p.Expire(ctx, fa, failureWindow)
	ni := p.Incr(ctx, fi)
	p.Expire(ctx, fi, failureWindow)
	if _, err := p.Exec(ctx); err != nil {
		return 0, fmt.Errorf("count failed login: %w", err)
	}
	var locked time.Duration
	for _, c := range []struct {
		n   int64
		key string
	}{{na.Val(), la}, {ni.Val(), li}} {
		d := lockFor(c.n)
		if d == 0 {
			continue
		}
		if err := l.rdb.Set(ctx, c.key, c.n, d).Err(); err != nil {
			return 0, fmt.Errorf("lock after failed logins: %w", err)
		}
		locked = max(locked, d)
	}
	return locked, nil
}

func lockFor(failures int64) time.Duration {
	for _, s := range lockSteps {
		if failures >= s.failures {
			return s.lock
		}
	}
	return 0
}

// success clears the account's failure count (the IP's count decays on its own, so one good
// login cannot reset an IP that is guessing at other accounts).
func (l *lockout) success(ctx context.Context, email string) error {
	fa, _, _, _ := l.keys(email, "")
	if err := l.rdb.Del(ctx, fa).Err(); err != nil {
		return fmt.Errorf("clear failed logins: %w", err)
	}
	return nil
}
