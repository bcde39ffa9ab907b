// Package config reads the server's typed settings from the environment. Every variable has a
// default suitable for development; invalid values fail at start with one line that names the
// variable, says what is wrong and gives the expected form.
package config

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Environment names the deployment environment (NODE_ENV or APP_ENV).
type Environment string

// The environments TernantApp knows.
const (
	Development Environment = "development"
	Production  Environment = "production"
	Test        Environment = "test"
)

// DevSecret is the JWT secret used in development when none is set. Production refuses it.
const DevSecret = "ternant-development-secret-change-me-0123456789"

// Config is every setting of `ternant serve`.
type Config struct {
	Env       Environment
	Port      int
	APIPrefix string

	DB    Database
	Redis Redis

	JWTSecret        string
	JWTRefreshSecret string
	SessionSecret    string
	BcryptCost       int

	CacheTTL          time.Duration
	DashboardCacheTTL time.Duration
	// ListCacheTTL bounds the cached list pages and counts; 0 turns that cache off.
	ListCacheTTL  time.Duration
	ThrottleTTL   time.Duration
	ThrottleLimit int
	LoginLimit    int

	CORSOrigins    []string
	TrustedProxies []netip.Prefix

	LogLevel     string
	LogDir       string
	MetricsToken string
	// MetricsRefresh is how often the per-company business gauges are recomputed.
	MetricsRefresh time.Duration

	ShutdownTimeout time.Duration
	MaxBodyBytes    int64

	Mail Mail

	Tracing Tracing
}

// Database holds the MySQL connection settings. DSN is empty when no database is configured,
// which selects the embedded development engine.
type Database struct {
	DSN            string
	PoolSize       int
	AcquireTimeout time.Duration
	// ConnectTimeout bounds opening a connection (the DSN's timeout, unless the DSN sets one).
	ConnectTimeout time.Duration
	// QueryTimeout bounds each statement once it has a connection; a statement past it fails with
	// 503, so a hung database cannot hold requests.
	QueryTimeout time.Duration
}

// Embedded reports whether no database was configured.
func (d Database) Embedded() bool { return d.DSN == "" }

// Redis holds the Redis connection settings. Addr is empty when no Redis is configured.
type Redis struct {
	Addr     string
	Password string
	DB       int
	Username string
	TLS      bool
	// ConnectTimeout bounds opening a connection.
	ConnectTimeout time.Duration
	// Timeout bounds each command: the wait for a pooled connection, the write and the read.
	Timeout time.Duration
}

// Configured reports whether a Redis server was named.
func (r Redis) Configured() bool { return r.Addr != "" }

// Mail holds SMTP settings for reminder delivery. Host empty disables delivery.
type Mail struct {
	Host     string
	Port     int
	User     string
	Password string
	From     string
}

// Var documents one environment variable for --help output.
type Var struct {
	Name, Default, Help string
}

