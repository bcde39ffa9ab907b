package controllers

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

// Keys of the object store credentials Secret a backup target names.
const (
	keyAccessKeyID     = "access-key-id"
	keySecretAccessKey = "secret-access-key"
)

// backupMountPath is where a volume target is mounted in backup and restore pods.
const backupMountPath = "/backups"

// targetURL is the --to/--from argument of `ternant backup` for a target.
func targetURL(t ternantv1.BackupTarget) string {
	if t.S3 != nil {
		u := "s3://" + t.S3.Bucket
		if p := strings.Trim(t.S3.Prefix, "/"); p != "" {
			u += "/" + p
		}
		return u
	}
	return "file://" + backupMountPath
}

// targetEnv is the environment and volumes a pod needs to reach a target.
func targetEnv(t ternantv1.BackupTarget) ([]corev1.EnvVar, []corev1.Volume, []corev1.VolumeMount) {
	if s3 := t.S3; s3 != nil {
		env := []corev1.EnvVar{
			{Name: "BACKUP_S3_REGION", Value: defaultedString(s3.Region, "us-east-1")},
			{Name: "BACKUP_S3_PATH_STYLE", Value: strconv.FormatBool(s3.PathStyle)},
			secretEnv("AWS_ACCESS_KEY_ID", selector(s3.CredentialsSecretRef.Name, keyAccessKeyID)),
			secretEnv("AWS_SECRET_ACCESS_KEY", selector(s3.CredentialsSecretRef.Name, keySecretAccessKey)),
		}
		if s3.Endpoint != "" {
			env = append(env, corev1.EnvVar{Name: "BACKUP_S3_ENDPOINT", Value: s3.Endpoint})
		}
		return env, nil, nil
	}
	vol := corev1.Volume{Name: "backups", VolumeSource: corev1.VolumeSource{
		PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: t.Volume.ClaimName},
	}}
	return nil, []corev1.Volume{vol}, []corev1.VolumeMount{{Name: "backups", MountPath: backupMountPath}}
}

// targetSecrets lists the Secret keys a target reads, which must exist before a pod uses it.
func targetSecrets(t ternantv1.BackupTarget) []corev1.SecretKeySelector {
	if t.S3 == nil {
		return nil
	}
	name := t.S3.CredentialsSecretRef.Name
	return []corev1.SecretKeySelector{selector(name, keyAccessKeyID), selector(name, keySecretAccessKey)}
}

// backupCronJob runs `ternant backup create` on spec.backup's schedule with the image the
// server runs: a consistent logical dump of the database to the target, then retention.
// The pod writes its result as JSON to its termination message, which the operator reads.
func backupCronJob(ti *ternantv1.TernantInstance, run release, db dbConn) *batchv1.CronJob {
	b := ti.Spec.Backup
	labels := objectLabels(ti, componentBackup)
	args := []string{"backup", "create", "--to", targetURL(b.Target), "--keep-last", strconv.Itoa(int(b.KeepLast))}
	if b.MaxAge != nil {
		args = append(args, "--max-age", b.MaxAge.Duration.String())
	}
	tenv, vols, mounts := targetEnv(b.Target)
	env := append([]corev1.EnvVar{{Name: "NODE_ENV", Value: "production"}}, databaseEnv(db)...)
	spec := withTmp(runOncePodSpec(ti, corev1.Container{
		Name:         "backup",
		Image:        run.Image,
		Args:         args,
		Env:          append(env, tenv...),
		Resources:    b.Resources,
		VolumeMounts: mounts,
	}))
	spec.Volumes = append(spec.Volumes, vols...)
	return &batchv1.CronJob{
		ObjectMeta: metav1.ObjectMeta{Name: backupName(ti), Namespace: ti.Namespace, Labels: labels},
		Spec: batchv1.CronJobSpec{
			Schedule:                   defaultedString(b.Schedule, "0 2 * * *"),
			TimeZone:                   ptr.To(defaultedString(ti.Spec.Jobs.TimeZone, "UTC")),
			Suspend:                    ptr.To(b.Suspend),
			ConcurrencyPolicy:          batchv1.ForbidConcurrent,
			StartingDeadlineSeconds:    ptr.To[int64](3600),
			SuccessfulJobsHistoryLimit: ptr.To[int32](3),
			FailedJobsHistoryLimit:     ptr.To[int32](3),
			JobTemplate: batchv1.JobTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: batchv1.JobSpec{
					BackoffLimit:          ptr.To[int32](2),
					ActiveDeadlineSeconds: ptr.To(int64(backupDeadline / time.Second)),
					Template:              corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: spec},
				},
			},
		},
	}
}

