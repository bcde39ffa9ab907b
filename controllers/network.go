package controllers

import (
	"context"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// reconcileNetwork applies the server Service and the Ingress when the spec asks for one,
// deleting an Ingress the spec no longer wants, and records the endpoint in status.
func (r *TernantInstanceReconciler) reconcileNetwork(ctx context.Context, s *state) error {
	ti := s.ti
	if _, err := r.apply(ctx, ti, serverService(ti)); err != nil {
		return err
	}
	if ti.Spec.Ingress != nil {
		if _, err := r.apply(ctx, ti, serverIngress(ti)); err != nil {
			return err
		}
	} else if err := r.deleteIfOwned(ctx, ti, &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Name: serverName(ti)}}); err != nil {
		return err
	}
	ti.Status.Endpoint = endpoint(ti)
	return nil
}
