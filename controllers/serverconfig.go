package controllers

import (
	"context"

	corev1 "k8s.io/api/core/v1"
)

// reconcileServerConfig applies the server's ConfigMap (pool, throttle, cache, connection
// settings) and computes the hash of it and of every referenced Secret key for the pod template.
func (r *TernantInstanceReconciler) reconcileServerConfig(ctx context.Context, s *state) error {
	ti := s.ti
	cm := serverConfigMap(ti, s.db, s.redis)
	if _, err := r.apply(ctx, ti, cm); err != nil {
		return err
	}
	refs := []corev1.SecretKeySelector{s.secrets.JWT, s.secrets.JWTRefresh, s.secrets.Session, s.secrets.MetricsToken, s.db.Password}
	if s.db.User.ValueFrom != nil {
		refs = append(refs, *s.db.User.ValueFrom.SecretKeyRef)
	}
	if s.redis.Password != nil {
		refs = append(refs, *s.redis.Password)
	}
	values := secretValues{}
	for _, ref := range refs {
		v, err := r.secretValue(ctx, ti.Namespace, ref)
		if err != nil {
			return err
		}
		values[ref.Name+"/"+ref.Key] = v
	}
	s.configHash = configHash(cm, values)
	return nil
}
