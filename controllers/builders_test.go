package controllers

import (
	"testing"
	"testing/fstest"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

// These tests cover the pure builders and helpers; they need no API server and run with -short.

func TestPoolSize(t *testing.T) {
	cases := []struct {
		name           string
		size           *intstr.IntOrString
		maxConn, repls int32
		want           int32
	}{
		{"auto, managed default", ptr.To(intstr.FromString("auto")), 200, 2, 80},
		{"auto, mysql default, 3 replicas", ptr.To(intstr.FromString("auto")), 151, 3, 40},
		{"auto rounds down", ptr.To(intstr.FromString("auto")), 200, 3, 53},
		{"unset means auto", nil, 100, 1, 80},
		{"auto never below one", ptr.To(intstr.FromString("auto")), 10, 100, 1},
		{"explicit number wins", ptr.To(intstr.FromInt32(17)), 200, 2, 17},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := poolSize(tc.size, tc.maxConn, tc.repls); got != tc.want {
				t.Errorf("poolSize = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestResolveRelease(t *testing.T) {
	const def = "ghcr.io/ternant/ternant:v1.2.0"
	cases := []struct {
		name string
		spec ternantv1.TernantInstanceSpec
		want release
	}{
		{"operator's own", ternantv1.TernantInstanceSpec{}, release{def, "v1.2.0"}},
		{"version", ternantv1.TernantInstanceSpec{Version: "v1.3.0"}, release{"ghcr.io/ternant/ternant:v1.3.0", "v1.3.0"}},
		{"image", ternantv1.TernantInstanceSpec{Image: "reg:5000/t/ternant:v9.0.0"}, release{"reg:5000/t/ternant:v9.0.0", "v9.0.0"}},
		{"image and version", ternantv1.TernantInstanceSpec{Image: "reg/ternant@sha256:abc", Version: "v1.4.0"}, release{"reg/ternant@sha256:abc", "v1.4.0"}},
		{"untagged image", ternantv1.TernantInstanceSpec{Image: "reg:5000/ternant"}, release{"reg:5000/ternant", "latest"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := resolveRelease(&tc.spec, def); got != tc.want {
				t.Errorf("resolveRelease = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestMigrationJobNameFollowsImageAndSchema(t *testing.T) {
	ti := &ternantv1.TernantInstance{}
	ti.Name = "acme"
	a := schemaInfo{Digest: "one", Version: 2}
	b := schemaInfo{Digest: "two", Version: 3}
	n1 := migrationJobName(ti, "img:v1", a)
	if n1 != migrationJobName(ti, "img:v1", a) {
		t.Fatal("job name is not stable")
	}
	for _, other := range []string{migrationJobName(ti, "img:v2", a), migrationJobName(ti, "img:v1", b)} {
		if other == n1 {
			t.Errorf("a new image or schema must give a new job name, got %s twice", n1)
		}
	}
	if len(n1) > 63 || len(migrationJobName(&ternantv1.TernantInstance{ObjectMeta: ti.ObjectMeta}, "x", a)) > 63 {
		t.Errorf("job name %q too long", n1)
	}
}

func TestSchemaOf(t *testing.T) {
	fsys := fstest.MapFS{
		"000001_init.up.sql":   {Data: []byte("CREATE TABLE a (id int);")},
		"000001_init.down.sql": {Data: []byte("DROP TABLE a;")},
		"000007_more.up.sql":   {Data: []byte("ALTER TABLE a ADD b int;")},
		"000007_more.down.sql": {Data: []byte("ALTER TABLE a DROP b;")},
		"migrations.go":        {Data: []byte("package migrations")},
	}
	s1, err := schemaOf(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if s1.Version != 7 {
		t.Errorf("version %d, want 7", s1.Version)
	}
	fsys["000007_more.up.sql"] = &fstest.MapFile{Data: []byte("ALTER TABLE a ADD c int;")}
	s2, _ := schemaOf(fsys)
	if s1.Digest == s2.Digest {
		t.Error("changing a migration must change the digest")
	}
	if embeddedSchema.Version < 1 {
		t.Errorf("embedded schema version %d", embeddedSchema.Version)
	}
}

func TestConfigHashCoversSecrets(t *testing.T) {
	ti := &ternantv1.TernantInstance{}
	ti.Name, ti.Namespace = "acme", "ns"
	ti.Spec.Database.Managed = &ternantv1.ManagedDatabaseSpec{}
	ti.Spec.Redis.Managed = &ternantv1.ManagedRedisSpec{}
	cm := serverConfigMap(ti, databaseConn(ti), redisConnection(ti))
	base := configHash(cm, secretValues{"acme-secrets/jwt-secret": []byte("a")})
	if base == configHash(cm, secretValues{"acme-secrets/jwt-secret": []byte("b")}) {
		t.Error("a rotated secret must change the hash")
	}
	cm.Data["THROTTLE_LIMIT"] = "7"
	if base == configHash(cm, secretValues{"acme-secrets/jwt-secret": []byte("a")}) {
		t.Error("a config change must change the hash")
	}
}

func TestGeneratedSecretKeepsExistingValues(t *testing.T) {
	ti := &ternantv1.TernantInstance{}
	ti.Name = "acme"
	existing := map[string][]byte{keyJWTSecret: []byte("keep-me")}
	s, err := generatedSecret(ti, "acme-secrets", componentSecrets, existing, []string{keyJWTSecret, keySessionSecret})
	if err != nil {
		t.Fatal(err)
	}
	if string(s.Data[keyJWTSecret]) != "keep-me" {
		t.Errorf("existing value replaced: %q", s.Data[keyJWTSecret])
	}
	if len(s.Data[keySessionSecret]) < 32 {
		t.Errorf("generated value %q too short", s.Data[keySessionSecret])
	}
	if len(existing) != 1 {
		t.Error("generatedSecret modified its input")
	}
}

func TestContains(t *testing.T) {
	cases := []struct {
		name       string
		have, want any
		ok         bool
	}{
		{"extra server defaults", map[string]any{"a": "x", "b": int64(1)}, map[string]any{"a": "x"}, true},
		{"changed value", map[string]any{"a": "y"}, map[string]any{"a": "x"}, false},
		{"missing field", map[string]any{}, map[string]any{"a": "x"}, false},
		{"zero value dropped by the server", map[string]any{}, map[string]any{"a": int64(0), "m": map[string]any{}}, true},
		{"list length differs", []any{"a", "b"}, []any{"a"}, false},
		{"list elements with defaults", []any{map[string]any{"n": "a", "p": "TCP"}}, []any{map[string]any{"n": "a"}}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := contains(tc.have, tc.want); got != tc.ok {
				t.Errorf("contains = %v, want %v", got, tc.ok)
			}
		})
	}
}

func TestLabelValue(t *testing.T) {
	for in, want := range map[string]string{"v1.2.3": "v1.2.3", "v1.0.0+build": "v1.0.0_build", "sha256:abc": "sha256_abc", "-x-": "x"} {
		if got := labelValue(in); got != want {
			t.Errorf("labelValue(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAlertRulesParse(t *testing.T) {
	if alertRulesErr != nil {
		t.Fatal(alertRulesErr)
	}
	if len(alertRules.Groups) == 0 {
		t.Fatal("alerts.yaml has no rule groups")
	}
}

// TestServerDrainsBeforeShutdown: a terminating API server pod keeps serving (a preStop sleep)
// while kube-proxy stops routing to it, and the sleep plus the server's default shutdown timeout
// (SHUTDOWN_TIMEOUT, 15 s) fit in the grace period, so a rollout refuses no connection (the kind
// end-to-end test's upgrade under load found the refused ones).
func TestServerDrainsBeforeShutdown(t *testing.T) {
	ti := &ternantv1.TernantInstance{}
	ti.Name, ti.Namespace = "acme", "prod"
	d := serverDeployment(ti, runtimeInputs{run: release{Image: "ternant:v1"}})
	spec := d.Spec.Template.Spec
	c := spec.Containers[0]
	if c.Lifecycle == nil || c.Lifecycle.PreStop == nil || c.Lifecycle.PreStop.Sleep == nil || c.Lifecycle.PreStop.Sleep.Seconds <= 0 {
		t.Fatalf("server container has no preStop sleep: %+v", c.Lifecycle)
	}
	const shutdownTimeout = 15
	if grace := *spec.TerminationGracePeriodSeconds; c.Lifecycle.PreStop.Sleep.Seconds+shutdownTimeout > grace {
		t.Errorf("preStop %ds + shutdown %ds exceed the grace period %ds", c.Lifecycle.PreStop.Sleep.Seconds, shutdownTimeout, grace)
	}
}

// TestMigrationJobHasProductionSecrets: `ternant migrate` loads the production configuration,
// which refuses to start without JWT_SECRET, JWT_REFRESH_SECRET and SESSION_SECRET (the kind
// end-to-end test's migration pods failed with `JWT_SECRET="": required in production`).
func TestMigrationJobHasProductionSecrets(t *testing.T) {
	ti := &ternantv1.TernantInstance{}
	ti.Name, ti.Namespace = "acme", "prod"
	ti.Spec.Database.Managed = &ternantv1.ManagedDatabaseSpec{}
	job := migrationJob(ti, release{Image: "ternant:v1"}, schemaInfo{Digest: "d", Version: 1}, databaseConn(ti))
	env := map[string]corev1.EnvVar{}
	for _, e := range job.Spec.Template.Spec.Containers[0].Env {
		env[e.Name] = e
	}
	if env["NODE_ENV"].Value != "production" {
		t.Fatalf("NODE_ENV %q", env["NODE_ENV"].Value)
	}
	refs, _ := resolveSecretRefs(ti)
	for name, want := range map[string]corev1.SecretKeySelector{"JWT_SECRET": refs.JWT, "JWT_REFRESH_SECRET": refs.JWTRefresh, "SESSION_SECRET": refs.Session} {
		e, ok := env[name]
		if !ok || e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil || *e.ValueFrom.SecretKeyRef != want {
			t.Errorf("%s: %+v, want a reference to %s/%s as the server has", name, e, want.Name, want.Key)
		}
	}
}
