package controllers

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

// rotationJobName is <instance>-rotate-<hash of the request>[-discard].
func rotationJobName(ti *ternantv1.TernantInstance, requested string, discard bool) string {
	sum := sha256.Sum256([]byte(requested))
	name := ti.Name + "-rotate-" + hex.EncodeToString(sum[:])[:8]
	if discard {
		name += "-discard"
	}
	return name
}

// rotationJob runs the MySQL client of the database's own image as root: it adds the new
// password of the application user while keeping the current one (MySQL's dual passwords), or,
// with discard, drops the old one. Passwords are URL-safe base64, so quoting them is safe.
func rotationJob(ti *ternantv1.TernantInstance, requested string, discard bool) *batchv1.Job {
	m := ti.Spec.Database.Managed
	image := defaultedString(m.Image, "mysql:"+defaultedString(m.Version, "8.4"))
	sql := fmt.Sprintf(`ALTER USER '%s'@'%%' IDENTIFIED BY '$NEXT_PASSWORD' RETAIN CURRENT PASSWORD`, mysqlUser)
	env := []corev1.EnvVar{
		{Name: "MYSQL_HOST", Value: fmt.Sprintf("%s.%s.svc", mysqlName(ti), ti.Namespace)},
		secretEnv("MYSQL_ROOT_PASSWORD", selector(mysqlSecretName(ti), keyRootPassword)),
	}
	if discard {
		sql = fmt.Sprintf(`ALTER USER '%s'@'%%' DISCARD OLD PASSWORD`, mysqlUser)
	} else {
		env = append(env, secretEnv("NEXT_PASSWORD", selector(mysqlSecretName(ti), keyNextPassword)))
	}
	labels := objectLabels(ti, componentDatabase)
	return &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: rotationJobName(ti, requested, discard), Namespace: ti.Namespace, Labels: labels},
		Spec: batchv1.JobSpec{
			BackoffLimit:          ptr.To[int32](3),
			ActiveDeadlineSeconds: ptr.To[int64](300),
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					RestartPolicy:                corev1.RestartPolicyNever,
					AutomountServiceAccountToken: ptr.To(false),
					SecurityContext: &corev1.PodSecurityContext{
						RunAsUser: ptr.To[int64](mysqlUID), RunAsGroup: ptr.To[int64](mysqlUID), RunAsNonRoot: ptr.To(true),
						SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
					},
					Containers: []corev1.Container{{
						Name:    "rotate",
						Image:   image,
						Command: []string{"sh", "-c", `exec mysql -h "$MYSQL_HOST" -uroot -p"$MYSQL_ROOT_PASSWORD" -e "` + sql + `"`},
						Env:     env,
						SecurityContext: &corev1.SecurityContext{
							AllowPrivilegeEscalation: ptr.To(false),
							Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
						},
						TerminationMessagePolicy: corev1.TerminationMessageFallbackToLogsOnError,
					}},
				},
			},
		},
	}
}
