package controllers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

// apply makes the cluster hold desired, owned by ti, through server-side apply under FieldOwner.
// It writes nothing when the live object already carries the same desired-object hash and every
// field of desired matches the live object: a steady state costs reads only. The hash catches
// spec changes (including fields removed from desired); the comparison catches fields someone
// else changed. It reports whether it wrote.
//
// An object of that name the instance does not control is never taken over: apply returns a
// *NameCollisionError naming it (a retained object of this instance, see applyRetained, is the
// one exception).
func (r *TernantInstanceReconciler) apply(ctx context.Context, ti *ternantv1.TernantInstance, desired client.Object) (bool, error) {
	return r.applyObject(ctx, ti, desired, true)
}

// applyRetained is apply for objects that must outlive the instance (credentials of a retained
// data volume): they carry the instance's labels and the ternant.io/retained annotation but no
// owner reference, so garbage collection leaves them.
func (r *TernantInstanceReconciler) applyRetained(ctx context.Context, ti *ternantv1.TernantInstance, desired client.Object) (bool, error) {
	ann := desired.GetAnnotations()
	if ann == nil {
		ann = map[string]string{}
	}
	ann[annotationRetained] = "true"
	desired.SetAnnotations(ann)
	return r.applyObject(ctx, ti, desired, false)
}

func (r *TernantInstanceReconciler) applyObject(ctx context.Context, ti *ternantv1.TernantInstance, desired client.Object, owned bool) (bool, error) {
	gvk, err := apiutil.GVKForObject(desired, r.Scheme)
	if err != nil {
		return false, fmt.Errorf("apply %T: %w", desired, err)
	}
	desired.GetObjectKind().SetGroupVersionKind(gvk)
	desired.SetNamespace(ti.Namespace)
	if owned {
		if err := controllerutil.SetControllerReference(ti, desired, r.Scheme); err != nil {
			return false, fmt.Errorf("apply %s %s: %w", gvk.Kind, desired.GetName(), err)
		}
	}
	hash, err := objectHash(desired)
	if err != nil {
		return false, fmt.Errorf("apply %s %s: %w", gvk.Kind, desired.GetName(), err)
	}
	ann := desired.GetAnnotations()
	if ann == nil {
		ann = map[string]string{}
	}
	ann[annotationAppliedHash] = hash
	desired.SetAnnotations(ann)

	want, err := toApplyMap(desired)
	if err != nil {
		return false, fmt.Errorf("apply %s %s: %w", gvk.Kind, desired.GetName(), err)
	}
	live, err := r.Scheme.New(gvk)
	if err != nil {
		return false, fmt.Errorf("apply %s %s: %w", gvk.Kind, desired.GetName(), err)
	}
	liveObj := live.(client.Object)
	switch err := r.Client.Get(ctx, client.ObjectKeyFromObject(desired), liveObj); {
	case err == nil:
		if !mayManage(ti, liveObj) {
			return false, &NameCollisionError{Kind: gvk.Kind, Namespace: ti.Namespace, Name: desired.GetName()}
		}
		if liveObj.GetAnnotations()[annotationAppliedHash] == hash {
			have, err := runtime.DefaultUnstructuredConverter.ToUnstructured(liveObj)
			if err != nil {
				return false, fmt.Errorf("apply %s %s: %w", gvk.Kind, desired.GetName(), err)
			}
			if contains(have, want) {
				return false, nil
			}
		}
	case !apierrors.IsNotFound(err):
		return false, fmt.Errorf("read %s %s: %w", gvk.Kind, desired.GetName(), err)
	}
	u := &unstructured.Unstructured{Object: want}
	if err := r.Client.Apply(ctx, client.ApplyConfigurationFromUnstructured(u), client.FieldOwner(FieldOwner), client.ForceOwnership); err != nil {
		return false, fmt.Errorf("apply %s %s: %w", gvk.Kind, desired.GetName(), err)
	}
	return true, nil
}

// createIfAbsent creates obj, owned by ti, unless an object of that name exists. It is for
// objects whose spec is immutable once created (migration Jobs) and for reporting whether it
// created.
func (r *TernantInstanceReconciler) createIfAbsent(ctx context.Context, ti *ternantv1.TernantInstance, obj client.Object, live client.Object) (bool, error) {
	obj.SetNamespace(ti.Namespace)
	switch err := r.Client.Get(ctx, client.ObjectKeyFromObject(obj), live); {
	case err == nil:
		if !metav1.IsControlledBy(live, ti) {
			kind := typeKind(r.Scheme, obj)
			return false, &NameCollisionError{Kind: kind, Namespace: ti.Namespace, Name: obj.GetName()}
		}
		return false, nil
	case !apierrors.IsNotFound(err):
		return false, fmt.Errorf("read %s: %w", obj.GetName(), err)
	}
	if err := controllerutil.SetControllerReference(ti, obj, r.Scheme); err != nil {
		return false, fmt.Errorf("create %s: %w", obj.GetName(), err)
	}
	if err := r.Client.Create(ctx, obj, client.FieldOwner(FieldOwner)); err != nil {
		if apierrors.IsAlreadyExists(err) {
			return false, nil
		}
		return false, fmt.Errorf("create %s: %w", obj.GetName(), err)
	}
	return true, nil
}

