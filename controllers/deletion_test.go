package controllers

import (
	"context"
	"fmt"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

// TestDeletionLeavesCleanupToGarbageCollection checks what deletion relies on. envtest runs no
// garbage collector, so the test asserts its inputs: every object the instance created is
// controlled by it, the StatefulSet's PVC retention policy follows spec.database.managed
// .volumeRetention, and the instance itself carries no finalizer that would hold deletion up.
func TestDeletionLeavesCleanupToGarbageCollection(t *testing.T) {
	h := requireEnvtest(t)
	ns := newNamespace(t, h)
	const name = "doomed"
	createInstance(t, h, ns, name, func(ti *ternantv1.TernantInstance) {
		ti.Spec.Database.Managed = &ternantv1.ManagedDatabaseSpec{VolumeRetention: ternantv1.VolumeDelete}
	})
	bringUp(t, h, ns, name)

	retention := func(want appsv1.PersistentVolumeClaimRetentionPolicyType) func() error {
		return func() error {
			sts := &appsv1.StatefulSet{}
			if err := get(h, ns, name+"-mysql", sts); err != nil {
				return err
			}
			p := sts.Spec.PersistentVolumeClaimRetentionPolicy
			if p == nil || p.WhenDeleted != want || p.WhenScaled != appsv1.RetainPersistentVolumeClaimRetentionPolicyType {
				return fmt.Errorf("PVC retention policy %+v, want whenDeleted %s", p, want)
			}
			return nil
		}
	}
	eventually(t, "volumeRetention Delete", retention(appsv1.DeletePersistentVolumeClaimRetentionPolicyType))
	updateInstance(t, h, ns, name, func(ti *ternantv1.TernantInstance) { ti.Spec.Database.Managed.VolumeRetention = ternantv1.VolumeRetain })
	eventually(t, "volumeRetention Retain", retention(appsv1.RetainPersistentVolumeClaimRetentionPolicyType))

	ti := &ternantv1.TernantInstance{}
	if err := get(h, ns, name, ti); err != nil {
		t.Fatal(err)
	}
	if len(ti.Finalizers) != 0 {
		t.Errorf("instance has finalizers %v; deletion must rely on owner references alone", ti.Finalizers)
	}
	selector := client.MatchingLabels{"app.kubernetes.io/instance": name}
	lists := []client.ObjectList{
		&corev1.SecretList{}, &corev1.ConfigMapList{}, &corev1.ServiceList{}, &appsv1.DeploymentList{},
		&appsv1.StatefulSetList{}, &batchv1.JobList{}, &batchv1.CronJobList{},
	}
	total, retained := 0, 0
	for _, l := range lists {
		if err := h.k8s.List(context.Background(), l, client.InNamespace(ns), selector); err != nil {
			t.Fatal(err)
		}
		items, err := metaItems(l)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range items {
			total++
			if o.GetAnnotations()[annotationRetained] == "true" {
				// Credentials of the retained volume: kept with it, owned by nobody.
				retained++
				if len(o.GetOwnerReferences()) != 0 {
					t.Errorf("retained %s has owners %+v", o.GetName(), o.GetOwnerReferences())
				}
				continue
			}
			if err := controlledBy(o, ti); err != nil {
				t.Errorf("%T: %v", l, err)
			}
		}
	}
	if total < 14 {
		t.Errorf("found %d labelled objects, want at least 14", total)
	}
	if retained != 2 {
		t.Errorf("found %d retained objects, want the two MySQL credential Secrets", retained)
	}

	if err := h.k8s.Delete(context.Background(), ti); err != nil {
		t.Fatalf("delete: %v", err)
	}
	eventually(t, "instance gone", func() error {
		err := get(h, ns, name, &ternantv1.TernantInstance{})
		if apierrors.IsNotFound(err) {
			return nil
		}
		return fmt.Errorf("instance still there (err %v)", err)
	})
}

// metaItems returns the items of a typed list as client.Objects.
func metaItems(l client.ObjectList) ([]client.Object, error) {
	objs, err := meta.ExtractList(l)
	if err != nil {
		return nil, err
	}
	out := make([]client.Object, 0, len(objs))
	for _, o := range objs {
		co, ok := o.(client.Object)
		if !ok {
			return nil, fmt.Errorf("%T is not a client.Object", o)
		}
		out = append(out, co)
	}
	return out, nil
}
