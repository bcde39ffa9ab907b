package controllers

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/robfig/cron/v3"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

// s3Backup is a daily 02:00 backup to an S3 bucket whose credentials are in the Secret s3.
func s3Backup() *ternantv1.BackupSpec {
	return &ternantv1.BackupSpec{
		Schedule: "0 2 * * *", KeepLast: 7,
		Target: ternantv1.BackupTarget{S3: &ternantv1.S3Target{
			Bucket: "backups", Prefix: "ternant", Endpoint: "http://s3.example:9000", PathStyle: true,
			CredentialsSecretRef: corev1.LocalObjectReference{Name: "s3"},
		}},
	}
}

func createS3Secret(t *testing.T, h *harness, ns string) {
	t.Helper()
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "s3", Namespace: ns},
		Data: map[string][]byte{keyAccessKeyID: []byte("AKIA"), keySecretAccessKey: []byte("secret")}}
	if err := h.k8s.Create(context.Background(), s); err != nil {
		t.Fatal(err)
	}
}

// TestBackupScheduleAndStatus: spec.backup yields a CronJob running `ternant backup create`
// with the server's image; a finished backup Job's termination message becomes status.backup;
// a newest backup older than the schedule allows makes BackupHealthy=False BackupStale, a fresh
// one makes it true again.
func TestBackupScheduleAndStatus(t *testing.T) {
	h := requireEnvtest(t)
	ns := newNamespace(t, h)
	const name = "saved"
	createS3Secret(t, h, ns)
	createInstance(t, h, ns, name, func(ti *ternantv1.TernantInstance) { ti.Spec.Backup = s3Backup() })
	bringUp(t, h, ns, name)

	cj := &batchv1.CronJob{}
	eventually(t, "backup cronjob", func() error { return get(h, ns, name+"-backup", cj) })
	c := cj.Spec.JobTemplate.Spec.Template.Spec.Containers[0]
	if got := strings.Join(c.Args, " "); got != "backup create --to s3://backups/ternant --keep-last 7" || c.Image != testImage || cj.Spec.Schedule != "0 2 * * *" {
		t.Errorf("backup cronjob %s %q schedule %q", c.Image, got, cj.Spec.Schedule)
	}
	waitCondition(t, h, ns, name, ternantv1.ConditionBackupHealthy, metav1.ConditionTrue, ternantv1.ReasonNoBackupYet)

	old := time.Now().Add(-72 * time.Hour).UTC().Truncate(time.Second)
	runBackupJob(t, h, ns, name, cj, "b-old", old)
	ti := waitCondition(t, h, ns, name, ternantv1.ConditionBackupHealthy, metav1.ConditionFalse, ternantv1.ReasonBackupStale)
	if b := ti.Status.Backup; b == nil || b.Name != "b-old" || b.Size != 12345 || b.Location != "s3://backups/ternant/b-old.sql.gz" ||
		!b.LastSuccessfulTime.Time.Equal(old) || b.SchemaVersion != 3 || b.DurationSeconds != 90 {
		t.Errorf("status.backup %+v", ti.Status.Backup)
	}
	if got := readMetric(t, "ternant_operator_backup_last_success_timestamp_seconds", ns, name); got != float64(old.Unix()) {
		t.Errorf("backup timestamp metric %v, want %d", got, old.Unix())
	}

	fresh := time.Now().UTC().Truncate(time.Second)
	runBackupJob(t, h, ns, name, cj, "b-new", fresh)
	ti = waitCondition(t, h, ns, name, ternantv1.ConditionBackupHealthy, metav1.ConditionTrue, ternantv1.ReasonBackupsCurrent)
	if ti.Status.Backup.Name != "b-new" {
		t.Errorf("status.backup %+v, want b-new", ti.Status.Backup)
	}

	updateInstance(t, h, ns, name, func(ti *ternantv1.TernantInstance) { ti.Spec.Backup = nil })
	eventually(t, "backup cronjob removed", func() error {
		if err := get(h, ns, name+"-backup", &batchv1.CronJob{}); !apierrors.IsNotFound(err) {
			return fmt.Errorf("still there (err %v)", err)
		}
		return nil
	})
}

