package controllers

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

// reconcileDatabase runs the managed MySQL (headless Service and StatefulSet) or, for an
// external database, only records how to reach it. DatabaseReady gates the migrations.
func (r *TernantInstanceReconciler) reconcileDatabase(ctx context.Context, s *state) error {
	ti := s.ti
	s.db = databaseConn(ti)
	if ti.Spec.Database.External != nil {
		s.dbReady = true
		setCondition(s, ternantv1.ConditionDatabaseReady, true, ternantv1.ReasonExternal,
			fmt.Sprintf("external database %s:%d (not probed by the operator)", s.db.Host, s.db.Port))
		return nil
	}
	if _, err := r.apply(ctx, ti, mysqlService(ti)); err != nil {
		return err
	}
	if _, err := r.apply(ctx, ti, mysqlStatefulSet(ti)); err != nil {
		return err
	}
	sts := &appsv1.StatefulSet{}
	// Just created, the StatefulSet may not be in the cache yet: that is "not ready".
	if err := r.Client.Get(ctx, client.ObjectKey{Namespace: ti.Namespace, Name: mysqlName(ti)}, sts); client.IgnoreNotFound(err) != nil {
		return fmt.Errorf("read statefulset %s: %w", mysqlName(ti), err)
	}
	s.dbReady = statefulSetReady(sts)
	if !s.dbReady {
		setCondition(s, ternantv1.ConditionDatabaseReady, false, ternantv1.ReasonProvisioning,
			"MySQL StatefulSet "+mysqlName(ti)+" has no ready replica of its current spec yet")
		return nil
	}
	if transitioned(s, ternantv1.ConditionDatabaseReady, ternantv1.ReasonAvailable) {
		r.event(s, corev1.EventTypeNormal, ternantv1.EventDatabaseReady, "ReconcileDatabase", "MySQL "+sts.Name+" is ready")
	}
	setCondition(s, ternantv1.ConditionDatabaseReady, true, ternantv1.ReasonAvailable, "MySQL StatefulSet "+sts.Name+" is ready")
	return nil
}

// statefulSetReady reports whether a one-replica StatefulSet's controller saw its current spec
// (observedGeneration) and its pod runs that spec and is ready: status left over from before a
// spec change (a restart for a new max_connections) does not count.
func statefulSetReady(sts *appsv1.StatefulSet) bool {
	st := sts.Status
	if sts.Generation == 0 || st.ObservedGeneration < sts.Generation {
		return false
	}
	if st.UpdateRevision != "" && st.CurrentRevision != st.UpdateRevision {
		return false
	}
	return st.ReadyReplicas >= 1 && st.UpdatedReplicas >= 1
}
