package controllers

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

// reconcileMigrations runs the schema migrations for the target image in a Job named after a
// hash of that image and the schema, once the database is ready. Only a succeeded Job lets the
// server step roll the Deployment to the target image; a failed Job is kept and blocks it.
func (r *TernantInstanceReconciler) reconcileMigrations(ctx context.Context, s *state) error {
	ti := s.ti
	desired := migrationJob(ti, s.target, embeddedSchema, s.db)
	job := &batchv1.Job{}
	err := r.Client.Get(ctx, client.ObjectKey{Namespace: ti.Namespace, Name: desired.Name}, job)
	switch {
	case apierrors.IsNotFound(err):
		if !s.dbReady {
			setCondition(s, ternantv1.ConditionMigrationsSucceeded, false, ternantv1.ReasonWaitingForDatabase,
				"migrations for "+s.target.Version+" wait for the database")
			return nil
		}
		created, err := r.createIfAbsent(ctx, ti, desired, &batchv1.Job{})
		if err != nil {
			return err
		}
		msg := fmt.Sprintf("Job %s migrates the schema to version %d for %s", desired.Name, embeddedSchema.Version, s.target.Image)
		if created {
			r.event(s, corev1.EventTypeNormal, ternantv1.EventMigrationsStarted, "Migrate", msg)
		}
		setCondition(s, ternantv1.ConditionMigrationsSucceeded, false, ternantv1.ReasonMigrationsRunning, msg)
		return nil
	case err != nil:
		return fmt.Errorf("read job %s: %w", desired.Name, err)
	case !metav1.IsControlledBy(job, ti):
		// Someone else's Job, or a previous instance's that garbage collection has not removed yet.
		return &NameCollisionError{Kind: "Job", Namespace: ti.Namespace, Name: job.Name}
	}

	succeeded, failed, why := jobFinished(job)
	switch {
	case succeeded:
		s.migrated = true
		if prev := meta.FindStatusCondition(s.prev.Conditions, ternantv1.ConditionMigrationsSucceeded); prev == nil ||
			prev.Reason != ternantv1.ReasonMigrationsSucceeded || !strings.Contains(prev.Message, "Job "+job.Name+" ") {
			// First time this Job is seen finished: take the version its pod reported.
			v, err := r.reportedSchemaVersion(ctx, job)
			if err != nil {
				return err
			}
			ti.Status.SchemaVersion = v
			observeJobDuration(job, "succeeded")
		}
		msg := fmt.Sprintf("Job %s migrated the schema to version %d for %s", job.Name, ti.Status.SchemaVersion, s.target.Version)
		if changedMessage(s, ternantv1.ConditionMigrationsSucceeded, ternantv1.ReasonMigrationsSucceeded, msg) {
			r.event(s, corev1.EventTypeNormal, ternantv1.ReasonMigrationsSucceeded, "Migrate", msg)
		}
		setCondition(s, ternantv1.ConditionMigrationsSucceeded, true, ternantv1.ReasonMigrationsSucceeded, msg)
		if err := r.pruneMigrationJobs(ctx, s, job.Name); err != nil {
			return err
		}
	case failed:
		serving := "nothing is deployed yet"
		if img := runningImage(ti); img != "" {
			serving = img + " keeps serving"
		}
		msg := fmt.Sprintf("Job %s failed (%s); rollout of %s blocked, %s. Inspect `kubectl logs job/%s`, then fix the database or change spec.version, or delete the Job to retry",
			job.Name, why, s.target.Version, serving, job.Name)
		if changedMessage(s, ternantv1.ConditionMigrationsSucceeded, ternantv1.ReasonMigrationsFailed, msg) {
			r.event(s, corev1.EventTypeWarning, ternantv1.ReasonMigrationsFailed, "Migrate", msg)
			observeJobDuration(job, "failed")
		}
		setCondition(s, ternantv1.ConditionMigrationsSucceeded, false, ternantv1.ReasonMigrationsFailed, msg)
	default:
		setCondition(s, ternantv1.ConditionMigrationsSucceeded, false, ternantv1.ReasonMigrationsRunning,
			fmt.Sprintf("Job %s is migrating the schema for %s", job.Name, s.target.Version))
	}
	return nil
}

