package controllers

import (
	"context"
	"fmt"
	"sync"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

// +kubebuilder:rbac:groups=ternant.io,resources=ternantinstances,verbs=get;list;watch
// +kubebuilder:rbac:groups=ternant.io,resources=ternantinstances/status,verbs=patch
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get;list;watch;create;patch
// +kubebuilder:rbac:groups="",resources=configmaps,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups="",resources=services,verbs=get;list;watch;create;patch
// +kubebuilder:rbac:groups="",resources=persistentvolumeclaims,verbs=get
// +kubebuilder:rbac:groups="",resources=pods,verbs=list
// +kubebuilder:rbac:groups=apps,resources=deployments,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups=apps,resources=statefulsets,verbs=get;list;watch;create;patch
// +kubebuilder:rbac:groups=batch,resources=jobs;cronjobs,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups=networking.k8s.io,resources=ingresses,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups=policy,resources=poddisruptionbudgets,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups=monitoring.coreos.com,resources=servicemonitors;prometheusrules,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// CacheOptions limits the manager's cache: of all Secrets it holds only those the operator
// labels (app.kubernetes.io/managed-by=ternant-operator); Secrets users reference are read
// directly from the API server when needed, never cached.
func CacheOptions() map[client.Object]cache.ByObject {
	return map[client.Object]cache.ByObject{
		&corev1.Secret{}: {Label: labels.SelectorFromSet(labels.Set{"app.kubernetes.io/managed-by": FieldOwner})},
	}
}

// SetupWithManager registers the reconciler: it watches TernantInstances and every kind of
// object they own; ServiceMonitors and PrometheusRules join once their CRDs are served.
func (r *TernantInstanceReconciler) SetupWithManager(mgr ctrl.Manager) error {
	c, err := ctrl.NewControllerManagedBy(mgr).
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
		// Backup Jobs belong to the backup CronJob: map them to its instance.
		Watches(&batchv1.Job{}, handler.EnqueueRequestsFromMapFunc(backupJobInstance)).
		Named("ternantinstance").
		Build(r)
	if err != nil {
		return err
	}
	if r.APIReader == nil {
		r.APIReader = mgr.GetAPIReader()
	}
	r.watcher = &ownedWatcher{ctrl: c, cache: mgr.GetCache(), scheme: mgr.GetScheme(), mapper: mgr.GetRESTMapper(), watched: map[string]bool{}}
	return nil
}

// backupJobInstance maps a Job of a backup CronJob to the instance it backs up.
func backupJobInstance(_ context.Context, obj client.Object) []reconcile.Request {
	l := obj.GetLabels()
	if l["app.kubernetes.io/component"] != componentBackup || l["app.kubernetes.io/managed-by"] != FieldOwner || l["app.kubernetes.io/instance"] == "" {
		return nil
	}
	return []reconcile.Request{{NamespacedName: types.NamespacedName{Namespace: obj.GetNamespace(), Name: l["app.kubernetes.io/instance"]}}}
}

// ownedWatcher adds watches on owned kinds whose CRDs may appear after the operator started.
type ownedWatcher struct {
	ctrl    controller.Controller
	cache   cache.Cache
	scheme  *runtime.Scheme
	mapper  meta.RESTMapper
	mu      sync.Mutex
	watched map[string]bool
}

// watch starts watching obj's kind (once) and maps its events to the controlling instance.
func (w *ownedWatcher) watch(obj client.Object, kind string) error {
	if w == nil {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.watched[kind] {
		return nil
	}
	h := handler.EnqueueRequestForOwner(w.scheme, w.mapper, &ternantv1.TernantInstance{}, handler.OnlyControllerOwner())
	if err := w.ctrl.Watch(source.Kind(w.cache, obj, h)); err != nil {
		return fmt.Errorf("watch %s: %w", kind, err)
	}
	w.watched[kind] = true
	return nil
}
