package controllers

import (
	"context"
	"fmt"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

// envtest runs no kubelet and no built-in controllers: these helpers write the status the
// StatefulSet, Deployment and Job controllers and the kubelet would.

// createInstance creates a TernantInstance named name in ns after mutate shapes its spec.
func createInstance(t *testing.T, h *harness, ns, name string, mutate func(*ternantv1.TernantInstance)) *ternantv1.TernantInstance {
	t.Helper()
	ti := &ternantv1.TernantInstance{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}}
	if mutate != nil {
		mutate(ti)
	}
	if err := h.k8s.Create(context.Background(), ti); err != nil {
		t.Fatalf("create instance: %v", err)
	}
	return ti
}

// updateInstance changes an instance's spec, retrying on conflicts.
func updateInstance(t *testing.T, h *harness, ns, name string, mutate func(*ternantv1.TernantInstance)) {
	t.Helper()
	eventually(t, "update instance", func() error {
		ti := &ternantv1.TernantInstance{}
		if err := get(h, ns, name, ti); err != nil {
			return err
		}
		mutate(ti)
		return h.k8s.Update(context.Background(), ti)
	})
}

// markStatefulSetReady reports one ready replica, as the StatefulSet controller would.
func markStatefulSetReady(t *testing.T, h *harness, ns, name string) {
	t.Helper()
	eventually(t, "mark statefulset "+name+" ready", func() error {
		sts := &appsv1.StatefulSet{}
		if err := get(h, ns, name, sts); err != nil {
			return err
		}
		sts.Status = appsv1.StatefulSetStatus{
			ObservedGeneration: sts.Generation, Replicas: 1, ReadyReplicas: 1, AvailableReplicas: 1,
			CurrentReplicas: 1, UpdatedReplicas: 1,
		}
		return h.k8s.Status().Update(context.Background(), sts)
	})
}

// markDeploymentAvailable reports every replica updated and available for the current spec.
func markDeploymentAvailable(t *testing.T, h *harness, ns, name string) {
	t.Helper()
	eventually(t, "mark deployment "+name+" available", func() error {
		dep := &appsv1.Deployment{}
		if err := get(h, ns, name, dep); err != nil {
			return err
		}
		n := ptr.Deref(dep.Spec.Replicas, 1)
		now := metav1.Now()
		dep.Status = appsv1.DeploymentStatus{
			ObservedGeneration: dep.Generation, Replicas: n, UpdatedReplicas: n, ReadyReplicas: n, AvailableReplicas: n,
			Conditions: []appsv1.DeploymentCondition{{
				Type: appsv1.DeploymentAvailable, Status: corev1.ConditionTrue, Reason: "MinimumReplicasAvailable",
				LastUpdateTime: now, LastTransitionTime: now,
			}},
		}
		return h.k8s.Status().Update(context.Background(), dep)
	})
}

// finishJob marks a Job succeeded or failed, with the conditions the Job controller sets.
func finishJob(t *testing.T, h *harness, ns, name string, succeeded bool) {
	t.Helper()
	eventually(t, "finish job "+name, func() error {
		job := &batchv1.Job{}
		if err := get(h, ns, name, job); err != nil {
			return err
		}
		start := metav1.NewTime(time.Now().Add(-time.Minute).Truncate(time.Second))
		end := metav1.NewTime(time.Now().Truncate(time.Second))
		job.Status.StartTime = &start
		cond := func(tp batchv1.JobConditionType, reason, msg string) batchv1.JobCondition {
			return batchv1.JobCondition{Type: tp, Status: corev1.ConditionTrue, Reason: reason, Message: msg, LastProbeTime: end, LastTransitionTime: end}
		}
		if succeeded {
			job.Status.Succeeded = 1
			job.Status.CompletionTime = &end
			job.Status.Conditions = []batchv1.JobCondition{
				cond(batchv1.JobSuccessCriteriaMet, "CompletionsReached", "Reached expected number of succeeded pods"),
				cond(batchv1.JobComplete, "CompletionsReached", "Reached expected number of succeeded pods"),
			}
		} else {
			job.Status.Failed = 2
			job.Status.Conditions = []batchv1.JobCondition{
				cond(batchv1.JobFailureTarget, "BackoffLimitExceeded", "Job has reached the specified backoff limit"),
				cond(batchv1.JobFailed, "BackoffLimitExceeded", "Job has reached the specified backoff limit"),
			}
		}
		return h.k8s.Status().Update(context.Background(), job)
	})
}

// migrationJobFor waits for the migration Job of image and returns it.
func migrationJobFor(t *testing.T, h *harness, ns, instance, image string) *batchv1.Job {
	t.Helper()
	ti := &ternantv1.TernantInstance{ObjectMeta: metav1.ObjectMeta{Name: instance, Namespace: ns}}
	name := migrationJobName(ti, image, embeddedSchema)
	job := &batchv1.Job{}
	eventually(t, "migration job "+name, func() error { return get(h, ns, name, job) })
	return job
}

// waitCondition waits until the instance reports condType with status and reason.
func waitCondition(t *testing.T, h *harness, ns, name, condType string, status metav1.ConditionStatus, reason string) *ternantv1.TernantInstance {
	t.Helper()
	ti := &ternantv1.TernantInstance{}
	eventually(t, fmt.Sprintf("condition %s=%s reason %s", condType, status, reason), func() error {
		if err := get(h, ns, name, ti); err != nil {
			return err
		}
		c := meta.FindStatusCondition(ti.Status.Conditions, condType)
		if c == nil {
			return fmt.Errorf("no %s condition in %+v", condType, ti.Status.Conditions)
		}
		if c.Status != status || c.Reason != reason {
			return fmt.Errorf("%s is %s/%s: %s", condType, c.Status, c.Reason, c.Message)
		}
		if c.ObservedGeneration != ti.Generation {
			return fmt.Errorf("%s observed generation %d, instance at %d", condType, c.ObservedGeneration, ti.Generation)
		}
		return nil
	})
	return ti
}

// bringUp drives a managed instance to Ready: database ready, Redis available, migrations
// succeeded, server available.
func bringUp(t *testing.T, h *harness, ns, name string) {
	t.Helper()
	ti := &ternantv1.TernantInstance{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}}
	markStatefulSetReady(t, h, ns, mysqlName(ti))
	markStatefulSetReady(t, h, ns, redisName(ti))
	job := migrationJobFor(t, h, ns, name, testImage)
	finishJob(t, h, ns, job.Name, true)
	eventually(t, "server deployment", func() error { return get(h, ns, name, &appsv1.Deployment{}) })
	markDeploymentAvailable(t, h, ns, name)
	waitCondition(t, h, ns, name, ternantv1.ConditionReady, metav1.ConditionTrue, ternantv1.ReasonAvailable)
}

// listOwned lists objects of list's kind in ns controlled by the instance.
func controlledBy(obj client.Object, ti *ternantv1.TernantInstance) error {
	ref := metav1.GetControllerOf(obj)
	if ref == nil {
		return fmt.Errorf("%s has no controller reference", obj.GetName())
	}
	if ref.UID != ti.UID || ref.Kind != "TernantInstance" || ref.APIVersion != ternantv1.GroupVersion.String() || !ptr.Deref(ref.BlockOwnerDeletion, false) {
		return fmt.Errorf("%s controller reference %+v does not name instance %s (%s) with blockOwnerDeletion", obj.GetName(), *ref, ti.Name, ti.UID)
	}
	return nil
}
