package controllers

import (
	"context"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

// readinessConditions must all be true for Ready; the server may instead still serve the
// previous version (see summarize). MonitoringReady and BackupHealthy are reported but left
// out: missing monitoring CRDs or a late backup must not make a serving platform look down.
var readinessConditions = []string{
	ternantv1.ConditionDatabaseReady,
	ternantv1.ConditionCacheReady,
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

// summarize derives Ready and Upgrading from the other conditions (or from the reconcile
// error) and exports the conditions as metrics. Ready stays true while an upgrade is under
// way (or blocked) as long as the previous version serves: Upgrading says what is going on.
func (r *TernantInstanceReconciler) summarize(s *state, reconcileErr error) {
	ti := s.ti
	ti.Status.ObservedGeneration = ti.Generation
	defer exportConditions(ti)
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
	upgrading := r.summarizeUpgrade(s)
	for _, t := range readinessConditions {
		c := meta.FindStatusCondition(ti.Status.Conditions, t)
		if c == nil {
			setCondition(s, ternantv1.ConditionReady, false, ternantv1.ReasonPending, t+" not yet reported")
			return
		}
		if c.Status != metav1.ConditionTrue {
			setCondition(s, ternantv1.ConditionReady, false, c.Reason, fmt.Sprintf("%s: %s", t, c.Message))
			return
		}
	}
	server := meta.FindStatusCondition(ti.Status.Conditions, ternantv1.ConditionServerAvailable)
	serverOK := server != nil && server.Status == metav1.ConditionTrue
	oldServes := s.serving && ti.Status.Image != ""
	if !serverOK && !oldServes {
		// Nothing serves: say what the platform waits for, the migrations first.
		for _, t := range []string{ternantv1.ConditionMigrationsSucceeded, ternantv1.ConditionServerAvailable} {
			c := meta.FindStatusCondition(ti.Status.Conditions, t)
			if c == nil {
				setCondition(s, ternantv1.ConditionReady, false, ternantv1.ReasonPending, t+" not yet reported")
				return
			}
			if c.Status != metav1.ConditionTrue {
				reason := c.Reason
				if reason == ternantv1.ReasonMigrationsFailed && ti.Status.Image != "" {
					reason = ternantv1.ReasonRolloutBlocked
				}
				setCondition(s, ternantv1.ConditionReady, false, reason, fmt.Sprintf("%s: %s", t, c.Message))
				return
			}
		}
	}
	if transitioned(s, ternantv1.ConditionReady, ternantv1.ReasonAvailable) {
		r.event(s, corev1.EventTypeNormal, ternantv1.ReasonAvailable, "Reconcile", "Ternant "+ti.Status.Version+" is ready")
	}
	msg := "Ternant " + ti.Status.Version + " serves at " + ti.Status.Endpoint
	if upgrading != "" {
		msg += "; " + upgrading
	}
	setCondition(s, ternantv1.ConditionReady, true, ternantv1.ReasonAvailable, msg)
}

// summarizeUpgrade sets Upgrading: true while the target differs from what every ready pod
// runs (status.image), with the reason of the stage it is at (MigrationsRunning, RollingOut,
// RolloutBlocked). It returns a short description while upgrading.
func (r *TernantInstanceReconciler) summarizeUpgrade(s *state) string {
	ti := s.ti
	switch {
	case ti.Status.Image == "":
		setCondition(s, ternantv1.ConditionUpgrading, false, ternantv1.ReasonPending, "installing "+s.target.Version)
		return ""
	case ti.Status.Image == s.target.Image:
		setCondition(s, ternantv1.ConditionUpgrading, false, ternantv1.ReasonUpToDate, "every ready pod runs "+s.target.Version)
		return ""
	}
	reason, detail := ternantv1.ReasonRollingOut, ""
	if c := meta.FindStatusCondition(ti.Status.Conditions, ternantv1.ConditionServerAvailable); c != nil {
		detail = c.Message
	}
	if !s.migrated {
		reason = ternantv1.ReasonMigrationsRunning
		if c := meta.FindStatusCondition(ti.Status.Conditions, ternantv1.ConditionMigrationsSucceeded); c != nil {
			detail = c.Message
			if c.Reason == ternantv1.ReasonMigrationsFailed {
				reason = ternantv1.ReasonRolloutBlocked
			}
		}
	}
	msg := fmt.Sprintf("upgrading from %s to %s (%s): %s", ti.Status.Version, s.target.Version, reason, detail)
	if transitioned(s, ternantv1.ConditionUpgrading, reason) && reason == ternantv1.ReasonRolloutBlocked {
		r.event(s, corev1.EventTypeWarning, ternantv1.ReasonRolloutBlocked, "Upgrade", msg)
	}
	setCondition(s, ternantv1.ConditionUpgrading, true, reason, msg)
	return fmt.Sprintf("upgrading to %s (%s)", s.target.Version, reason)
}

// exportConditions publishes the instance's conditions as ternant_operator_instance_condition.
func exportConditions(ti *ternantv1.TernantInstance) {
	instanceCondition.DeletePartialMatch(prometheus.Labels{"instance_namespace": ti.Namespace, "instance_name": ti.Name})
	for _, c := range ti.Status.Conditions {
		instanceCondition.WithLabelValues(ti.Namespace, ti.Name, c.Type, string(c.Status), c.Reason).Set(1)
	}
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
