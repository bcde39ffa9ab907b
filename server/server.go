// Package server wires the REST API: configuration -> stores -> domain modules -> router, and runs
// it with graceful shutdown.
package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/cors"
	"github.com/redis/go-redis/v9"
	"go.opentelemetry.io/otel/trace"

	"github.com/ternant/ternant/migrations"
	"github.com/ternant/ternant/server/apidoc"
	"github.com/ternant/ternant/server/auth"
	"github.com/ternant/ternant/server/config"
	"github.com/ternant/ternant/server/health"
	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/platform/cache"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/metrics"
	"github.com/ternant/ternant/server/platform/ratelimit"
	"github.com/ternant/ternant/server/platform/redisclient"
	"github.com/ternant/ternant/server/platform/tracing"
	"github.com/ternant/ternant/server/seed"
	"github.com/ternant/ternant/version"
)

// Options are the choices `ternant serve` makes beyond the environment.
type Options struct {
	// Migrate applies pending migrations at start (always true on the embedded engine).
	Migrate bool
	// RedisKeyPrefix namespaces every Redis key (tests sharing one Redis use it).
	RedisKeyPrefix string
	// TracerProvider, when set, receives the server's spans in place of the one the OTEL_*
	// settings describe (tests record spans with it).
	TracerProvider trace.TracerProvider
	// StartEmbedded starts the in-process development stores when no database is configured. The
	// command passes embedded.Start; leaving it nil keeps the engine out of binaries (and test
	// binaries) that never need it.
	StartEmbedded func(ctx context.Context, dbName string) (EmbeddedStores, error)
}

// EmbeddedStores are the running in-process development stores.
type EmbeddedStores struct {
	DSN       string
	RedisAddr string
	io.Closer
}

// Server is the assembled API.
type Server struct {
	Config *config.Config
	Log    *slog.Logger
	DB     *db.DB
	Redis  *redis.Client
	// Cache is the Redis cache-aside layer (it bypasses Redis when none is configured or reachable).
	Cache *cache.Cache
	// Handler is the complete HTTP handler (API, health probes, metrics).
	Handler http.Handler
	// KeyPrefix namespaces every Redis key this server writes ("" in production).
	KeyPrefix string
	// Auth authenticates requests and issues sessions.
	Auth *auth.Service
	// Limiter is the request and login rate limiter.
	Limiter *ratelimit.Limiter
	// TracerProvider is where spans go: noop.TracerProvider unless tracing is configured.
	TracerProvider trace.TracerProvider
	// tracer is nil when tracing is off, and then no tracing hook is installed.
	tracer *tracing.Tracer

	routes  []httpx.Route
	apiDoc  []byte
	closers []io.Closer
}

