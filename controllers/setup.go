package controllers

import (
	"context"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

// +kubebuilder:rbac:groups=ternant.io,resources=ternantinstances,verbs=get;list;watch
// +kubebuilder:rbac:groups=ternant.io,resources=ternantinstances/status,verbs=get;update;patch
// +kubebuilder:rbac:groups="",resources=secrets;configmaps;services,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=apps,resources=deployments;statefulsets,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=batch,resources=jobs;cronjobs,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=networking.k8s.io,resources=ingresses,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=policy,resources=poddisruptionbudgets,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=monitoring.coreos.com,resources=servicemonitors;prometheusrules,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch
// +kubebuilder:rbac:groups="",resources=events,verbs=create;patch

// SetupWithManager registers the reconciler: it watches TernantInstances, every kind of object
// they own, and the Secrets they reference (so rotating a user-supplied secret rolls the pods).
func (r *TernantInstanceReconciler) SetupWithManager(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).
		For(&ternantv1.TernantInstance{}).
		Owns(&corev1.Secret{}).
		Owns(&corev1.ConfigMap{}).
		Owns(&corev1.Service{}).
		Owns(&appsv1.Deployment{}).
		Owns(&appsv1.StatefulSet{}).
		Owns(&batchv1.Job{}).
		Owns(&batchv1.CronJob{}).
		Owns(&networkingv1.Ingress{}).
		Owns(&policyv1.PodDisruptionBudget{}).
		Watches(&corev1.Secret{}, handler.EnqueueRequestsFromMapFunc(r.instancesReferencing)).
		Named("ternantinstance").
		Complete(r)
}

// instancesReferencing maps a Secret to the instances in its namespace that read it.
func (r *TernantInstanceReconciler) instancesReferencing(ctx context.Context, obj client.Object) []reconcile.Request {
	var list ternantv1.TernantInstanceList
	if err := r.Client.List(ctx, &list, client.InNamespace(obj.GetNamespace())); err != nil {
		log.FromContext(ctx).Error(err, "list instances for secret", "secret", obj.GetName())
		return nil
	}
	var reqs []reconcile.Request
	for i := range list.Items {
		if referencesSecret(&list.Items[i], obj.GetName()) {
			reqs = append(reqs, reconcile.Request{NamespacedName: types.NamespacedName{Namespace: obj.GetNamespace(), Name: list.Items[i].Name}})
		}
	}
	return reqs
}

// referencesSecret reports whether the instance's spec names the Secret.
func referencesSecret(ti *ternantv1.TernantInstance, name string) bool {
	sp := ti.Spec
	for _, ref := range []*corev1.SecretKeySelector{sp.JWTSecretRef, sp.JWTRefreshSecretRef, sp.SessionSecretRef, sp.MetricsTokenSecretRef} {
		if ref != nil && ref.Name == name {
			return true
		}
	}
	if ext := sp.Database.External; ext != nil && ext.SecretRef.Name == name {
		return true
	}
	if ext := sp.Redis.External; ext != nil && ext.PasswordSecretRef != nil && ext.PasswordSecretRef.Name == name {
		return true
	}
	return false
}