// deleteIfOwned deletes the object named like obj when ti controls it; an object someone else
// created under that name is left alone. It is how optional parts (Ingress, PDB, monitoring)
// disappear when the spec turns them off.
func (r *TernantInstanceReconciler) deleteIfOwned(ctx context.Context, ti *ternantv1.TernantInstance, obj client.Object) error {
	obj.SetNamespace(ti.Namespace)
	if err := r.Client.Get(ctx, client.ObjectKeyFromObject(obj), obj); err != nil {
		if apierrors.IsNotFound(err) {
			return nil
		}
		return fmt.Errorf("read %s: %w", obj.GetName(), err)
	}
	if !metav1.IsControlledBy(obj, ti) {
		return nil
	}
	if err := r.Client.Delete(ctx, obj, client.PropagationPolicy(metav1.DeletePropagationBackground)); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete %s: %w", obj.GetName(), err)
	}
	return nil
}

// NameCollisionError says an object the instance needs exists under its name but was not
// created for this instance: the operator leaves it alone and reports it.
type NameCollisionError struct {
	Kind, Namespace, Name string
}

func (e *NameCollisionError) Error() string {
	return fmt.Sprintf("%s %s/%s exists and was not created by the operator for this instance; it is left untouched: "+
		"rename or remove it (or point the spec at it as a user-supplied object)", e.Kind, e.Namespace, e.Name)
}

// mayManage reports whether the operator may write live for ti: ti controls it, or it is a
// retained object of an instance of the same name (labelled by the operator, annotated
// ternant.io/retained, with no controller).
func mayManage(ti *ternantv1.TernantInstance, live client.Object) bool {
	if metav1.IsControlledBy(live, ti) {
		return true
	}
	if metav1.GetControllerOf(live) != nil {
		return false
	}
	l := live.GetLabels()
	return live.GetAnnotations()[annotationRetained] == "true" &&
		l["app.kubernetes.io/managed-by"] == FieldOwner && l["app.kubernetes.io/instance"] == ti.Name
}

// typeKind is the kind of a typed object, or its Go type when the scheme does not know it.
func typeKind(scheme *runtime.Scheme, obj client.Object) string {
	if gvk, err := apiutil.GVKForObject(obj, scheme); err == nil {
		return gvk.Kind
	}
	return fmt.Sprintf("%T", obj)
}

// objectHash is a short digest of an object's JSON form.
func objectHash(obj any) (string, error) {
	b, err := json.Marshal(obj)
	if err != nil {
		return "", fmt.Errorf("hash: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8]), nil
}

// toApplyMap turns a typed object into the map server-side apply sends: no status, no null
// fields (such as the zero creationTimestamp typed objects marshal).
func toApplyMap(obj client.Object) (map[string]any, error) {
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, err
	}
	delete(m, "status")
	pruneNulls(m)
	return m, nil
}

// pruneNulls removes null values from m, recursively.
func pruneNulls(m map[string]any) {
	for k, v := range m {
		switch t := v.(type) {
		case nil:
			delete(m, k)
		case map[string]any:
			pruneNulls(t)
		case []any:
			for _, e := range t {
				if em, ok := e.(map[string]any); ok {
					pruneNulls(em)
				}
			}
		}
	}
}

// contains reports whether every field of want has the same value in have. Maps may hold extra
// keys (defaults the API server filled in); lists must match element by element. A zero scalar
// or empty map in want matches a missing field, since the API server drops those.
func contains(have, want any) bool {
	switch w := want.(type) {
	case map[string]any:
		h, ok := have.(map[string]any)
		if !ok {
			return have == nil && len(w) == 0
		}
		for k, wv := range w {
			hv, present := h[k]
			if !present {
				if isZero(wv) {
					continue
				}
				return false
			}
			if !contains(hv, wv) {
				return false
			}
		}
		return true
	case []any:
		h, ok := have.([]any)
		if !ok {
			return have == nil && len(w) == 0
		}
		if len(h) != len(w) {
			return false
		}
		for i := range w {
			if !contains(h[i], w[i]) {
				return false
			}
		}
		return true
	default:
		return reflect.DeepEqual(have, want) || (have == nil && isZero(want))
	}
}

// isZero reports whether v is a zero scalar, an empty map or an empty list.
func isZero(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case map[string]any:
		for _, e := range t {
			if !isZero(e) {
				return false
			}
		}
		return true
	case []any:
		return len(t) == 0
	case string:
		return t == ""
	case bool:
		return !t
	case int64:
		return t == 0
	case float64:
		return t == 0
	}
	return false
}
