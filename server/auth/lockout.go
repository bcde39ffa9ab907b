package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Progressive lockout per account: this many failed logins lock it for that long. Failures are
// counted over failureWindow from the latest one.
var lockSteps = []struct {
	failures int64
	lock     time.Duration
}{
	{5, 15 * time.Minute},
	{3, 5 * time.Minute},
}

// A client IP is locked only past ipFailureCeiling failures in the window: far more than the
// honest users behind one NAT mistype in half an hour, far fewer than a guessing run needs.
const (
	ipFailureCeiling = 100
	ipLock           = 15 * time.Minute
)

const failureWindow = 30 * time.Minute

// lockout tracks failed logins per account (its login identity, see loginIdentity) and per client
// IP.
type lockout struct {
	rdb    redis.UniversalClient
	prefix string
}

func (l *lockout) keys(identity, ip string) (failAcct, failIP, lockAcct, lockIP string) {
	return l.prefix + "auth:fail:account:" + identity, l.prefix + "auth:fail:ip:" + ip,
		l.prefix + "auth:lock:account:" + identity, l.prefix + "auth:lock:ip:" + ip
}

// lockedFor returns how long the account or the IP stays locked (0 when neither is).
func (l *lockout) lockedFor(ctx context.Context, identity, ip string) (time.Duration, error) {
	_, _, la, li := l.keys(identity, ip)
	p := l.rdb.Pipeline()
	a := p.PTTL(ctx, la)
	b := p.PTTL(ctx, li)
	if _, err := p.Exec(ctx); err != nil {
		return 0, fmt.Errorf("read lockout: %w", err)
	}
	return max(a.Val(), b.Val(), 0), nil
}

// failure records a failed login and returns the lock it triggered (0 for none).
func (l *lockout) failure(ctx context.Context, identity, ip string) (time.Duration, error) {
	fa, fi, la, li := l.keys(identity, ip)
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
		d   time.Duration
		key string
	}{{na.Val(), lockFor(na.Val()), la}, {ni.Val(), ipLockFor(ni.Val()), li}} {
		if c.d == 0 {
			continue
		}
		if err := l.rdb.Set(ctx, c.key, c.n, c.d).Err(); err != nil {
			return 0, fmt.Errorf("lock after failed logins: %w", err)
		}
		locked = max(locked, c.d)
	}
	return locked, nil
}

// lockFor is an account's lock after failures failed logins.
func lockFor(failures int64) time.Duration {
	for _, s := range lockSteps {
		if failures >= s.failures {
			return s.lock
		}
	}
	return 0
}

// ipLockFor is a client IP's lock after failures failed logins from it.
func ipLockFor(failures int64) time.Duration {
	if failures >= ipFailureCeiling {
		return ipLock
	}
	return 0
}

// success clears the account's failure count (the IP's count decays on its own, so one good
// login cannot reset an IP that is guessing at other accounts).
func (l *lockout) success(ctx context.Context, identity string) error {
	fa, _, _, _ := l.keys(identity, "")
	if err := l.rdb.Del(ctx, fa).Err(); err != nil {
		return fmt.Errorf("clear failed logins: %w", err)
	}
	return nil
}
