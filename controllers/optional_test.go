package controllers

import (
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

// TestOptionalObjectsFollowSpec turns optional parts off and on: the Ingress goes with
// spec.ingress, the PodDisruptionBudget with replicas > 1, the dashboard ConfigMap with
// monitoring.grafanaDashboards.enabled, and dashboard labels replace the default.
func TestOptionalObjectsFollowSpec(t *testing.T) {
	h := requireEnvtest(t)
	ns := newNamespace(t, h)
	const name = "optional"
	createInstance(t, h, ns, name, func(ti *ternantv1.TernantInstance) {
		ti.Spec.Ingress = &ternantv1.IngressSpec{Host: "optional.example"}
		ti.Spec.Monitoring.GrafanaDashboards.Labels = map[string]string{"dashboards": "ternant"}
	})
	bringUp(t, h, ns, name)

	cm := &corev1.ConfigMap{}
	if err := get(h, ns, name+"-dashboards", cm); err != nil {
		t.Fatal(err)
	}
	if cm.Labels["dashboards"] != "ternant" || cm.Labels["grafana_dashboard"] != "" {
		t.Errorf("dashboard labels %v: the spec's labels must replace the default", cm.Labels)
	}
	for _, o := range []client.Object{&networkingv1.Ingress{}, &policyv1.PodDisruptionBudget{}} {
		if err := get(h, ns, name, o); err != nil {
			t.Fatalf("%T before the change: %v", o, err)
		}
	}

	updateInstance(t, h, ns, name, func(ti *ternantv1.TernantInstance) {
		ti.Spec.Ingress = nil
		ti.Spec.Replicas = 1
		ti.Spec.Monitoring.GrafanaDashboards.Enabled = ptr.To(false)
	})
	gone := func(obj client.Object, objName string) func() error {
		return func() error {
			err := get(h, ns, objName, obj)
			if apierrors.IsNotFound(err) {
				return nil
			}
			return fmt.Errorf("%T %s still there (err %v)", obj, objName, err)
		}
	}
	eventually(t, "ingress deleted", gone(&networkingv1.Ingress{}, name))
	eventually(t, "pdb deleted", gone(&policyv1.PodDisruptionBudget{}, name))
	eventually(t, "dashboards deleted", gone(&corev1.ConfigMap{}, name+"-dashboards"))
	ti := &ternantv1.TernantInstance{}
	eventually(t, "endpoint falls back to the service", func() error {
		if err := get(h, ns, name, ti); err != nil {
			return err
		}
		if want := "http://optional." + ns + ".svc:3000"; ti.Status.Endpoint != want {
			return fmt.Errorf("endpoint %q, want %q", ti.Status.Endpoint, want)
		}
		return nil
	})
}