// backupDeadline bounds one backup run; it is also the grace a scheduled run gets before the
// backup counts as missed.
const backupDeadline = 2 * time.Hour

// restoreJobName is <instance>-restore-<hash of spec.restore>: a changed request is a new Job.
func restoreJobName(ti *ternantv1.TernantInstance) string {
	b, _ := json.Marshal(ti.Spec.Restore)
	sum := sha256.Sum256(b)
	return ti.Name + "-restore-" + hex.EncodeToString(sum[:])[:10]
}

// restoreJob runs `ternant backup restore` into the instance's empty database. It runs once:
// a failure is kept for inspection and the instance waits (the CLI refuses a database that
// already holds Ternant tables, so a retry never overwrites data).
func restoreJob(ti *ternantv1.TernantInstance, run release, db dbConn) *batchv1.Job {
	rs := ti.Spec.Restore
	labels := objectLabels(ti, componentRestore)
	args := []string{"backup", "restore", "--from", targetURL(rs.Source)}
	switch {
	case rs.At != nil:
		args = append(args, "--at", rs.At.UTC().Format(time.RFC3339))
	default:
		args = append(args, "--name", defaultedString(rs.Name, "latest"))
	}
	tenv, vols, mounts := targetEnv(rs.Source)
	env := append([]corev1.EnvVar{{Name: "NODE_ENV", Value: "production"}}, databaseEnv(db)...)
	spec := withTmp(runOncePodSpec(ti, corev1.Container{
		Name:         "restore",
		Image:        run.Image,
		Args:         args,
		Env:          append(env, tenv...),
		VolumeMounts: mounts,
	}))
	spec.Volumes = append(spec.Volumes, vols...)
	return &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{
			Name: restoreJobName(ti), Namespace: ti.Namespace, Labels: labels,
			Annotations: map[string]string{annotationTargetImage: run.Image},
		},
		Spec: batchv1.JobSpec{
			BackoffLimit:          ptr.To[int32](0),
			ActiveDeadlineSeconds: ptr.To(int64(backupDeadline / time.Second)),
			Template:              corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: spec},
		},
	}
}

// backupResult is the one-line JSON `ternant backup create` writes to its termination message.
type backupResult struct {
	Name          string    `json:"name"`
	Location      string    `json:"location"`
	Size          int64     `json:"size"`
	StartedAt     time.Time `json:"startedAt"`
	CompletedAt   time.Time `json:"completedAt"`
	SchemaVersion int64     `json:"schemaVersion"`
}

// parseBackupResult reads a termination message; the last line holding JSON wins (the message
// falls back to the log's tail when the file is empty).
func parseBackupResult(msg string) (backupResult, error) {
	var res backupResult
	lines := strings.Split(strings.TrimSpace(msg), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		if !strings.HasPrefix(l, "{") {
			continue
		}
		if err := json.Unmarshal([]byte(l), &res); err != nil {
			return res, fmt.Errorf("backup result %q: %w", l, err)
		}
		if res.Name == "" || res.CompletedAt.IsZero() {
			return res, fmt.Errorf("backup result %q lacks name or completedAt", l)
		}
		return res, nil
	}
	return res, fmt.Errorf("no backup result in termination message %q", msg)
}