// New connects the stores and builds the router. With no database configured it starts the
// embedded development engine and Redis, migrates the schema, and says so loudly.
func New(ctx context.Context, cfg *config.Config, log *slog.Logger, opts Options) (*Server, error) {
	s := &Server{Config: cfg, Log: log, KeyPrefix: opts.RedisKeyPrefix}
	ok := false
	defer func() {
		if !ok {
			s.Close()
		}
	}()

	dsn := cfg.DB.DSN
	redisCfg := cfg.Redis
	if cfg.DB.Embedded() {
		if opts.StartEmbedded == nil {
			return nil, fmt.Errorf("no database configured: set DB_DSN or DATABASE_HOST")
		}
		stores, err := opts.StartEmbedded(ctx, "ternant")
		if err != nil {
			return nil, err
		}
		s.closers = append(s.closers, stores)
		dsn = stores.DSN
		if !redisCfg.Configured() {
			redisCfg.Addr = stores.RedisAddr
		}
		opts.Migrate = true
		log.Warn("EMBEDDED DEVELOPMENT STORES: no DB_DSN/DATABASE_HOST set, using an in-memory MySQL-compatible engine; all data is lost on exit")
		if !cfg.Redis.Configured() {
			log.Warn("EMBEDDED DEVELOPMENT STORES: no REDIS_URL/REDIS_HOST set, using an in-process Redis")
		}
	}

	if opts.Migrate {
		if err := migrateUp(dsn); err != nil {
			return nil, err
		}
	}

	if err := s.setupTracing(ctx, opts.TracerProvider); err != nil {
		return nil, err
	}
	onQuery := metrics.ObserveQuery
	if s.tracer != nil {
		onQuery = func(ctx context.Context, q db.Query) { metrics.ObserveQuery(ctx, q); s.tracer.Query(ctx, q) }
	}
	database, err := db.Open(ctx, dsn, db.Options{
		PoolSize: cfg.DB.PoolSize, AcquireTimeout: cfg.DB.AcquireTimeout, OnQuery: onQuery,
		ConnectTimeout: cfg.DB.ConnectTimeout, QueryTimeout: cfg.DB.QueryTimeout,
	})
	if err != nil {
		return nil, fmt.Errorf("connect database: %w", err)
	}
	s.DB = database
	s.closers = append(s.closers, database, metrics.TrackPool(database))
	if cfg.DB.Embedded() {
		sum, err := seed.Demo(ctx, database, seed.Options{Seed: 1, BcryptCost: cfg.BcryptCost})
		if err != nil {
			return nil, fmt.Errorf("seed embedded demo data: %w", err)
		}
		log.Warn("EMBEDDED DEVELOPMENT STORES: seeded TernantApp's demo data", "rows", sum.String(),
			"login", "owner@sunrise-pm.com / "+seed.DemoPassword, "superAdmin", seed.SuperAdminEmail+" / "+seed.SuperAdminPassword)
	}

	if redisCfg.Configured() {
		s.Redis = redisclient.New(redisclient.Options{
			Addr: redisCfg.Addr, Username: redisCfg.Username, Password: redisCfg.Password, DB: redisCfg.DB,
			TLS: redisCfg.TLS, ConnectTimeout: redisCfg.ConnectTimeout, Timeout: redisCfg.Timeout,
			PoolSize: cfg.DB.PoolSize * 2,
		})
		if s.tracer != nil {
			s.Redis.AddHook(s.tracer.RedisHook())
		}
		s.closers = append(s.closers, s.Redis)
	}
	s.Cache = cache.New(s.Redis, s.KeyPrefix, log)
	s.closers = append(s.closers, metrics.NewBusiness(s.DB, log).Start(cfg.MetricsRefresh))

	modules, err := s.wire()
	if err != nil {
		return nil, err
	}
	s.Handler = s.router(modules)
	ok = true
	return s, nil
}

// setupTracing chooses the tracer provider (the given one, else the configured OTLP exporter, else
// none) and, when spans are recorded, the tracer the hooks use. The provider is closed last, so
// spans still buffered at shutdown are flushed.
func (s *Server) setupTracing(ctx context.Context, tp trace.TracerProvider) error {
	if tp == nil {
		var closer io.Closer
		var err error
		tc := s.Config.Tracing
		tp, closer, err = tracing.Setup(ctx, tracing.Options{Endpoint: tc.Endpoint, GRPC: tc.Protocol == config.ProtocolGRPC,
			ServiceName: tc.ServiceName, ServiceVersion: version.Version})
		if err != nil {
			return err
		}
		s.closers = append(s.closers, closer)
	}
	s.TracerProvider = tp
	if tracing.Enabled(tp) {
		s.tracer = tracing.New(tp)
		s.Log.Info("tracing on", "endpoint", s.Config.Tracing.Endpoint, "protocol", s.Config.Tracing.Protocol, "service", s.Config.Tracing.ServiceName)
	}
	return nil
}

