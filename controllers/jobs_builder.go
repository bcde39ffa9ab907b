package controllers

import (
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

// scheduledJob is one `ternant jobs <command>` CronJob.
type scheduledJob struct {
	command  string // the `ternant jobs` subcommand, also the CronJob name suffix
	schedule string
}

// scheduledJobs lists the CronJobs with the spec's schedules (CRD defaults as fallback).
func scheduledJobs(ti *ternantv1.TernantInstance) []scheduledJob {
	j := ti.Spec.Jobs
	return []scheduledJob{
		{"mark-overdue", defaultedString(j.MarkOverdue, "5 0 * * *")},
		{"reminders-due-soon", defaultedString(j.RemindersDueSoon, "0 8 * * *")},
		{"reminders-overdue", defaultedString(j.RemindersOverdue, "0 9 * * *")},
		// Housekeeping, not a business schedule: drop Idempotency-Key records past their 24 h.
		{"cleanup-idempotency-keys", "30 3 * * *"},
	}
}

// cronJobName is <instance>-<command>.
func cronJobName(ti *ternantv1.TernantInstance, command string) string {
	return ti.Name + "-" + command
}

// cronJob runs `ternant jobs <command>` on its schedule with the server's image and settings.
// Runs never overlap, and a run missed by more than ten minutes is skipped, not made up.
func cronJob(ti *ternantv1.TernantInstance, in runtimeInputs, sj scheduledJob) *batchv1.CronJob {
	labels := objectLabels(ti, componentJobs)
	envFrom, env := ternantEnv(ti, in)
	return &batchv1.CronJob{
		ObjectMeta: metav1.ObjectMeta{Name: cronJobName(ti, sj.command), Namespace: ti.Namespace, Labels: labels},
		Spec: batchv1.CronJobSpec{
			Schedule:                   sj.schedule,
			TimeZone:                   ptr.To(defaultedString(ti.Spec.Jobs.TimeZone, "UTC")),
			Suspend:                    ptr.To(ti.Spec.Jobs.Suspend),
			ConcurrencyPolicy:          batchv1.ForbidConcurrent,
			StartingDeadlineSeconds:    ptr.To[int64](600),
			SuccessfulJobsHistoryLimit: ptr.To[int32](3),
			FailedJobsHistoryLimit:     ptr.To[int32](3),
			JobTemplate: batchv1.JobTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: batchv1.JobSpec{
					BackoffLimit:          ptr.To[int32](2),
					ActiveDeadlineSeconds: ptr.To[int64](1800),
					Template: corev1.PodTemplateSpec{
						ObjectMeta: metav1.ObjectMeta{
							Labels:      labels,
							Annotations: map[string]string{annotationConfigHash: in.configHash},
						},
						Spec: withTmp(runOncePodSpec(ti, corev1.Container{
							Name:    "job",
							Image:   in.run.Image,
							Args:    []string{"jobs", sj.command},
							EnvFrom: envFrom,
							Env:     env,
						})),
					},
				},
			},
		},
	}
}
