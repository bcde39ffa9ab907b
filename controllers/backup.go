package controllers

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/robfig/cron/v3"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

// reconcileRestore initialises a new instance's database from spec.restore: once the database
// is ready, a Job runs `ternant backup restore`; the walk halts (so neither migrations nor the
// API server start) until that Job succeeded. A restore is done once per instance: an
// instance that already served, or already restored, ignores spec.restore.
func (r *TernantInstanceReconciler) reconcileRestore(ctx context.Context, s *state) error {
	ti := s.ti
	rs := ti.Spec.Restore
	if rs == nil || ti.Status.Restore != nil || ti.Status.Image != "" {
		return nil
	}
	if !s.dbReady {
		r.halt(s, ternantv1.ReasonRestoring, "the restore from "+targetURL(rs.Source)+" waits for the database")
		return nil
	}
	name := restoreJobName(ti)
	job := &batchv1.Job{}
	switch err := r.Client.Get(ctx, client.ObjectKey{Namespace: ti.Namespace, Name: name}, job); {
	case apierrors.IsNotFound(err):
		created, err := r.createIfAbsent(ctx, ti, restoreJob(ti, s.target, s.db), &batchv1.Job{})
		if err != nil {
			return err
		}
		msg := fmt.Sprintf("Job %s restores the database from %s; the API server starts once it succeeded", name, targetURL(rs.Source))
		if created {
			r.event(s, corev1.EventTypeNormal, ternantv1.ReasonRestoring, "Restore", msg)
		}
		r.halt(s, ternantv1.ReasonRestoring, msg)
		return nil
	case err != nil:
		return fmt.Errorf("read job %s: %w", name, err)
	case !metav1.IsControlledBy(job, ti):
		return &NameCollisionError{Kind: "Job", Namespace: ti.Namespace, Name: name}
	}
	succeeded, failed, why := jobFinished(job)
	switch {
	case succeeded:
		done := job.Status.CompletionTime
		if done == nil {
			done = &metav1.Time{Time: time.Now()}
		}
		ti.Status.Restore = &ternantv1.RestoreStatus{CompletionTime: done, Job: name}
		r.event(s, corev1.EventTypeNormal, "Restored", "Restore", fmt.Sprintf("Job %s restored the database from %s", name, targetURL(rs.Source)))
	case failed:
		r.halt(s, ternantv1.ReasonRestoreFailed, fmt.Sprintf(
			"Job %s failed (%s): the database was not restored and the API server is not started. Inspect `kubectl logs job/%s`; "+
				"fix spec.restore (a new request runs a new Job) or delete the Job to retry", name, why, name))
	default:
		r.halt(s, ternantv1.ReasonRestoring, fmt.Sprintf("Job %s is restoring the database from %s", name, targetURL(rs.Source)))
	}
	return nil
}

// reconcileBackup applies the backup CronJob when spec.backup is set (deleting it otherwise),
// records the newest successful backup in status.backup and judges BackupHealthy: false when
// a scheduled run should have completed since the newest successful backup and none did.
func (r *TernantInstanceReconciler) reconcileBackup(ctx context.Context, s *state) error {
	ti := s.ti
	b := ti.Spec.Backup
	if b == nil {
		meta.RemoveStatusCondition(&ti.Status.Conditions, ternantv1.ConditionBackupHealthy)
		return r.deleteIfOwned(ctx, ti, &batchv1.CronJob{ObjectMeta: metav1.ObjectMeta{Name: backupName(ti)}})
	}
	if s.running.Image == "" {
		setCondition(s, ternantv1.ConditionBackupHealthy, true, ternantv1.ReasonNoBackupYet, "backups start once the API server runs")
		return nil
	}
	if _, err := r.apply(ctx, ti, backupCronJob(ti, s.running, s.db)); err != nil {
		return err
	}
	if err := r.observeBackups(ctx, s); err != nil {
		return err
	}
	if st := ti.Status.Backup; st != nil && st.LastSuccessfulTime != nil {
		l := []string{ti.Namespace, ti.Name}
		backupLastSuccess.WithLabelValues(l...).Set(float64(st.LastSuccessfulTime.Unix()))
		backupDuration.WithLabelValues(l...).Set(float64(st.DurationSeconds))
		backupSize.WithLabelValues(l...).Set(float64(st.Size))
	}
	if b.Suspend {
		setCondition(s, ternantv1.ConditionBackupHealthy, false, ternantv1.ReasonDisabled, "backups are suspended (spec.backup.suspend)")
		return nil
	}

	schedule := defaultedString(b.Schedule, "0 2 * * *")
	tz := defaultedString(ti.Spec.Jobs.TimeZone, "UTC")
	sched, err := cron.ParseStandard("CRON_TZ=" + tz + " " + schedule)
	if err != nil {
		setCondition(s, ternantv1.ConditionBackupHealthy, false, ternantv1.ReasonInvalidSchedule,
			fmt.Sprintf("spec.backup.schedule %q (time zone %s): %v", schedule, tz, err))
		return nil
	}
	cj := &batchv1.CronJob{}
	var created time.Time
	if err := r.Client.Get(ctx, client.ObjectKey{Namespace: ti.Namespace, Name: backupName(ti)}, cj); err == nil {
		created = cj.CreationTimestamp.Time
	}
	var last time.Time
	if st := ti.Status.Backup; st != nil && st.LastSuccessfulTime != nil {
		last = st.LastSuccessfulTime.Time
	}
	h := backupHealth(sched, last, created, time.Now())
	setCondition(s, ternantv1.ConditionBackupHealthy, h.healthy, h.reason, h.message)
	if h.recheck > 0 {
		s.requeueAfter(h.recheck)
	}
	return nil
}

