package auth

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// Failure reasons, the values of auth_failures_total's reason label.
const (
	ReasonInvalidCredentials = "invalid_credentials"
	ReasonInactive           = "inactive"
	ReasonLocked             = "locked"
	ReasonRateLimited        = "rate_limited"
	ReasonInvalidToken       = "invalid_token"
	ReasonExpiredToken       = "expired_token"
	ReasonSessionRevoked     = "session_revoked"
)

// The auth counters live on the default registry once per process: several servers may run in one
// test binary, and registering per server would panic on the second.
var (
	attemptsTotal = promauto.NewCounter(prometheus.CounterOpts{
		Name: "auth_attempts_total",
		Help: "Login and token-refresh attempts.",
	})
	successTotal = promauto.NewCounter(prometheus.CounterOpts{
		Name: "auth_success_total",
		Help: "Successful logins and token refreshes.",
	})
	failuresTotal = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "auth_failures_total",
		Help: "Rejected logins, refreshes and bearer tokens, by reason.",
	}, []string{"reason"})
)

func init() {
	// Pre-create every reason so dashboards and alerts see zeros instead of absent series.
	for _, r := range []string{ReasonInvalidCredentials, ReasonInactive, ReasonLocked, ReasonRateLimited,
		ReasonInvalidToken, ReasonExpiredToken, ReasonSessionRevoked} {
		failuresTotal.WithLabelValues(r)
	}
}

func fail(reason string) { failuresTotal.WithLabelValues(reason).Inc() }

// AttemptsCounter is auth_attempts_total (for tests and dashboards' self-checks).
func AttemptsCounter() prometheus.Counter { return attemptsTotal }

// SuccessCounter is auth_success_total.
func SuccessCounter() prometheus.Counter { return successTotal }

// FailuresCounter is auth_failures_total for one reason.
func FailuresCounter(reason string) prometheus.Counter { return failuresTotal.WithLabelValues(reason) }
