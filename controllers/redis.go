package controllers

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

// reconcileRedis runs the managed Redis (Service and StatefulSet) or records the external one.
// CacheReady is informative: the server degrades to cache bypass while Redis is away.
func (r *TernantInstanceReconciler) reconcileRedis(ctx context.Context, s *state) error {
	ti := s.ti
	s.redis = redisConnection(ti)
	if ti.Spec.Redis.External != nil {
		setCondition(s, ternantv1.ConditionCacheReady, true, ternantv1.ReasonExternal,
			fmt.Sprintf("external Redis %s:%d (not probed by the operator)", s.redis.Host, s.redis.Port))
		return nil
	}
	if _, err := r.apply(ctx, ti, redisService(ti)); err != nil {
		return err
	}
	password, err := r.secretValue(ctx, ti.Namespace, *s.redis.Password)
	if err != nil {
		return err
	}
	if _, err := r.apply(ctx, ti, redisStatefulSet(ti, secretHash(password))); err != nil {
		return err
	}
	// Earlier operator versions ran Redis as a Deployment of the same name without a volume.
	if err := r.deleteIfOwned(ctx, ti, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: redisName(ti)}}); err != nil {
		return err
	}
	sts := &appsv1.StatefulSet{}
	// Just created, the StatefulSet may not be in the cache yet: that is "not ready".
	if err := r.Client.Get(ctx, client.ObjectKey{Namespace: ti.Namespace, Name: redisName(ti)}, sts); client.IgnoreNotFound(err) != nil {
		return fmt.Errorf("read statefulset %s: %w", redisName(ti), err)
	}
	if !statefulSetReady(sts) {
		setCondition(s, ternantv1.ConditionCacheReady, false, ternantv1.ReasonProvisioning, "Redis StatefulSet "+redisName(ti)+" has no ready replica of its current spec yet")
		return nil
	}
	if transitioned(s, ternantv1.ConditionCacheReady, ternantv1.ReasonAvailable) {
		r.event(s, corev1.EventTypeNormal, ternantv1.EventCacheReady, "ReconcileRedis", "Redis "+sts.Name+" is ready")
	}
	setCondition(s, ternantv1.ConditionCacheReady, true, ternantv1.ReasonAvailable, "Redis StatefulSet "+sts.Name+" is ready")
	return nil
}

// deploymentAvailable reports whether a Deployment's controller saw its current spec and says
// it is Available with every replica updated.
func deploymentAvailable(dep *appsv1.Deployment) bool {
	if dep.Status.ObservedGeneration < dep.Generation {
		return false
	}
	want := int32(1)
	if dep.Spec.Replicas != nil {
		want = *dep.Spec.Replicas
	}
	if dep.Status.UpdatedReplicas < want || dep.Status.AvailableReplicas < 1 {
		return false
	}
	for _, c := range dep.Status.Conditions {
		if c.Type == appsv1.DeploymentAvailable {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}