// Vars lists every variable Load reads, in the order --help prints them.
var Vars = []Var{
	{"NODE_ENV / APP_ENV", "development", "development | production | test; production enforces real secrets"},
	{"PORT", "3000", "HTTP port for the API and metrics"},
	{"API_PREFIX", "api", "route prefix; routes are /{API_PREFIX}/v1/..."},
	{"DB_DSN", "", "MySQL DSN (user:pass@tcp(host:port)/db); overrides DATABASE_*"},
	{"DATABASE_HOST", "", "MySQL host; with no DB_DSN and no DATABASE_HOST the embedded dev engine is used"},
	{"DATABASE_PORT", "3306", "MySQL port"},
	{"DATABASE_USERNAME", "root", "MySQL user"},
	{"DATABASE_PASSWORD", "", "MySQL password"},
	{"DATABASE_NAME", "ternant", "MySQL database"},
	{"DB_POOL_SIZE", "20", "maximum open connections (idle = the same)"},
	{"DB_POOL_ACQUIRE_TIMEOUT", "30000", "ms to wait for a pooled connection before answering 503"},
	{"DB_CONNECT_TIMEOUT", "2000", "ms to open a MySQL connection (a DSN's own timeout= wins)"},
	{"DB_QUERY_TIMEOUT", "5000", "ms a statement may run before the request answers 503 (also the socket read/write timeout)"},
	{"REDIS_URL", "", "redis://[user:pass@]host:port/db; overrides REDIS_HOST"},
	{"REDIS_HOST", "", "Redis host; unset means an in-process store (development only)"},
	{"REDIS_PORT", "6379", "Redis port"},
	{"REDIS_PASSWORD", "", "Redis password"},
	{"REDIS_DB", "0", "Redis database number"},
	{"REDIS_CONNECT_TIMEOUT", "500", "ms to open a Redis connection"},
	{"REDIS_TIMEOUT", "500", "ms per Redis command (pool wait, write, read); past it sessions answer 503, the cache and rate limit go on without Redis"},
	{"REDIS_TTL", "3600", "default cache TTL in seconds"},
	{"DASHBOARD_CACHE_TTL", "300", "dashboard stats cache TTL in seconds; 0 computes the stats on every call"},
	{"LIST_CACHE_TTL", "300", "list pages and X-Total-Count cache TTL in seconds (writes drop them earlier); 0 turns it off"},
	{"JWT_SECRET", "(dev default)", "access-token HMAC secret; at least 32 bytes in production"},
	{"JWT_REFRESH_SECRET", "(dev default)", "refresh-token HMAC secret; at least 32 bytes in production, distinct from JWT_SECRET"},
	{"SESSION_SECRET", "(dev default)", "session secret; at least 32 bytes in production"},
	{"BCRYPT_COST", "12", "bcrypt cost for new password hashes (4-31)"},
	{"THROTTLE_TTL", "60", "rate-limit window in seconds"},
	{"THROTTLE_LIMIT", "100", "requests per window per client"},
	{"THROTTLE_LOGIN_LIMIT", "5", "login attempts per minute per IP and email"},
	{"CORS_ORIGINS", "", "comma-separated allowed origins (empty: none)"},
	{"TRUSTED_PROXIES", "", "comma-separated IPs/CIDRs whose X-Forwarded-For is believed"},
	{"LOG_LEVEL", "info", "debug | info | warn | error"},
	{"LOG_DIR", "", "also write rotating error.log, warn.log, combined.log here"},
	{"METRICS_TOKEN", "", "if set, /metrics requires Authorization: Bearer <token>"},
	{"METRICS_REFRESH_INTERVAL", "30", "seconds between refreshes of the per-company business gauges"},
	{"SHUTDOWN_TIMEOUT", "15", "seconds to finish in-flight requests after SIGTERM"},
	{"MAX_BODY_BYTES", "1048576", "largest accepted request body"},
	{"MAIL_HOST, MAIL_PORT, MAIL_USER, MAIL_PASSWORD, MAIL_FROM", "", "SMTP for reminders; MAIL_HOST unset disables delivery"},
	{"OTEL_EXPORTER_OTLP_ENDPOINT", "", "OTLP collector base URL (e.g. http://otel-collector:4318); set = OpenTelemetry tracing on"},
	{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "", "full OTLP traces URL; overrides OTEL_EXPORTER_OTLP_ENDPOINT"},
	{"OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf", "OTLP transport: http/protobuf (port 4318) or grpc (port 4317)"},
	{"OTEL_SERVICE_NAME", "ternant", "service.name of the exported spans"},
	{"OTEL_SDK_DISABLED", "false", "true turns tracing off even with an endpoint set"},
}

// Load reads the configuration from the process environment.
func Load() (*Config, error) { return LoadFrom(os.LookupEnv) }