// runBackupJob creates the Job the CronJob controller would, its pod with the termination
// message `ternant backup create` writes, and marks both finished.
func runBackupJob(t *testing.T, h *harness, ns, instance string, cj *batchv1.CronJob, backup string, completed time.Time) {
	t.Helper()
	ctx := context.Background()
	job := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: cj.Name + "-" + backup, Namespace: ns, Labels: cj.Spec.JobTemplate.Labels,
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "batch/v1", Kind: "CronJob", Name: cj.Name, UID: cj.UID, Controller: ptr.To(true)}}},
		Spec: *cj.Spec.JobTemplate.Spec.DeepCopy(),
	}
	if err := h.k8s.Create(ctx, job); err != nil {
		t.Fatal(err)
	}
	msg := fmt.Sprintf(`{"name":%q,"location":"s3://backups/ternant/%s.sql.gz","size":12345,"startedAt":%q,"completedAt":%q,"schemaVersion":3}`,
		backup, backup, completed.Add(-90*time.Second).Format(time.RFC3339), completed.Format(time.RFC3339))
	finishMigrationPod(t, h, ns, job, msg)
	finishJob(t, h, ns, job.Name, true)
}

// readMetric reads one series of a gauge from the operator's registry.
func readMetric(t *testing.T, name, ns, instance string) float64 {
	t.Helper()
	var v float64
	eventually(t, "metric "+name, func() error {
		g, err := backupLastSuccess.GetMetricWithLabelValues(ns, instance)
		if err != nil {
			return err
		}
		v = testutil.ToFloat64(g)
		if v == 0 {
			return fmt.Errorf("%s not set", name)
		}
		return nil
	})
	return v
}

// TestRestoreBeforeMigrations: a new instance with spec.restore runs the restore Job once the
// database is ready; no migration Job and no API Deployment exist until it succeeded; a failed
// restore halts with RestoreFailed; a new request runs again and, succeeded, lets the
// migrations and the server follow.
func TestRestoreBeforeMigrations(t *testing.T) {
	h := requireEnvtest(t)
	ns := newNamespace(t, h)
	const name = "reborn"
	createS3Secret(t, h, ns)
	createInstance(t, h, ns, name, func(ti *ternantv1.TernantInstance) {
		ti.Spec.Restore = &ternantv1.RestoreSpec{Source: s3Backup().Target, Name: "b-old"}
	})
	ti := &ternantv1.TernantInstance{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}}
	waitCondition(t, h, ns, name, ternantv1.ConditionReady, metav1.ConditionFalse, ternantv1.ReasonRestoring)
	markStatefulSetReady(t, h, ns, mysqlName(ti))
	markStatefulSetReady(t, h, ns, redisName(ti))

	var job batchv1.Job
	eventually(t, "restore job", func() error { return firstJob(h, ns, componentRestore, &job) })
	if got := strings.Join(job.Spec.Template.Spec.Containers[0].Args, " "); got != "backup restore --from s3://backups/ternant --name b-old" {
		t.Errorf("restore args %q", got)
	}
	noMigrationsNorServer := func() {
		t.Helper()
		if err := get(h, ns, migrationJobName(ti, testImage, embeddedSchema), &batchv1.Job{}); !apierrors.IsNotFound(err) {
			t.Errorf("migration job exists before the restore succeeded (err %v)", err)
		}
		if err := get(h, ns, name, &appsv1.Deployment{}); !apierrors.IsNotFound(err) {
			t.Errorf("API deployment exists before the restore succeeded (err %v)", err)
		}
	}
	time.Sleep(time.Second)
	noMigrationsNorServer()

	finishJob(t, h, ns, job.Name, false)
	got := waitCondition(t, h, ns, name, ternantv1.ConditionReady, metav1.ConditionFalse, ternantv1.ReasonRestoreFailed)
	if msg := meta.FindStatusCondition(got.Status.Conditions, ternantv1.ConditionReady).Message; !strings.Contains(msg, job.Name) {
		t.Errorf("RestoreFailed message %q does not name the Job", msg)
	}
	noMigrationsNorServer()

	updateInstance(t, h, ns, name, func(ti *ternantv1.TernantInstance) { ti.Spec.Restore.Name = "latest" })
	var retry batchv1.Job
	eventually(t, "second restore job", func() error {
		if err := firstJobExcept(h, ns, componentRestore, job.Name, &retry); err != nil {
			return err
		}
		return nil
	})
	finishJob(t, h, ns, retry.Name, true)
	mig := migrationJobFor(t, h, ns, name, testImage)
	finishJob(t, h, ns, mig.Name, true)
	eventually(t, "server deployment", func() error { return get(h, ns, name, &appsv1.Deployment{}) })
	markDeploymentAvailable(t, h, ns, name)
	got = waitCondition(t, h, ns, name, ternantv1.ConditionReady, metav1.ConditionTrue, ternantv1.ReasonAvailable)
	if got.Status.Restore == nil || got.Status.Restore.Job != retry.Name || got.Status.Restore.CompletionTime == nil {
		t.Errorf("status.restore %+v", got.Status.Restore)
	}
}

