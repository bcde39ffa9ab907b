package chart

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
	"github.com/ternant/ternant/internal/testk8s"
)

// sample reads one TernantInstance from config/samples, decoding it strictly into the Go type
// first: a field the API does not have fails here.
func sample(t *testing.T, file string) (*unstructured.Unstructured, *ternantv1.TernantInstance) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(samplesDir, file))
	if err != nil {
		t.Fatal(err)
	}
	ti := &ternantv1.TernantInstance{}
	if err := testk8s.StrictInto(raw, ti); err != nil {
		t.Fatalf("%s does not decode strictly into TernantInstance: %v", file, err)
	}
	objs, err := testk8s.Decode(raw)
	if err != nil || len(objs) != 1 {
		t.Fatalf("%s: %d objects, %v", file, len(objs), err)
	}
	return objs[0], ti
}

// TestSamplesAreAcceptedByTheAPIServer applies every sample (dryRun=All) to an API server with the
// generated CRD, so its OpenAPI schema, CEL rules and defaults all run, and checks what they say.
func TestSamplesAreAcceptedByTheAPIServer(t *testing.T) {
	env := cluster.Require(t)
	ctx := context.Background()
	const ns = "samples"
	if err := env.EnsureNamespace(ctx, ns); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(samplesDir, "*.yaml"))
	if err != nil || len(files) < 2 {
		t.Fatalf("want a minimal and a production sample in config/samples, found %v (%v)", files, err)
	}
	for _, path := range files {
		file := filepath.Base(path)
		t.Run(file, func(t *testing.T) {
			u, ti := sample(t, file)
			u.SetNamespace(ns)
			if err := env.Apply(ctx, u, true); err != nil {
				t.Fatalf("API server rejects %s: %v", file, err)
			}
			str := func(fields ...string) string { s, _, _ := unstructured.NestedString(u.Object, fields...); return s }
			switch {
			case strings.HasSuffix(file, "_minimal.yaml"):
				if len(ti.Spec.Env) != 0 || ti.Spec.Database.External != nil || ti.Spec.Ingress != nil {
					t.Errorf("the minimal sample should set nothing: %+v", ti.Spec)
				}
				// The API server filled in the defaults the operator relies on.
				if r, _, _ := unstructured.NestedInt64(u.Object, "spec", "replicas"); r != 2 {
					t.Errorf("defaulted spec.replicas %d, want 2", r)
				}
				if v := str("spec", "database", "managed", "version"); v != "8.4" {
					t.Errorf("defaulted database.managed.version %q, want 8.4", v)
				}
				if v := str("spec", "redis", "managed", "version"); v != "7.4" {
					t.Errorf("defaulted redis.managed.version %q, want 7.4", v)
				}
			case strings.HasSuffix(file, "_production.yaml"):
				if ti.Spec.Database.External == nil || ti.Spec.Database.External.SecretRef.Name == "" {
					t.Error("the production sample should use an external database through a secret")
				}
				if ti.Spec.Ingress == nil || ti.Spec.Ingress.TLSSecretName == "" {
					t.Error("the production sample should serve an Ingress with TLS")
				}
				if ti.Spec.JWTSecretRef == nil || ti.Spec.JWTRefreshSecretRef == nil || ti.Spec.SessionSecretRef == nil {
					t.Error("the production sample should reference its secrets")
				}
				if e, _, _ := unstructured.NestedBool(u.Object, "spec", "monitoring", "serviceMonitor", "enabled"); !e {
					t.Error("the production sample should turn monitoring on")
				}
				if b := ti.Spec.Backup; b == nil || b.Target.S3 == nil || b.Target.S3.CredentialsSecretRef.Name == "" || b.KeepLast == 0 {
					t.Errorf("the production sample should back up to S3 with retention: %+v", b)
				}
				if v := str("spec", "database", "external", "name"); v != "ternant" {
					t.Errorf("database.external.name %q", v)
				}
			default:
				t.Fatalf("no expectations for %s: add a case", file)
			}
		})
	}
}

// TestSampleMistakesAreRejected proves the CEL rules are live on that API server: the production
// sample with one mistake each is refused with the rule's message.
func TestSampleMistakesAreRejected(t *testing.T) {
	env := cluster.Require(t)
	ctx := context.Background()
	const ns = "samples"
	if err := env.EnsureNamespace(ctx, ns); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		mutate func(u *unstructured.Unstructured)
		want   string
	}{
		{"both databases", func(u *unstructured.Unstructured) {
			_ = unstructured.SetNestedMap(u.Object, map[string]any{}, "spec", "database", "managed")
		}, "set exactly one of database.managed and database.external"},
		{"refresh secret reuses the access secret", func(u *unstructured.Unstructured) {
			_ = unstructured.SetNestedField(u.Object, "jwt", "spec", "jwtRefreshSecretRef", "key")
		}, "jwtRefreshSecretRef must name a different secret key"},
		{"env overrides a derived variable", func(u *unstructured.Unstructured) {
			_ = unstructured.SetNestedSlice(u.Object, []any{map[string]any{"name": "DB_DSN", "value": "x"}}, "spec", "env")
		}, "env must not set a variable the operator derives"},
		{"pool size", func(u *unstructured.Unstructured) {
			_ = unstructured.SetNestedField(u.Object, int64(0), "spec", "pool", "size")
		}, "pool.size must be auto or an integer from 1 to 10000"},
		{"name too long", func(u *unstructured.Unstructured) {
			u.SetName(strings.Repeat("t", 41))
		}, "metadata.name must be at most 40 characters"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			u, _ := sample(t, "ternant_v1alpha1_ternantinstance_production.yaml")
			u.SetNamespace(ns)
			tc.mutate(u)
			err := env.Apply(ctx, u, true)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want a rejection saying %q", err, tc.want)
			}
		})
	}
}
