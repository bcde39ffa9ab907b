package controllers

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
	"github.com/ternant/ternant/migrations"
)

// schemaInfo describes the migrations this operator build carries: a digest of every file and the
// highest version. The migration Job's name hashes it with the image, so a new schema or a new
// image each get their own Job.
type schemaInfo struct {
	Digest  string
	Version int64
}

// embeddedSchema is the schema of migrations.FS.
var embeddedSchema = mustSchema(migrations.FS)

func mustSchema(fsys fs.FS) schemaInfo {
	s, err := schemaOf(fsys)
	if err != nil {
		panic("controllers: read embedded migrations: " + err.Error())
	}
	return s
}

// schemaOf digests the NNNNNN_name.up.sql / .down.sql files of fsys.
func schemaOf(fsys fs.FS) (schemaInfo, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return schemaInfo{}, err
	}
	sort.Strings(names)
	h := sha256.New()
	var latest int64
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return schemaInfo{}, err
		}
		h.Write([]byte(n))
		h.Write([]byte{0})
		h.Write(b)
		h.Write([]byte{0})
		if v, err := strconv.ParseInt(strings.SplitN(n, "_", 2)[0], 10, 64); err == nil && v > latest {
			latest = v
		}
	}
	return schemaInfo{Digest: hex.EncodeToString(h.Sum(nil)), Version: latest}, nil
}

// migrationJobName is <instance>-migrate-<hash of image and schema>.
func migrationJobName(ti *ternantv1.TernantInstance, image string, sc schemaInfo) string {
	sum := sha256.Sum256([]byte(image + "\x00" + sc.Digest))
	return ti.Name + "-migrate-" + hex.EncodeToString(sum[:])[:10]
}

// migrationJob runs `ternant migrate up` with the target image against the instance's database.
// It is never retried past its backoff limit: a failed Job stays for inspection and blocks the
// rollout until the version or image changes, or an administrator deletes it to retry.
func migrationJob(ti *ternantv1.TernantInstance, target release, sc schemaInfo, db dbConn) *batchv1.Job {
	spec := ti.Spec.Migrations
	labels := objectLabels(ti, componentMigrations)
	return &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{
			Name: migrationJobName(ti, target.Image, sc), Namespace: ti.Namespace, Labels: labels,
			Annotations: map[string]string{
				annotationTargetImage:   target.Image,
				annotationVersion:       target.Version,
				annotationSchemaVersion: strconv.FormatInt(sc.Version, 10),
			},
		},
		Spec: batchv1.JobSpec{
			BackoffLimit:          ptr.To(ptr.Deref(spec.BackoffLimit, 1)),
			ActiveDeadlineSeconds: ptr.To(defaulted(spec.ActiveDeadlineSeconds, 600)),
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: runOncePodSpec(ti, corev1.Container{
					Name:      "migrate",
					Image:     target.Image,
					Args:      []string{"migrate", "up"},
					Env:       append(append([]corev1.EnvVar{{Name: "NODE_ENV", Value: "production"}}, databaseEnv(db)...), productionSecretsEnv(ti)...),
					Resources: spec.Resources,
				}),
			},
		},
	}
}

// jobFinished reports whether a Job completed or failed, with the failure's message.
func jobFinished(job *batchv1.Job) (succeeded, failed bool, msg string) {
	for _, c := range job.Status.Conditions {
		if c.Status != corev1.ConditionTrue {
			continue
		}
		switch c.Type {
		case batchv1.JobComplete:
			return true, false, ""
		case batchv1.JobFailed:
			return false, true, strings.TrimSpace(c.Reason + ": " + c.Message)
		}
	}
	return false, false, ""
}

// productionSecretsEnv are the secrets every `ternant` command needs with NODE_ENV=production:
// its configuration refuses to load without them, `ternant migrate` included.
func productionSecretsEnv(ti *ternantv1.TernantInstance) []corev1.EnvVar {
	refs, _ := resolveSecretRefs(ti)
	return []corev1.EnvVar{
		secretEnv("JWT_SECRET", refs.JWT),
		secretEnv("JWT_REFRESH_SECRET", refs.JWTRefresh),
		secretEnv("SESSION_SECRET", refs.Session),
	}
}

// databaseEnv is the environment naming the database for any Ternant container.
func databaseEnv(db dbConn) []corev1.EnvVar {
	return []corev1.EnvVar{
		{Name: "DATABASE_HOST", Value: db.Host},
		{Name: "DATABASE_PORT", Value: strconv.Itoa(int(db.Port))},
		{Name: "DATABASE_NAME", Value: db.Name},
		db.User,
		secretEnv("DATABASE_PASSWORD", db.Password),
	}
}