// LoadFrom reads the configuration through lookup, so tests need not touch the environment.
func LoadFrom(lookup func(string) (string, bool)) (*Config, error) {
	r := reader{lookup: lookup}
	c := &Config{}

	env := r.str("APP_ENV", "")
	if env == "" {
		env = r.str("NODE_ENV", string(Development))
	}
	switch Environment(env) {
	case Development, Production, Test:
		c.Env = Environment(env)
	default:
		r.fail("NODE_ENV", env, "unknown environment", "development, production or test")
	}

	c.Port = r.intRange("PORT", 3000, 1, 65535)
	c.APIPrefix = strings.Trim(r.str("API_PREFIX", "api"), "/")
	if c.APIPrefix == "" || strings.ContainsAny(c.APIPrefix, " ?#") {
		r.fail("API_PREFIX", c.APIPrefix, "not a path segment", "a path such as api")
	}

	c.DB.DSN = r.databaseDSN()
	c.DB.PoolSize = r.intRange("DB_POOL_SIZE", 20, 1, 10000)
	c.DB.AcquireTimeout = time.Duration(r.intRange("DB_POOL_ACQUIRE_TIMEOUT", 30000, 1, 3600000)) * time.Millisecond

	c.DB.ConnectTimeout = time.Duration(r.intRange("DB_CONNECT_TIMEOUT", 2000, 1, 600000)) * time.Millisecond
	c.DB.QueryTimeout = time.Duration(r.intRange("DB_QUERY_TIMEOUT", 5000, 1, 3600000)) * time.Millisecond

	c.Redis = r.redis()
	c.Redis.ConnectTimeout = time.Duration(r.intRange("REDIS_CONNECT_TIMEOUT", 500, 1, 600000)) * time.Millisecond
	c.Redis.Timeout = time.Duration(r.intRange("REDIS_TIMEOUT", 500, 1, 600000)) * time.Millisecond

	c.CacheTTL = time.Duration(r.intRange("REDIS_TTL", 3600, 1, 30*86400)) * time.Second
	c.DashboardCacheTTL = time.Duration(r.intRange("DASHBOARD_CACHE_TTL", 300, 0, 86400)) * time.Second
	c.ListCacheTTL = time.Duration(r.intRange("LIST_CACHE_TTL", 300, 0, 86400)) * time.Second
	c.ThrottleTTL = time.Duration(r.intRange("THROTTLE_TTL", 60, 1, 86400)) * time.Second
	c.ThrottleLimit = r.intRange("THROTTLE_LIMIT", 100, 1, 1000000)
	c.LoginLimit = r.intRange("THROTTLE_LOGIN_LIMIT", 5, 1, 1000000)
	c.BcryptCost = r.intRange("BCRYPT_COST", 12, 4, 31)

	c.JWTSecret = r.str("JWT_SECRET", "")
	c.JWTRefreshSecret = r.str("JWT_REFRESH_SECRET", "")
	c.SessionSecret = r.str("SESSION_SECRET", "")
	r.secrets(c)

	c.CORSOrigins = r.origins("CORS_ORIGINS")
	c.TrustedProxies = r.prefixes("TRUSTED_PROXIES")

	c.LogLevel = strings.ToLower(r.str("LOG_LEVEL", "info"))
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		r.fail("LOG_LEVEL", c.LogLevel, "unknown level", "debug, info, warn or error")
	}
	c.LogDir = r.str("LOG_DIR", "")
	c.MetricsToken = r.str("METRICS_TOKEN", "")
	c.MetricsRefresh = time.Duration(r.intRange("METRICS_REFRESH_INTERVAL", 30, 1, 86400)) * time.Second
	c.ShutdownTimeout = time.Duration(r.intRange("SHUTDOWN_TIMEOUT", 15, 1, 3600)) * time.Second
	c.MaxBodyBytes = int64(r.intRange("MAX_BODY_BYTES", 1<<20, 1024, 1<<30))

	c.Mail = Mail{
		Host:     r.str("MAIL_HOST", ""),
		Port:     r.intRange("MAIL_PORT", 587, 1, 65535),
		User:     r.str("MAIL_USER", ""),
		Password: r.str("MAIL_PASSWORD", ""),
		From:     r.str("MAIL_FROM", "Ternant <no-reply@ternant.local>"),
	}

	c.Tracing = r.tracing()

	if r.err != nil {
		return nil, r.err
	}
	return c, nil
}

// Addr is the listen address for the HTTP server.
func (c *Config) Addr() string { return ":" + strconv.Itoa(c.Port) }

// reader collects the first error so Load reports one clear line.
type reader struct {
	lookup func(string) (string, bool)
	err    error
}

func (r *reader) fail(name, value, problem, expected string) {
	if r.err == nil {
		r.err = fmt.Errorf("config: %s=%q: %s; expected %s", name, value, problem, expected)
	}
}

func (r *reader) str(name, def string) string {
	if v, ok := r.lookup(name); ok {
		return strings.TrimSpace(v)
	}
	return def
}

func (r *reader) intRange(name string, def, lo, hi int) int {
	s := r.str(name, "")
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		r.fail(name, s, "not an integer", fmt.Sprintf("an integer from %d to %d", lo, hi))
		return def
	}
	if n < lo || n > hi {
		r.fail(name, s, "out of range", fmt.Sprintf("an integer from %d to %d", lo, hi))
		return def
	}
	return n
}

func (r *reader) databaseDSN() string {
	if dsn := r.str("DB_DSN", ""); dsn != "" {
		return dsn
	}
	host := r.str("DATABASE_HOST", "")
	if host == "" {
		return ""
	}
	port := r.intRange("DATABASE_PORT", 3306, 1, 65535)
	user := r.str("DATABASE_USERNAME", "root")
	pass := r.str("DATABASE_PASSWORD", "")
	name := r.str("DATABASE_NAME", "ternant")
	if strings.ContainsAny(name, "/?` ") {
		r.fail("DATABASE_NAME", name, "not a database name", "letters, digits and underscores")
	}
	cred := user
	if pass != "" {
		cred += ":" + pass
	}
	return fmt.Sprintf("%s@tcp(%s)/%s", cred, net.JoinHostPort(host, strconv.Itoa(port)), name)
}

