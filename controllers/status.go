package controllers

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

// readinessConditions must all be true for Ready. MonitoringReady is reported but left out:
// missing monitoring CRDs must not make a serving platform look down.
var readinessConditions = []string{
	ternantv1.ConditionDatabaseReady,
	ternantv1.ConditionCacheReady,
	ternantv1.ConditionMigrationsSucceeded,
	ternantv1.ConditionServerAvailable,
}

// setCondition records a condition for the instance's current generation.
func setCondition(s *state, condType string, ok bool, reason, msg string) {
	status := metav1.ConditionFalse
	if ok {
		status = metav1.ConditionTrue
	}
	meta.SetStatusCondition(&s.ti.Status.Conditions, metav1.Condition{
		Type:               condType,
		Status:             status,
		Reason:             reason,
		Message:            msg,
		ObservedGeneration: s.ti.Generation,
	})
}

// transitioned reports whether condType's reason differs from the one read at the start of the
// reconcile: Events are emitted on transitions only, never on every pass.
func transitioned(s *state, condType, reason string) bool {
	c := meta.FindStatusCondition(s.prev.Conditions, condType)
	return c == nil || c.Reason != reason
}

// event records a Kubernetes Event about the instance.
func (r *TernantInstanceReconciler) event(s *state, eventType, reason, action, msg string) {
	if r.Recorder == nil {
		return
	}
	r.Recorder.Eventf(s.ti, nil, eventType, reason, action, "%s", msg)
}

// summarize derives Ready from the other conditions (or from the reconcile error) and fills
// the top-level status fields.
func (r *TernantInstanceReconciler) summarize(s *state, reconcileErr error) {
	ti := s.ti
	ti.Status.ObservedGeneration = ti.Generation
	if s.running.Image != "" {
		ti.Status.Image = s.running.Image
		ti.Status.Version = s.running.Version
	}
	if reconcileErr != nil {
		if transitioned(s, ternantv1.ConditionReady, ternantv1.ReasonReconcileError) {
			r.event(s, corev1.EventTypeWarning, ternantv1.ReasonReconcileError, "Reconcile", reconcileErr.Error())
		}
		setCondition(s, ternantv1.ConditionReady, false, ternantv1.ReasonReconcileError, reconcileErr.Error())
		return
	}
	if s.halt {
		return // the halting step set Ready with its reason
	}
	for _, t := range readinessConditions {
		c := meta.FindStatusCondition(ti.Status.Conditions, t)
		if c == nil {
			setCondition(s, ternantv1.ConditionReady, false, ternantv1.ReasonPending, t+" not yet reported")
			return
		}
		if c.Status != metav1.ConditionTrue {
			reason := c.Reason
			if reason == ternantv1.ReasonMigrationsFailed && s.running.Image != "" {
				reason = ternantv1.ReasonRolloutBlocked
			}
			setCondition(s, ternantv1.ConditionReady, false, reason, fmt.Sprintf("%s: %s", t, c.Message))
			return
		}
	}
	if transitioned(s, ternantv1.ConditionReady, ternantv1.ReasonAvailable) {
		r.event(s, corev1.EventTypeNormal, ternantv1.ReasonAvailable, "Reconcile", "Ternant "+s.running.Version+" is ready")
	}
	setCondition(s, ternantv1.ConditionReady, true, ternantv1.ReasonAvailable, "Ternant "+s.running.Version+" serves at "+ti.Status.Endpoint)
}

// writeStatus writes the status subresource when it differs from what was read.
func (r *TernantInstanceReconciler) writeStatus(ctx context.Context, orig, ti *ternantv1.TernantInstance) error {
	if equality.Semantic.DeepEqual(orig.Status, ti.Status) {
		return nil
	}
	if err := r.Client.Status().Patch(ctx, ti, client.MergeFrom(orig)); err != nil {
		return fmt.Errorf("write status of %s: %w", ti.Name, err)
	}
	return nil
}
