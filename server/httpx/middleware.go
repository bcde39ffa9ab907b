package httpx

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strings"
	"time"

	"github.com/go-chi/chi/v5/middleware"
)

type ctxKey int

const (
	requestIDKey ctxKey = iota
	clientIPKey
	failureKey
)

// RequestID returns the request's id ("" outside a request).
func RequestID(ctx context.Context) string {
	s, _ := ctx.Value(requestIDKey).(string)
	return s
}

// ClientIP returns the client address decided by RealIP.
func ClientIP(ctx context.Context) string {
	s, _ := ctx.Value(clientIPKey).(string)
	return s
}

// Recover turns a panic into a 500 in TernantApp's shape. A panic below AccessLog was logged
// there, with the request's id, into the server's log; any other is logged here.
func Recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				if _, logged := p.(loggedPanic); !logged {
					slog.ErrorContext(r.Context(), logPanic, "panic", fmt.Sprint(p), "method", r.Method, "path", r.URL.Path,
						"request_id", w.Header().Get("X-Request-Id"), "stack", string(debug.Stack()))
				}
				WriteError(w, r, NewError(http.StatusInternalServerError, "Internal server error"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// loggedPanic is a panic value AccessLog has logged, re-raised for Recover to answer.
type loggedPanic struct{ value any }

// Log messages of failed requests.
const (
	logRequest = "request"
	logPanic   = "panic"
)

// failure holds the cause of a request's 5xx answer until its access-log line is written.
type failure struct{ err error }

// noteFailure records err as the cause of the request's 5xx. Outside AccessLog (a handler tested
// alone) it is logged at once on the default logger.
func noteFailure(ctx context.Context, err error) {
	if f, ok := ctx.Value(failureKey).(*failure); ok {
		f.err = err
		return
	}
	slog.ErrorContext(ctx, "request failed", "err", err, "request_id", RequestID(ctx))
}

// RequestIDs accepts a sane incoming X-Request-Id or makes one, and echoes it on the response.
func RequestIDs(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !validRequestID(id) {
			var b [12]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey, id)))
	})
}

func validRequestID(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, c := range s {
		if !(c == '-' || c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// RealIP decides the client address: the TCP peer, or, when the peer is a trusted proxy, the
// right-most X-Forwarded-For entry that is not itself a trusted proxy.
func RealIP(trusted []netip.Prefix) func(http.Handler) http.Handler {
	isTrusted := func(a netip.Addr) bool {
		for _, p := range trusted {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			host, _, err := net.SplitHostPort(r.RemoteAddr)
			if err != nil {
				host = r.RemoteAddr
			}
			ip := host
			if peer, err := netip.ParseAddr(host); err == nil && len(trusted) > 0 && isTrusted(peer.Unmap()) {
				hops := strings.Split(r.Header.Get("X-Forwarded-For"), ",")
				for i := len(hops) - 1; i >= 0; i-- {
					a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
					if err != nil {
						break
					}
					ip = a.Unmap().String()
					if !isTrusted(a.Unmap()) {
						break
					}
				}
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), clientIPKey, ip)))
		})
	}
}

// SecurityHeaders sets helmet-equivalent headers on every response, errors and 404s included.
func SecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; base-uri 'self'; font-src 'self' data:; form-action 'self'; frame-ancestors 'none'; img-src 'self' data:; object-src 'none'; script-src 'self'; script-src-attr 'none'; style-src 'self'; upgrade-insecure-requests")
		h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains; preload")
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Origin-Agent-Cluster", "?1")
		h.Set("X-DNS-Prefetch-Control", "off")
		h.Set("X-Download-Options", "noopen")
		h.Set("X-Permitted-Cross-Domain-Policies", "none")
		h.Set("X-XSS-Protection", "0")
		next.ServeHTTP(w, r)
	})
}

// AccessLog logs one line per request after it completes. The line of a 5xx carries its cause
// ("err": the whole wrapped chain); a panic is logged with its value and stack, then re-raised for
// Recover to answer. Both are errors, so they reach LOG_DIR's error.log.
func AccessLog(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
			fail := &failure{}
			r = r.WithContext(context.WithValue(r.Context(), failureKey, fail))
			defer func() {
				p := recover()
				if p == nil {
					return
				}
				if p != http.ErrAbortHandler {
					log.LogAttrs(r.Context(), slog.LevelError, logPanic,
						slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", http.StatusInternalServerError),
						slog.String("panic", fmt.Sprint(p)), slog.String("stack", string(debug.Stack())),
						slog.Duration("duration", time.Since(start)),
						slog.String("ip", ClientIP(r.Context())), slog.String("request_id", RequestID(r.Context())))
					p = loggedPanic{p}
				}
				panic(p)
			}()
			next.ServeHTTP(ww, r)
			status := ww.Status()
			if status == 0 {
				status = http.StatusOK
			}
			level := slog.LevelInfo
			switch {
			case status >= 500:
				level = slog.LevelError
			case status >= 400:
				level = slog.LevelWarn
			}
			attrs := []slog.Attr{
				slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", status),
				slog.Int("bytes", ww.BytesWritten()), slog.Duration("duration", time.Since(start)),
				slog.String("ip", ClientIP(r.Context())), slog.String("request_id", RequestID(r.Context())),
			}
			if fail.err != nil {
				attrs = append(attrs, slog.String("err", fail.err.Error()))
			}
			log.LogAttrs(r.Context(), level, logRequest, attrs...)
		})
	}
}

// NotFoundHandler answers unknown routes as Nest does: 404 "Cannot METHOD /path?query", with the
// request target as the client sent it (Express's originalUrl).
func NotFoundHandler(w http.ResponseWriter, r *http.Request) {
	target := r.RequestURI
	if !strings.HasPrefix(target, "/") {
		target = r.URL.RequestURI()
	}
	WriteError(w, r, NotFound(fmt.Sprintf("Cannot %s %s", r.Method, target)))
}
