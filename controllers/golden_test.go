package controllers

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestBuildersGolden renders every pure builder for one fixed instance and compares the YAML
// with testdata/golden (go test ./controllers -run Golden -update rewrites it). A diff in review
// shows exactly what a change does to the objects users run. Objects built from files other
// packages own (dashboards, alert rules) and random secrets are left out.
func TestBuildersGolden(t *testing.T) {
	ti := &ternantv1.TernantInstance{ObjectMeta: metav1.ObjectMeta{Name: "acme", Namespace: "prod"}}
	ti.Spec.Replicas = 3
	ti.Spec.Database.Managed = &ternantv1.ManagedDatabaseSpec{MaxConnections: 300}
	ti.Spec.Redis.Managed = &ternantv1.ManagedRedisSpec{}
	ti.Spec.Ingress = &ternantv1.IngressSpec{Host: "api.acme.example", ClassName: ptr.To("nginx"), TLSSecretName: "acme-tls"}
	ti.Spec.Env = []corev1.EnvVar{{Name: "CORS_ORIGINS", Value: "https://app.acme.example"}}
	ti.Spec.Backup = &ternantv1.BackupSpec{
		Schedule: "15 1 * * *", KeepLast: 14, MaxAge: &metav1.Duration{Duration: 30 * 24 * time.Hour},
		Target: ternantv1.BackupTarget{S3: &ternantv1.S3Target{
			Bucket: "acme-backups", Prefix: "ternant/prod", Endpoint: "http://minio.storage:9000", Region: "eu-west-1", PathStyle: true,
			CredentialsSecretRef: corev1.LocalObjectReference{Name: "acme-s3"},
		}},
	}
	restored := ti.DeepCopy()
	restored.Spec.Restore = &ternantv1.RestoreSpec{
		Source: ternantv1.BackupTarget{Volume: &ternantv1.VolumeTarget{ClaimName: "acme-backups"}},
		At:     &metav1.Time{Time: time.Date(2026, 11, 30, 23, 0, 0, 0, time.UTC)},
	}

	refs, _ := resolveSecretRefs(ti)
	db, rc := databaseConn(ti), redisConnection(ti)
	run := release{Image: "ghcr.io/ternant/ternant:v1.0.0", Version: "v1.0.0"}
	in := runtimeInputs{run: run, configHash: "0123456789abcdef", secrets: refs, db: db, redis: rc}
	objects := []client.Object{
		mysqlService(ti), mysqlStatefulSet(ti), redisService(ti), redisStatefulSet(ti, "fedcba9876543210"),
		migrationJob(ti, run, schemaInfo{Digest: "fixed", Version: 2}, db),
		serverConfigMap(ti, db, rc), serverDeployment(ti, in), serverPDB(ti), serverService(ti), serverIngress(ti),
		serviceMonitor(ti, refs.MetricsToken),
		backupCronJob(ti, run, db), restoreJob(restored, run, db),
		rotationJob(ti, "2026-12-03", false), rotationJob(ti, "2026-12-03", true),
	}
	for _, sj := range scheduledJobs(ti) {
		objects = append(objects, cronJob(ti, in, sj))
	}
	for _, obj := range objects {
		kind := typeName(obj)
		file := filepath.Join("testdata", "golden", kind+"-"+obj.GetName()+".yaml")
		t.Run(filepath.Base(file), func(t *testing.T) {
			got, err := yaml.Marshal(obj)
			if err != nil {
				t.Fatal(err)
			}
			if *update {
				if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the builder's output; review and run with -update:\n%s", file, got)
			}
		})
	}
}

// typeName is the lower-case kind of a typed object: "*v1.Deployment" -> "deployment".
func typeName(obj client.Object) string {
	t := fmt.Sprintf("%T", obj)
	return strings.ToLower(t[strings.LastIndex(t, ".")+1:])
}