// firstJob finds a Job of the component in ns.
func firstJob(h *harness, ns, component string, out *batchv1.Job) error {
	return firstJobExcept(h, ns, component, "", out)
}

func firstJobExcept(h *harness, ns, component, except string, out *batchv1.Job) error {
	var jobs batchv1.JobList
	if err := h.k8s.List(context.Background(), &jobs, client.InNamespace(ns), client.MatchingLabels{"app.kubernetes.io/component": component}); err != nil {
		return err
	}
	for _, j := range jobs.Items {
		if j.Name != except {
			*out = j
			return nil
		}
	}
	return fmt.Errorf("no %s job besides %q", component, except)
}

// TestBackupHealth walks backupHealth through a daily schedule: current until the next run's
// deadline passes, stale after.
func TestBackupHealth(t *testing.T) {
	sched, err := cron.ParseStandard("CRON_TZ=UTC 0 2 * * *")
	if err != nil {
		t.Fatal(err)
	}
	day := func(d, h, m int) time.Time { return time.Date(2026, 12, d, h, m, 0, 0, time.UTC) }
	tests := []struct {
		name          string
		last, created time.Time
		now           time.Time
		healthy       bool
		reason        string
	}{
		{"fresh", day(3, 2, 5), day(1, 0, 0), day(3, 12, 0), true, ternantv1.ReasonBackupsCurrent},
		{"next run still within its deadline", day(3, 2, 5), day(1, 0, 0), day(4, 3, 59), true, ternantv1.ReasonBackupsCurrent},
		{"next run missed", day(3, 2, 5), day(1, 0, 0), day(4, 4, 0), false, ternantv1.ReasonBackupStale},
		{"none yet, first not due", time.Time{}, day(3, 12, 0), day(4, 1, 0), true, ternantv1.ReasonNoBackupYet},
		{"none yet, first missed", time.Time{}, day(3, 12, 0), day(4, 5, 0), false, ternantv1.ReasonBackupStale},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := backupHealth(sched, tc.last, tc.created, tc.now)
			if got.healthy != tc.healthy || got.reason != tc.reason {
				t.Errorf("healthy %v reason %s (%s), want %v %s", got.healthy, got.reason, got.message, tc.healthy, tc.reason)
			}
			if got.healthy && got.recheck <= 0 {
				t.Errorf("no recheck scheduled while healthy")
			}
		})
	}
}
