package controllers

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

// TestMonitoringCRDsDetected starts an instance without the prometheus-operator CRDs (the
// condition says CRDNotInstalled), then installs them: the ServiceMonitor and PrometheusRule
// appear without any change to the instance.
func TestMonitoringCRDsDetected(t *testing.T) {
	h := requireEnvtest(t)
	if installed, err := h.reconciler.kindInstalled(monitoringv1.SchemeGroupVersion.WithKind(monitoringv1.ServiceMonitorsKind)); err != nil || installed {
		t.Fatalf("monitoring CRDs must be absent at the start of this test (installed %v, err %v)", installed, err)
	}
	ns := newNamespace(t, h)
	const name = "monitored"
	createInstance(t, h, ns, name, func(ti *ternantv1.TernantInstance) {
		ti.Spec.Monitoring.ServiceMonitor.Labels = map[string]string{"release": "kube-prometheus-stack"}
	})
	waitCondition(t, h, ns, name, ternantv1.ConditionMonitoringReady, metav1.ConditionFalse, ternantv1.ReasonCRDNotInstalled)

	// CRDs generated from the prometheus-operator Go types (see testdata/crds/README.md).
	if _, err := envtest.InstallCRDs(h.cfg, envtest.CRDInstallOptions{
		Paths: []string{filepath.Join("testdata", "crds")}, ErrorIfPathMissing: true,
	}); err != nil {
		t.Fatalf("install monitoring CRDs: %v", err)
	}

	waitCondition(t, h, ns, name, ternantv1.ConditionMonitoringReady, metav1.ConditionTrue, ternantv1.ReasonReconciled)
	ti := &ternantv1.TernantInstance{}
	if err := get(h, ns, name, ti); err != nil {
		t.Fatal(err)
	}
	sm := &monitoringv1.ServiceMonitor{}
	if err := get(h, ns, name, sm); err != nil {
		t.Fatalf("service monitor: %v", err)
	}
	if err := controlledBy(sm, ti); err != nil {
		t.Error(err)
	}
	if sm.Labels["release"] != "kube-prometheus-stack" || len(sm.Spec.Endpoints) != 1 || sm.Spec.Endpoints[0].Port != "http" || sm.Spec.Endpoints[0].Path != "/metrics" {
		t.Errorf("service monitor labels %v endpoints %+v", sm.Labels, sm.Spec.Endpoints)
	}
	if a := sm.Spec.Endpoints[0].Authorization; a == nil || a.Credentials == nil || a.Credentials.Key != keyMetricsToken {
		t.Errorf("service monitor does not present the metrics token: %+v", a)
	}
	pr := &monitoringv1.PrometheusRule{}
	if err := get(h, ns, name, pr); err != nil {
		t.Fatalf("prometheus rule: %v", err)
	}
	if err := controlledBy(pr, ti); err != nil {
		t.Error(err)
	}
	if len(pr.Spec.Groups) == 0 || len(pr.Spec.Groups) != len(alertRules.Groups) {
		t.Errorf("prometheus rule has %d groups, alerts.yaml %d", len(pr.Spec.Groups), len(alertRules.Groups))
	}

	// Both kinds are watched from now on: deleted, they come back (no periodic recheck runs
	// once the CRDs exist, so only the watch can bring them).
	for _, obj := range []client.Object{sm, pr} {
		uid := obj.GetUID()
		if err := h.k8s.Delete(context.Background(), obj); err != nil {
			t.Fatal(err)
		}
		eventually(t, "deleted "+obj.GetName()+" comes back", func() error {
			fresh := obj.DeepCopyObject().(client.Object)
			if err := get(h, ns, name, fresh); err != nil {
				return err
			}
			if fresh.GetUID() == uid {
				return fmt.Errorf("not deleted yet")
			}
			return nil
		})
	}
}