func (r *reader) redis() Redis {
	if raw := r.str("REDIS_URL", ""); raw != "" {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") || u.Host == "" {
			r.fail("REDIS_URL", raw, "not a Redis URL", "redis://[user:password@]host:port[/db]")
			return Redis{}
		}
		red := Redis{Addr: u.Host, TLS: u.Scheme == "rediss"}
		if u.Port() == "" {
			red.Addr = net.JoinHostPort(u.Hostname(), "6379")
		}
		if u.User != nil {
			red.Username = u.User.Username()
			red.Password, _ = u.User.Password()
		}
		if db := strings.Trim(u.Path, "/"); db != "" {
			n, err := strconv.Atoi(db)
			if err != nil || n < 0 || n > 15 {
				r.fail("REDIS_URL", raw, "bad database number", "redis://host:port/N with N from 0 to 15")
			}
			red.DB = n
		}
		return red
	}
	host := r.str("REDIS_HOST", "")
	if host == "" {
		return Redis{}
	}
	return Redis{
		Addr:     net.JoinHostPort(host, strconv.Itoa(r.intRange("REDIS_PORT", 6379, 1, 65535))),
		Password: r.str("REDIS_PASSWORD", ""),
		DB:       r.intRange("REDIS_DB", 0, 0, 15),
	}
}

// minSecretLen is the shortest HMAC secret production accepts (HS256 wants 256 bits).
const minSecretLen = 32

func (r *reader) secrets(c *Config) {
	if c.Env != Production {
		if c.JWTSecret == "" {
			c.JWTSecret = DevSecret
		}
		if c.JWTRefreshSecret == "" {
			c.JWTRefreshSecret = DevSecret + "-refresh"
		}
		if c.SessionSecret == "" {
			c.SessionSecret = DevSecret + "-session"
		}
		return
	}
	for _, s := range []struct{ name, value string }{
		{"JWT_SECRET", c.JWTSecret}, {"JWT_REFRESH_SECRET", c.JWTRefreshSecret}, {"SESSION_SECRET", c.SessionSecret},
	} {
		switch {
		case s.value == "":
			r.fail(s.name, "", "required in production", fmt.Sprintf("a random secret of at least %d bytes", minSecretLen))
		case len(s.value) < minSecretLen:
			r.fail(s.name, "<redacted>", fmt.Sprintf("only %d bytes", len(s.value)), fmt.Sprintf("a random secret of at least %d bytes", minSecretLen))
		case weakSecret(s.value):
			r.fail(s.name, "<redacted>", "a known default", "a random secret of at least 32 bytes")
		}
	}
	if r.err == nil && c.JWTSecret == c.JWTRefreshSecret {
		r.fail("JWT_REFRESH_SECRET", "<redacted>", "equal to JWT_SECRET", "a different secret, so a refresh token can never pass as an access token")
	}
	if c.DB.Embedded() {
		r.fail("DB_DSN", "", "no database configured in production", "DB_DSN or DATABASE_HOST naming a MySQL server")
	}
}

// weakSecret catches the defaults shipped in TernantApp's examples and this project's dev secret.
func weakSecret(s string) bool {
	l := strings.ToLower(s)
	for _, bad := range []string{"ternant-development-secret", "change-me", "changeme", "your-secret", "your_jwt_secret", "secret-key"} {
		if strings.Contains(l, bad) {
			return true
		}
	}
	return false
}

// parsePrefixes parses a comma-separated list of IPs and CIDRs.
func parsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if strings.Contains(part, "/") {
			p, err := netip.ParsePrefix(part)
			if err != nil {
				return nil, fmt.Errorf("%q: %w", part, err)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(part)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", part, err)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

func (r *reader) prefixes(name string) []netip.Prefix {
	s := r.str(name, "")
	p, err := parsePrefixes(s)
	if err != nil {
		r.fail(name, s, "not an IP or CIDR list", "comma-separated addresses or CIDRs such as 10.0.0.0/8,127.0.0.1")
	}
	return p
}

func (r *reader) origins(name string) []string {
	s := r.str(name, "")
	var out []string
	for _, o := range strings.Split(s, ",") {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		if o != "*" {
			u, err := url.Parse(o)
			if err != nil || u.Scheme == "" || u.Host == "" || (u.Path != "" && u.Path != "/") {
				r.fail(name, s, fmt.Sprintf("%q is not an origin", o), "comma-separated origins such as https://app.example.com")
				return nil
			}
			o = strings.TrimSuffix(o, "/")
		}
		out = append(out, o)
	}
	return out
}
