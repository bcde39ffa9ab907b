package controllers

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

// reconcileServer applies the API server Deployment and, with more than one replica, its
// PodDisruptionBudget. The Deployment moves to the target image only once the migrations for
// it succeeded; until then it keeps the image it runs (and is not created at all before the
// first successful migration).
func (r *TernantInstanceReconciler) reconcileServer(ctx context.Context, s *state) error {
	ti := s.ti
	live := &appsv1.Deployment{}
	err := r.Client.Get(ctx, client.ObjectKey{Namespace: ti.Namespace, Name: serverName(ti)}, live)
	switch {
	case apierrors.IsNotFound(err):
		live = nil
	case err != nil:
		return fmt.Errorf("read deployment %s: %w", serverName(ti), err)
	}
	var current release
	if live != nil {
		current = release{Image: live.Annotations[annotationImage], Version: live.Annotations[annotationVersion]}
	}
	if current.Image == "" {
		// Deleted (or never created): come back at the image the pods last ran, never at a
		// target whose migrations have not succeeded.
		current = release{Image: ti.Status.Image, Version: ti.Status.Version}
	}

	run := current
	if s.migrated {
		run = s.target
	}
	if run.Image == "" {
		setCondition(s, ternantv1.ConditionServerAvailable, false, ternantv1.ReasonWaitingForMigration,
			"the API server starts once the migrations for "+s.target.Version+" succeed")
		return r.reconcilePDB(ctx, s)
	}
	s.running = run

	in := runtimeInputs{run: run, configHash: s.configHash, secrets: s.secrets, db: s.db, redis: s.redis}
	wrote, err := r.apply(ctx, ti, serverDeployment(ti, in))
	if err != nil {
		return err
	}
	if current.Image != "" && current.Image != run.Image {
		r.event(s, corev1.EventTypeNormal, ternantv1.EventUpgrading, "RollOut", fmt.Sprintf("rolling out %s (was %s)", run.Version, current.Version))
	}
	if err := r.reconcilePDB(ctx, s); err != nil {
		return err
	}

	s.serving = live != nil && live.Status.AvailableReplicas >= 1
	switch {
	case live == nil || wrote:
		setCondition(s, ternantv1.ConditionServerAvailable, false, ternantv1.ReasonRollingOut,
			fmt.Sprintf("Deployment %s is rolling out %s", serverName(ti), run.Version))
	case !deploymentAvailable(live):
		setCondition(s, ternantv1.ConditionServerAvailable, false, ternantv1.ReasonRollingOut,
			fmt.Sprintf("Deployment %s is rolling out %s: %d of %d replicas updated, %d available",
				live.Name, run.Version, live.Status.UpdatedReplicas, replicas(ti), live.Status.AvailableReplicas))
	default:
		setCondition(s, ternantv1.ConditionServerAvailable, true, ternantv1.ReasonAvailable,
			fmt.Sprintf("Deployment %s runs %s with %d replicas available", live.Name, run.Version, live.Status.AvailableReplicas))
		if live.Status.Replicas == live.Status.UpdatedReplicas {
			// The rollout is complete: every pod, and so every ready pod, runs run.
			ti.Status.Image, ti.Status.Version = run.Image, run.Version
		}
	}
	return nil
}

// reconcilePDB keeps a PodDisruptionBudget exactly when more than one replica runs.
func (r *TernantInstanceReconciler) reconcilePDB(ctx context.Context, s *state) error {
	if replicas(s.ti) > 1 && s.running.Image != "" {
		_, err := r.apply(ctx, s.ti, serverPDB(s.ti))
		return err
	}
	return r.deleteIfOwned(ctx, s.ti, &policyv1.PodDisruptionBudget{ObjectMeta: serverPDB(s.ti).ObjectMeta})
}
