package config

import (
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestDefaults(t *testing.T) {
	c, err := LoadFrom(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Port != 3000 || c.APIPrefix != "api" || c.Env != Development {
		t.Errorf("port/prefix/env = %d/%s/%s", c.Port, c.APIPrefix, c.Env)
	}
	if c.DB.PoolSize != 20 || c.DB.AcquireTimeout != 30*time.Second || !c.DB.Embedded() {
		t.Errorf("db = %+v", c.DB)
	}
	if c.ThrottleTTL != time.Minute || c.ThrottleLimit != 100 || c.CacheTTL != time.Hour {
		t.Errorf("throttle/cache = %v %d %v", c.ThrottleTTL, c.ThrottleLimit, c.CacheTTL)
	}
	if c.Redis.Configured() {
		t.Errorf("redis configured by default: %+v", c.Redis)
	}
	if c.JWTSecret == "" || c.JWTSecret == c.JWTRefreshSecret {
		t.Error("development secrets must be set and distinct")
	}
}

func TestDatabaseAndRedisSettings(t *testing.T) {
	c, err := LoadFrom(env(map[string]string{
		"DATABASE_HOST": "db.internal", "DATABASE_PORT": "3307", "DATABASE_USERNAME": "ternant",
		"DATABASE_PASSWORD": "pw", "DATABASE_NAME": "prod",
		"REDIS_URL":       "redis://:secret@cache:6380/2",
		"TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1", "CORS_ORIGINS": "https://a.example.com,https://b.example.com/",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if want := "ternant:pw@tcp(db.internal:3307)/prod"; c.DB.DSN != want {
		t.Errorf("dsn = %q, want %q", c.DB.DSN, want)
	}
	if c.Redis.Addr != "cache:6380" || c.Redis.Password != "secret" || c.Redis.DB != 2 {
		t.Errorf("redis = %+v", c.Redis)
	}
	if len(c.TrustedProxies) != 2 || c.TrustedProxies[1].String() != "127.0.0.1/32" {
		t.Errorf("proxies = %v", c.TrustedProxies)
	}
	if len(c.CORSOrigins) != 2 || c.CORSOrigins[1] != "https://b.example.com" {
		t.Errorf("origins = %v", c.CORSOrigins)
	}
}

func TestInvalidValuesNameTheVariable(t *testing.T) {
	cases := []struct {
		name, value, want string
	}{
		{"PORT", "http", "PORT=\"http\": not an integer; expected an integer from 1 to 65535"},
		{"PORT", "70000", "PORT=\"70000\": out of range"},
		{"NODE_ENV", "staging", "NODE_ENV=\"staging\": unknown environment; expected development, production or test"},
		{"DB_POOL_SIZE", "0", "DB_POOL_SIZE=\"0\": out of range"},
		{"DB_POOL_ACQUIRE_TIMEOUT", "soon", "DB_POOL_ACQUIRE_TIMEOUT=\"soon\": not an integer"},
		{"REDIS_URL", "http://x", "REDIS_URL=\"http://x\": not a Redis URL; expected redis://"},
		{"REDIS_DB", "99", "REDIS_DB=\"99\": out of range"},
		{"THROTTLE_TTL", "-1", "THROTTLE_TTL=\"-1\": out of range"},
		{"THROTTLE_LIMIT", "many", "THROTTLE_LIMIT=\"many\": not an integer"},
		{"REDIS_TTL", "1.5", "REDIS_TTL=\"1.5\": not an integer"},
		{"TRUSTED_PROXIES", "10.0.0.0/33", "TRUSTED_PROXIES=\"10.0.0.0/33\": not an IP or CIDR list"},
		{"CORS_ORIGINS", "example.com", "CORS_ORIGINS=\"example.com\": \"example.com\" is not an origin"},
		{"LOG_LEVEL", "loud", "LOG_LEVEL=\"loud\": unknown level"},
		{"API_PREFIX", "a b", "API_PREFIX=\"a b\": not a path segment"},
		{"OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318", "OTEL_EXPORTER_OTLP_ENDPOINT=\"collector:4318/v1/traces\": not an http(s) URL"},
		{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "ftp://c/v1/traces", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=\"ftp://c/v1/traces\": not an http(s) URL"},
	}
	for _, tc := range cases {
		t.Run(tc.name+"="+tc.value, func(t *testing.T) {
			m := map[string]string{tc.name: tc.value}
			if tc.name == "REDIS_DB" {
				m["REDIS_HOST"] = "localhost"
			}
			_, err := LoadFrom(env(m))
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}

func TestProductionRefusesWeakSecrets(t *testing.T) {
	strong := "k8Fq2Lr9Zt4Wx7Vn1Bc6Mh3Jp0Sd5Gy8Q"
	base := func() map[string]string {
		return map[string]string{
			"NODE_ENV": "production", "DB_DSN": "u:p@tcp(db:3306)/t",
			"JWT_SECRET": strong, "JWT_REFRESH_SECRET": strong + "r", "SESSION_SECRET": strong + "s",
		}
	}
	if _, err := LoadFrom(env(base())); err != nil {
		t.Fatalf("strong secrets refused: %v", err)
	}
	cases := []struct {
		desc string
		edit func(map[string]string)
		want string
	}{
		{"missing JWT secret", func(m map[string]string) { delete(m, "JWT_SECRET") }, "JWT_SECRET=\"\": required in production"},
		{"short refresh secret", func(m map[string]string) { m["JWT_REFRESH_SECRET"] = "short" }, "JWT_REFRESH_SECRET=\"<redacted>\": only 5 bytes"},
		{"dev default", func(m map[string]string) { m["JWT_SECRET"] = DevSecret }, "JWT_SECRET=\"<redacted>\": a known default"},
		{"same secrets", func(m map[string]string) { m["JWT_REFRESH_SECRET"] = strong }, "equal to JWT_SECRET"},
		{"missing session secret", func(m map[string]string) { delete(m, "SESSION_SECRET") }, "SESSION_SECRET"},
		{"no database", func(m map[string]string) { delete(m, "DB_DSN") }, "no database configured in production"},
	}
	for _, tc := range cases {
		t.Run(tc.desc, func(t *testing.T) {
			m := base()
			tc.edit(m)
			_, err := LoadFrom(env(m))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
			if strings.Contains(err.Error(), strong) {
				t.Error("error leaks the secret")
			}
		})
	}
}

func TestTracingSettings(t *testing.T) {
	cases := []struct {
		name         string
		env          map[string]string
		endpoint     string
		service, err string
	}{
		{"off by default", nil, "", "ternant", ""},
		{"base endpoint", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://otel:4318/"}, "http://otel:4318/v1/traces", "ternant", ""},
		{"traces endpoint as given", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://otel:4318",
			"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://traces.example/api/otlp"}, "https://traces.example/api/otlp", "ternant", ""},
		{"service name", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://otel:4318", "OTEL_SERVICE_NAME": "ternant-eu"},
			"http://otel:4318/v1/traces", "ternant-eu", ""},
		{"explicit http/protobuf", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://otel:4318", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf"},
			"http://otel:4318/v1/traces", "ternant", ""},
		{"SDK disabled", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://otel:4318", "OTEL_SDK_DISABLED": "true"}, "", "ternant", ""},
		{"grpc", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://otel:4317", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"},
			"http://otel:4317", "ternant", ""},
		{"http/json refused", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://otel:4318", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"},
			"", "", `OTEL_EXPORTER_OTLP_PROTOCOL="http/json": unsupported OTLP protocol; expected http/protobuf or grpc`},
		{"traces protocol wins", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://otel:4318", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
			"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf"}, "http://otel:4318/v1/traces", "ternant", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := LoadFrom(env(tc.env))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want it to contain %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			wantProto := ""
			if tc.endpoint != "" {
				wantProto = ProtocolHTTP
				if tc.env["OTEL_EXPORTER_OTLP_PROTOCOL"] == ProtocolGRPC && tc.env["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"] == "" {
					wantProto = ProtocolGRPC
				}
			}
			if c.Tracing.Endpoint != tc.endpoint || c.Tracing.Enabled() != (tc.endpoint != "") ||
				c.Tracing.ServiceName != tc.service || c.Tracing.Protocol != wantProto {
				t.Errorf("tracing = %+v (enabled %v), want endpoint %q service %q", c.Tracing, c.Tracing.Enabled(), tc.endpoint, tc.service)
			}
		})
	}
}

func TestDependencyTimeouts(t *testing.T) {
	c, err := LoadFrom(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.DB.ConnectTimeout != 2*time.Second || c.DB.QueryTimeout != 5*time.Second ||
		c.Redis.ConnectTimeout != 500*time.Millisecond || c.Redis.Timeout != 500*time.Millisecond {
		t.Errorf("default timeouts: db %v/%v redis %v/%v", c.DB.ConnectTimeout, c.DB.QueryTimeout, c.Redis.ConnectTimeout, c.Redis.Timeout)
	}
	c, err = LoadFrom(env(map[string]string{"REDIS_URL": "redis://cache:6379", "REDIS_TIMEOUT": "250",
		"REDIS_CONNECT_TIMEOUT": "100", "DB_QUERY_TIMEOUT": "1500", "DB_CONNECT_TIMEOUT": "700"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.DB.ConnectTimeout != 700*time.Millisecond || c.DB.QueryTimeout != 1500*time.Millisecond ||
		c.Redis.ConnectTimeout != 100*time.Millisecond || c.Redis.Timeout != 250*time.Millisecond {
		t.Errorf("set timeouts: db %v/%v redis %v/%v", c.DB.ConnectTimeout, c.DB.QueryTimeout, c.Redis.ConnectTimeout, c.Redis.Timeout)
	}
	if _, err := LoadFrom(env(map[string]string{"REDIS_TIMEOUT": "0"})); err == nil || !strings.Contains(err.Error(), "REDIS_TIMEOUT") {
		t.Errorf("REDIS_TIMEOUT=0: %v", err)
	}
}
