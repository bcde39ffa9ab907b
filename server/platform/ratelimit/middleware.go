package ratelimit

import (
	"net/http"

	"github.com/ternant/ternant/server/httpx"
)

// TooManyMessage is the 429 message (NestJS throttler's wording).
const TooManyMessage = "ThrottlerException: Too Many Requests"

// Middleware limits each client to lim: key names the client of a request. Every response it lets
// through carries X-RateLimit-*; a rejection is 429 with Retry-After as well. onReject, if set, is
// called for each rejection (metrics).
func (l *Limiter) Middleware(lim Limit, key func(*http.Request) string, onReject func()) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		if lim.Rate <= 0 {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodOptions {
				next.ServeHTTP(w, r)
				return
			}
			res := l.Allow(r.Context(), "http:"+key(r), lim)
			res.SetHeaders(w.Header())
			if !res.Allowed {
				if onReject != nil {
					onReject()
				}
				httpx.WriteError(w, r, httpx.NewError(http.StatusTooManyRequests, TooManyMessage))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}