// pruneMigrationJobs deletes the instance's other migration Jobs once the Job for the target
// succeeded: they belong to superseded images (a failed one has served its purpose as evidence
// once a newer migration went through). It writes only when such Jobs exist.
func (r *TernantInstanceReconciler) pruneMigrationJobs(ctx context.Context, s *state, keep string) error {
	var jobs batchv1.JobList
	if err := r.Client.List(ctx, &jobs, client.InNamespace(s.ti.Namespace), client.MatchingLabels(selectorLabels(s.ti, componentMigrations))); err != nil {
		return fmt.Errorf("list migration jobs: %w", err)
	}
	for i := range jobs.Items {
		job := &jobs.Items[i]
		if job.Name == keep || !metav1.IsControlledBy(job, s.ti) || !job.DeletionTimestamp.IsZero() {
			continue
		}
		if err := r.Client.Delete(ctx, job, client.PropagationPolicy(metav1.DeletePropagationBackground)); client.IgnoreNotFound(err) != nil {
			return fmt.Errorf("delete superseded migration job %s: %w", job.Name, err)
		}
	}
	return nil
}

// reportedSchemaVersion is the schema version the migration Job's pod wrote to its
// termination message (`ternant migrate up` writes {"schemaVersion":N}). An image that reports
// nothing (older releases) is taken at the version the Job was created for.
func (r *TernantInstanceReconciler) reportedSchemaVersion(ctx context.Context, job *batchv1.Job) (int64, error) {
	msgs, err := r.terminationMessages(ctx, job)
	if err != nil {
		return 0, err
	}
	for _, m := range msgs {
		var rep struct {
			SchemaVersion *int64 `json:"schemaVersion"`
		}
		for _, line := range strings.Split(m, "\n") {
			if json.Unmarshal([]byte(strings.TrimSpace(line)), &rep) == nil && rep.SchemaVersion != nil {
				return *rep.SchemaVersion, nil
			}
		}
	}
	v, _ := strconv.ParseInt(job.Annotations[annotationSchemaVersion], 10, 64)
	return v, nil
}

// terminationMessages lists the termination messages of the Job's pods whose container exited
// with 0, newest pod first. Pods are read directly (the operator caches no pods).
func (r *TernantInstanceReconciler) terminationMessages(ctx context.Context, job *batchv1.Job) ([]string, error) {
	var pods corev1.PodList
	if err := r.reader().List(ctx, &pods, client.InNamespace(job.Namespace), client.MatchingLabels{batchv1.JobNameLabel: job.Name}); err != nil {
		return nil, fmt.Errorf("list pods of job %s: %w", job.Name, err)
	}
	sort.Slice(pods.Items, func(i, j int) bool {
		return pods.Items[j].CreationTimestamp.Before(&pods.Items[i].CreationTimestamp)
	})
	var out []string
	for _, p := range pods.Items {
		for _, cs := range p.Status.ContainerStatuses {
			if t := cs.State.Terminated; t != nil && t.ExitCode == 0 && t.Message != "" {
				out = append(out, t.Message)
			}
		}
	}
	return out, nil
}

// observeJobDuration records a finished migration Job's run time.
func observeJobDuration(job *batchv1.Job, result string) {
	if job.Status.StartTime == nil {
		return
	}
	end := time.Now()
	if job.Status.CompletionTime != nil {
		end = job.Status.CompletionTime.Time
	} else {
		for _, c := range job.Status.Conditions {
			if c.Type == batchv1.JobFailed && c.Status == corev1.ConditionTrue {
				end = c.LastTransitionTime.Time
			}
		}
	}
	migrationDuration.WithLabelValues(result).Observe(end.Sub(job.Status.StartTime.Time).Seconds())
}

// runningImage is the image the status says the server runs.
func runningImage(ti *ternantv1.TernantInstance) string { return ti.Status.Image }

// changedMessage reports whether condType's reason or message differs from what was read.
func changedMessage(s *state, condType, reason, msg string) bool {
	c := meta.FindStatusCondition(s.prev.Conditions, condType)
	return c == nil || c.Reason != reason || c.Message != msg
}