func migrateUp(dsn string) error {
	m, err := db.NewMigrator(dsn, migrations.FS)
	if err != nil {
		return err
	}
	defer m.Close()
	if err := m.Up(); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// redisPinger adapts the Redis client to health.Pinger.
type redisPinger struct{ c *redis.Client }

func (p redisPinger) Ping(ctx context.Context) error { return p.c.Ping(ctx).Err() }

// router mounts the health probes, /metrics, the API document and every module's routes behind
// the middleware chain.
func (s *Server) router(domains []httpx.Module) http.Handler {
	cfg := s.Config
	hh := &health.Handler{DB: s.DB, Started: time.Now(), Version: version.Version}
	if s.Redis != nil {
		hh.Redis = redisPinger{s.Redis}
	}
	mh := metrics.NewHandler(cfg.MetricsToken)
	modules := append([]httpx.Module{hh, mh}, domains...)
	for _, m := range modules {
		s.routes = append(s.routes, m.Routes()...)
	}

	r := chi.NewRouter()
	// Metrics (and the trace span, through the metrics hook) sit outside everything that can answer
	// a request, so every response is counted.
	var traced metrics.RequestHook
	if s.tracer != nil {
		traced = s.tracer.Request
	}
	r.Use(httpx.Recover, metrics.HTTP(r, traced), httpx.RequestIDs, httpx.RealIP(cfg.TrustedProxies), httpx.SecurityHeaders)
	r.Use(cors.Handler(cors.Options{
		AllowedOrigins:   cfg.CORSOrigins,
		AllowedMethods:   []string{"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"},
		AllowedHeaders:   []string{"Authorization", "Content-Type", "Idempotency-Key", "X-Request-Id"},
		ExposedHeaders:   []string{"X-Total-Count", "X-Request-Id", "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"},
		AllowCredentials: true,
		MaxAge:           600,
	}))
	r.Use(httpx.AccessLog(s.Log), httpx.MaxBody(cfg.MaxBodyBytes))
	r.NotFound(metrics.Unmatched(httpx.NotFoundHandler))
	r.MethodNotAllowed(metrics.Unmatched(httpx.NotFoundHandler))

	r.Get("/healthz", hh.Live)
	r.Get("/readyz", hh.Ready)
	r.Method(http.MethodGet, metrics.Path, mh)

	docs, err := apidoc.NewHandler(apidoc.Build(s.routes, cfg.APIPrefix, version.Version), cfg.APIPrefix)
	if err != nil {
		panic(fmt.Sprintf("build API document: %v", err)) // the embedded page is missing: a broken build
	}
	s.apiDoc = docs.Spec()
	r.Get("/"+cfg.APIPrefix+"/docs", docs.ServePage)
	r.Get("/"+cfg.APIPrefix+"/docs-json", docs.ServeSpec)
	r.Get("/"+cfg.APIPrefix+"/docs/assets/{file}", docs.ServeAsset)

	r.Route("/"+cfg.APIPrefix+"/v1", func(api chi.Router) {
		api.Use(s.rateLimit())
		api.NotFound(metrics.Unmatched(httpx.NotFoundHandler))
		api.MethodNotAllowed(metrics.Unmatched(httpx.NotFoundHandler))
		for _, rt := range s.routes {
			api.With(s.guard(rt.Access)).Method(rt.Method, rt.Pattern, rt.Handler)
		}
	})
	return r
}

// APIDocument returns the OpenAPI document generated from the route table.
func (s *Server) APIDocument() []byte { return s.apiDoc }

// Routes returns the API route table (patterns relative to /{prefix}/v1).
func (s *Server) Routes() []httpx.Route { return s.routes }

// Close releases the stores.
func (s *Server) Close() error {
	var errs []error
	for i := len(s.closers) - 1; i >= 0; i-- {
		errs = append(errs, s.closers[i].Close())
	}
	s.closers = nil
	return errors.Join(errs...)
}

// Run serves on l until ctx is cancelled (SIGTERM), then stops accepting connections and waits up
// to the shutdown timeout for in-flight requests.
func (s *Server) Run(ctx context.Context, l net.Listener) error {
	hs := &http.Server{
		Handler:           s.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.Log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(l) }()
	s.Log.Info("listening", "addr", l.Addr().String(), "prefix", "/"+s.Config.APIPrefix+"/v1", "version", version.String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.Log.Info("shutting down", "timeout", s.Config.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), s.Config.ShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	return nil
}
