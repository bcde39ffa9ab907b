package server

import (
	"net/http"
	"slices"

	"github.com/go-chi/cors"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/platform/ratelimit"
)

// opsRateLimit limits the probes, /metrics and the API document to THROTTLE_LIMIT per THROTTLE_TTL
// per client IP, counted apart from the API's limit.
func (s *Server) opsRateLimit() func(http.Handler) http.Handler {
	lim := ratelimit.Limit{Rate: s.Config.ThrottleLimit, Period: s.Config.ThrottleTTL}
	return s.Limiter.Middleware(lim, func(r *http.Request) string { return "ops:ip:" + httpx.ClientIP(r.Context()) }, nil)
}

// corsHandler answers cross-origin requests from the allowed origins only. No origins means no
// CORS headers at all (browsers then refuse cross-origin reads); "*" allows any origin but never
// with credentials, so a foreign page can never make a browser send its cookies or read answers
// meant for its user.
func corsHandler(origins []string) func(http.Handler) http.Handler {
	if len(origins) == 0 {
		return nil
	}
	return cors.Handler(cors.Options{
		AllowedOrigins:   origins,
		AllowedMethods:   []string{"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"},
		AllowedHeaders:   []string{"Authorization", "Content-Type", "Idempotency-Key", "X-Request-Id"},
		ExposedHeaders:   []string{"X-Total-Count", "X-Request-Id", "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"},
		AllowCredentials: !slices.Contains(origins, "*"),
		MaxAge:           600,
	})
}
