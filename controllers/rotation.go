package controllers

import (
	"context"
	"fmt"
	"maps"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

// Keys of the credentials Secrets that carry a rotation through reconciles.
const (
	keyNextPassword      = "next-password"      // the password being introduced
	keyRotated           = "rotated"            // the last rotation request whose password is in use
	keyRotationDiscarded = "rotation-discarded" // the last rotation request whose old password MySQL forgot
)

// reconcileRotation carries out a database password rotation asked for with the instance
// annotation ternant.io/rotate-database-password (each new value rotates once), in an order that
// never leaves a pod with a password MySQL refuses:
//
//  1. a new password is stored beside the current one (next-password);
//  2. a Job adds it in MySQL, keeping the current one valid (ALTER USER ... RETAIN CURRENT PASSWORD);
//  3. the Secret's password becomes the new one: the config hash changes and the pods roll;
//  4. once every server pod runs with it, a Job drops the old one (DISCARD OLD PASSWORD).
//
// A failed Job stops the rotation with a Warning Event; the platform keeps the working password.
func (r *TernantInstanceReconciler) reconcileRotation(ctx context.Context, s *state) error {
	ti := s.ti
	requested := ti.Annotations[AnnotationRotateDatabasePassword]
	if ti.Spec.Database.Managed == nil || requested == "" || !s.dbReady {
		return nil
	}
	data, err := r.generatedSecretData(ctx, ti, mysqlSecretName(ti))
	if err != nil || !hasKeys(data, keyRootPassword, keyPassword) {
		return err
	}
	data = maps.Clone(data)

	if string(data[keyRotated]) != requested {
		if len(data[keyNextPassword]) == 0 {
			next, err := randomSecret()
			if err != nil {
				return fmt.Errorf("generate password: %w", err)
			}
			data[keyNextPassword] = []byte(next)
			return r.writeDatabaseCredentials(ctx, ti, data)
		}
		done, err := r.rotationJob(ctx, s, requested, false)
		if err != nil || !done {
			return err
		}
		data[keyPassword] = data[keyNextPassword]
		delete(data, keyNextPassword)
		data[keyRotated] = []byte(requested)
		r.event(s, corev1.EventTypeNormal, "PasswordRotated", "RotateCredentials",
			"MySQL accepts the new password; the pods roll to it, then the old one is dropped")
		return r.writeDatabaseCredentials(ctx, ti, data)
	}
	if string(data[keyRotationDiscarded]) == requested {
		return nil
	}
	// Every server pod must run with the new password before the old one goes.
	dep := &appsv1.Deployment{}
	if err := r.Client.Get(ctx, client.ObjectKey{Namespace: ti.Namespace, Name: serverName(ti)}, dep); client.IgnoreNotFound(err) != nil {
		return fmt.Errorf("read deployment %s: %w", serverName(ti), err)
	}
	if dep.Name != "" && (dep.Spec.Template.Annotations[annotationConfigHash] != s.configHash ||
		!deploymentAvailable(dep) || dep.Status.Replicas != dep.Status.UpdatedReplicas) {
		return nil // the Deployment's events bring the next reconcile
	}
	done, err := r.rotationJob(ctx, s, requested, true)
	if err != nil || !done {
		return err
	}
	data[keyRotationDiscarded] = []byte(requested)
	return r.writeDatabaseCredentials(ctx, ti, data)
}

// rotationJob runs one of the two rotation Jobs and reports whether it succeeded.
func (r *TernantInstanceReconciler) rotationJob(ctx context.Context, s *state, requested string, discard bool) (bool, error) {
	desired := rotationJob(s.ti, requested, discard)
	job := &batchv1.Job{}
	switch err := r.Client.Get(ctx, client.ObjectKeyFromObject(desired), job); {
	case apierrors.IsNotFound(err):
		_, err := r.createIfAbsent(ctx, s.ti, desired, &batchv1.Job{})
		return false, err
	case err != nil:
		return false, fmt.Errorf("read job %s: %w", desired.Name, err)
	case !metav1.IsControlledBy(job, s.ti):
		return false, &NameCollisionError{Kind: "Job", Namespace: s.ti.Namespace, Name: job.Name}
	}
	succeeded, failed, why := jobFinished(job)
	if failed && transitioned(s, ternantv1.ConditionDatabaseReady, ternantv1.ReasonRotationFailed) {
		r.event(s, corev1.EventTypeWarning, ternantv1.ReasonRotationFailed, "RotateCredentials",
			fmt.Sprintf("Job %s failed (%s); the current password stays in use. Inspect `kubectl logs job/%s`, then delete the Job to retry", job.Name, why, job.Name))
	}
	return succeeded, nil
}
