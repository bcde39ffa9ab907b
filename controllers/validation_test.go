package controllers

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

// TestValidationRejectsInvalidSpecs sends invalid instances to the API server, which must
// reject each with a message that tells the user what to fix.
func TestValidationRejectsInvalidSpecs(t *testing.T) {
	h := requireEnvtest(t)
	ns := newNamespace(t, h)
	external := &ternantv1.ExternalDatabaseSpec{Host: "db.example", SecretRef: corev1.LocalObjectReference{Name: "db"}}
	cases := []struct {
		name   string
		meta   string
		mutate func(*ternantv1.TernantInstance)
		want   string
	}{
		{"both databases", "", func(ti *ternantv1.TernantInstance) {
			ti.Spec.Database = ternantv1.DatabaseSpec{Managed: &ternantv1.ManagedDatabaseSpec{}, External: external}
		}, "set exactly one of database.managed and database.external"},
		{"both redis", "", func(ti *ternantv1.TernantInstance) {
			ti.Spec.Redis = ternantv1.RedisSpec{Managed: &ternantv1.ManagedRedisSpec{}, External: &ternantv1.ExternalRedisSpec{Host: "r"}}
		}, "set exactly one of redis.managed and redis.external"},
		{"pool size word", "", func(ti *ternantv1.TernantInstance) { ti.Spec.Pool.Size = ptr.To(intstr.FromString("lots")) },
			"pool.size must be auto or an integer from 1 to 10000"},
		{"pool size zero", "", func(ti *ternantv1.TernantInstance) { ti.Spec.Pool.Size = ptr.To(intstr.FromInt32(0)) },
			"pool.size must be auto or an integer from 1 to 10000"},
		{"throttle ttl too short", "", func(ti *ternantv1.TernantInstance) {
			ti.Spec.Throttle.TTL = &metav1.Duration{Duration: 1}
		}, "throttle.ttl must be between 1s and 24h"},
		{"backup to two targets", "", func(ti *ternantv1.TernantInstance) {
			ti.Spec.Backup = &ternantv1.BackupSpec{Target: ternantv1.BackupTarget{
				S3:     &ternantv1.S3Target{Bucket: "bkt", CredentialsSecretRef: corev1.LocalObjectReference{Name: "s3"}},
				Volume: &ternantv1.VolumeTarget{ClaimName: "backups"},
			}}
		}, "set exactly one of s3 and volume"},
		{"backup maxAge too short", "", func(ti *ternantv1.TernantInstance) {
			ti.Spec.Backup = &ternantv1.BackupSpec{MaxAge: &metav1.Duration{Duration: time.Minute},
				Target: ternantv1.BackupTarget{Volume: &ternantv1.VolumeTarget{ClaimName: "backups"}}}
		}, "backup.maxAge must be at least 1h"},
		{"restore by name and time", "", func(ti *ternantv1.TernantInstance) {
			ti.Spec.Restore = &ternantv1.RestoreSpec{Name: "b1", At: &metav1.Time{Time: time.Now()},
				Source: ternantv1.BackupTarget{Volume: &ternantv1.VolumeTarget{ClaimName: "backups"}}}
		}, "set at most one of restore.name and restore.at"},
		{"negative replicas", "", func(ti *ternantv1.TernantInstance) { ti.Spec.Replicas = -1 }, "spec.replicas"},
		{"mysql 5.7", "", func(ti *ternantv1.TernantInstance) {
			ti.Spec.Database.Managed = &ternantv1.ManagedDatabaseSpec{Version: "5.7"}
		}, `Unsupported value: "5.7"`},
		{"bad version", "", func(ti *ternantv1.TernantInstance) { ti.Spec.Version = "latest" }, "spec.version"},
		{"operator-owned env", "", func(ti *ternantv1.TernantInstance) {
			ti.Spec.Env = []corev1.EnvVar{{Name: "DB_POOL_SIZE", Value: "5"}}
		}, "env must not set a variable the operator derives from the spec"},
		{"same jwt secrets", "", func(ti *ternantv1.TernantInstance) {
			ref := &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "s"}, Key: "k"}
			ti.Spec.JWTSecretRef, ti.Spec.JWTRefreshSecretRef = ref, ref
		}, "jwtRefreshSecretRef must name a different secret key than jwtSecretRef"},
		{"external without secret", "", func(ti *ternantv1.TernantInstance) {
			ti.Spec.Database = ternantv1.DatabaseSpec{External: &ternantv1.ExternalDatabaseSpec{Host: "db"}}
		}, "database.external.secretRef.name must name a Secret"},
		{"too few connections", "", func(ti *ternantv1.TernantInstance) {
			ti.Spec.Database.Managed = &ternantv1.ManagedDatabaseSpec{MaxConnections: 5, Storage: ptr.To(resource.MustParse("1Gi"))}
		}, "spec.database.managed.maxConnections"},
		{"long name", strings.Repeat("n", 41), nil, "metadata.name must be at most 40 characters"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			name := tc.meta
			if name == "" {
				name = "invalid-" + string(rune('a'+i))
			}
			ti := &ternantv1.TernantInstance{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}}
			if tc.mutate != nil {
				tc.mutate(ti)
			}
			err := h.k8s.Create(context.Background(), ti)
			if err == nil {
				t.Fatalf("the API server accepted an invalid instance; want an error containing %q", tc.want)
			}
			if !apierrors.IsInvalid(err) {
				t.Fatalf("want an Invalid error, got %v", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not contain %q", err.Error(), tc.want)
			}
		})
	}

	t.Run("empty database", func(t *testing.T) {
		// A typed client omits an empty database; send one as a user's YAML would.
		u := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": ternantv1.GroupVersion.String(), "kind": "TernantInstance",
			"metadata": map[string]any{"name": "empty-database", "namespace": ns},
			"spec":     map[string]any{"database": map[string]any{}},
		}}
		err := h.k8s.Create(context.Background(), u)
		if err == nil || !strings.Contains(err.Error(), "set exactly one of database.managed and database.external") {
			t.Fatalf("want the exactly-one rule to reject an empty database, got %v", err)
		}
	})

	t.Run("samples are valid", func(t *testing.T) {
		files, err := filepath.Glob(filepath.Join("..", "config", "samples", "*.yaml"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no samples found (err %v)", err)
		}
		for i, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			u := &unstructured.Unstructured{}
			if err := yaml.Unmarshal(b, &u.Object); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			u.SetNamespace(ns)
			// Each file under its own name: the samples may share metadata.name.
			u.SetName(fmt.Sprintf("sample-%d-%s", i, u.GetName()))
			if err := h.k8s.Create(context.Background(), u); err != nil {
				t.Errorf("%s is rejected: %v", f, err)
			}
		}
	})

	t.Run("minimal spec is valid and defaulted", func(t *testing.T) {
		ti := &ternantv1.TernantInstance{ObjectMeta: metav1.ObjectMeta{Name: "minimal", Namespace: ns}}
		if err := h.k8s.Create(context.Background(), ti); err != nil {
			t.Fatalf("create: %v", err)
		}
		sp := ti.Spec
		if sp.Replicas != 2 || sp.Database.Managed == nil || sp.Database.Managed.Version != "8.4" || sp.Redis.Managed == nil ||
			sp.Pool.Size == nil || sp.Pool.Size.StrVal != "auto" || sp.Throttle.Limit != 100 || sp.Jobs.MarkOverdue == "" ||
			!enabled(sp.Monitoring.ServiceMonitor.Enabled) || sp.Database.Managed.VolumeRetention != ternantv1.VolumeRetain {
			t.Errorf("defaults not applied: %+v", sp)
		}
	})
}