// health is BackupHealthy's verdict and when it may change next.
type health struct {
	healthy bool
	reason  string
	message string
	recheck time.Duration
}

// backupHealth judges backups against the schedule: the newest success (or, before the first,
// the CronJob's creation) is the reference; the first run scheduled after it must have
// completed within backupDeadline. Until then the backups are current.
func backupHealth(sched cron.Schedule, last, created, now time.Time) health {
	ref, reason := last, ternantv1.ReasonBackupsCurrent
	if last.IsZero() {
		ref, reason = created, ternantv1.ReasonNoBackupYet
	}
	if ref.IsZero() {
		ref = now
	}
	due := sched.Next(ref).Add(backupDeadline)
	if !now.Before(due) {
		what := "no successful backup since the backup CronJob was created at " + ref.UTC().Format(time.RFC3339)
		if !last.IsZero() {
			what = "the newest successful backup completed at " + last.UTC().Format(time.RFC3339)
		}
		return health{false, ternantv1.ReasonBackupStale, fmt.Sprintf(
			"%s; the run scheduled at %s should have completed by %s. Inspect the backup CronJob's Jobs",
			what, sched.Next(ref).UTC().Format(time.RFC3339), due.UTC().Format(time.RFC3339)), 0}
	}
	msg := "no backup yet; the first is due by " + due.UTC().Format(time.RFC3339)
	if !last.IsZero() {
		msg = "the newest successful backup completed at " + last.UTC().Format(time.RFC3339) + "; the next is due by " + due.UTC().Format(time.RFC3339)
	}
	return health{true, reason, msg, due.Sub(now) + time.Second}
}

// observeBackups records the newest successful backup Job in status.backup, reading the
// result its pod wrote to the termination message. It reads pods only when that Job changed.
func (r *TernantInstanceReconciler) observeBackups(ctx context.Context, s *state) error {
	ti := s.ti
	var jobs batchv1.JobList
	if err := r.Client.List(ctx, &jobs, client.InNamespace(ti.Namespace), client.MatchingLabels(selectorLabels(ti, componentBackup))); err != nil {
		return fmt.Errorf("list backup jobs: %w", err)
	}
	var done []*batchv1.Job
	for i := range jobs.Items {
		if ok, _, _ := jobFinished(&jobs.Items[i]); ok && jobs.Items[i].Status.CompletionTime != nil {
			done = append(done, &jobs.Items[i])
		}
	}
	if len(done) == 0 {
		return nil
	}
	sort.Slice(done, func(i, j int) bool { return done[j].Status.CompletionTime.Before(done[i].Status.CompletionTime) })
	newest := done[0]
	if st := ti.Status.Backup; st != nil && (st.Job == newest.Name || (st.LastSuccessfulTime != nil && !st.LastSuccessfulTime.Before(newest.Status.CompletionTime))) {
		return nil
	}
	st := &ternantv1.BackupStatus{Job: newest.Name, LastSuccessfulTime: newest.Status.CompletionTime}
	if newest.Status.StartTime != nil {
		st.DurationSeconds = int64(newest.Status.CompletionTime.Sub(newest.Status.StartTime.Time).Seconds())
	}
	msgs, err := r.terminationMessages(ctx, newest)
	if err != nil {
		return err
	}
	for _, m := range msgs {
		res, err := parseBackupResult(m)
		if err != nil {
			continue
		}
		st.Name, st.Location, st.Size, st.SchemaVersion = res.Name, res.Location, res.Size, res.SchemaVersion
		st.LastSuccessfulTime = ptr.To(metav1.NewTime(res.CompletedAt.Truncate(time.Second)))
		if !res.StartedAt.IsZero() {
			st.DurationSeconds = int64(res.CompletedAt.Sub(res.StartedAt).Seconds())
		}
		break
	}
	ti.Status.Backup = st
	r.event(s, corev1.EventTypeNormal, "BackupSucceeded", "Backup", fmt.Sprintf("backup %s (%d bytes) at %s", st.Name, st.Size, st.Location))
	return nil
}
