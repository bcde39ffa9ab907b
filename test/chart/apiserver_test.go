package chart

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/ternant/ternant/internal/testk8s"
)

// TestEveryRenderedObjectIsAccepted renders the chart with its defaults and every values file
// and has a real API server take each object: CRDs are applied first (the defaults' own CRD), then
// every other object is server-side applied with dryRun=All, which runs the API server's schema
// validation, defaulting and admission without storing anything.
func TestEveryRenderedObjectIsAccepted(t *testing.T) {
	env := cluster.Require(t)
	ctx := context.Background()
	sets := valueSets(t)
	if err := env.EnsureNamespace(ctx, testRelease.Namespace); err != nil {
		t.Fatal(err)
	}
	for name, values := range sets {
		t.Run(name, func(t *testing.T) {
			objs := render(t, values)
			var crds, rest []*unstructured.Unstructured
			for _, o := range objs {
				if o.GetKind() == "CustomResourceDefinition" {
					crds = append(crds, o)
				} else {
					rest = append(rest, o)
				}
			}
			for _, crd := range crds {
				if err := env.Apply(ctx, crd.DeepCopy(), false); err != nil {
					t.Fatal(err)
				}
				waitEstablished(t, env, crd.GetName())
			}
			if len(rest) == 0 {
				t.Fatal("nothing but CRDs rendered")
			}
			for _, o := range rest {
				// With watchNamespace the manager's Role lives in the watched namespace.
				if ns := o.GetNamespace(); ns != "" {
					if err := env.EnsureNamespace(ctx, ns); err != nil {
						t.Fatal(err)
					}
				}
				if err := env.Apply(ctx, o.DeepCopy(), true); err != nil {
					t.Errorf("API server rejects the rendered object: %v", err)
				}
			}
		})
	}
}

func waitEstablished(t *testing.T, env *testk8s.Env, name string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		crd := &apiextensionsv1.CustomResourceDefinition{}
		err := env.Client.Get(context.Background(), client.ObjectKey{Name: name}, crd)
		if err == nil {
			for _, c := range crd.Status.Conditions {
				if c.Type == apiextensionsv1.Established && c.Status == apiextensionsv1.ConditionTrue {
					return
				}
			}
			err = fmt.Errorf("conditions %+v", crd.Status.Conditions)
		}
		if time.Now().After(deadline) {
			t.Fatalf("CRD %s not established: %v", name, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestHelmInstallOnFreshAPIServer runs `helm install` (Helm's action package) of the chart with
// the ServiceMonitor and the sample instance on an API server that has never seen the
// TernantInstance CRD, as a new cluster would be. The install creates everything but the sample
// (NOTES.txt says to upgrade), `helm upgrade --reuse-values` creates it, and `helm uninstall`
// leaves the CRD and the instance (resource-policy keep) while removing the operator.
func TestHelmInstallOnFreshAPIServer(t *testing.T) {
	if testing.Short() {
		t.Skip("needs envtest (a real kube-apiserver and etcd); runs without -short")
	}
	// A control plane of its own: the shared one already has the CRD.
	env, err := testk8s.Start(testk8s.Options{CRDPaths: []string{monitoringCRDs}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	ctx := context.Background()
	ch := loadChart(t)
	values := map[string]any{
		"sample":  map[string]any{"create": true, "spec": map[string]any{"replicas": 1}},
		"metrics": map[string]any{"serviceMonitor": map[string]any{"enabled": true}},
	}
	rel, err := testk8s.Install(ctx, env.Kubeconfig, ch, values, testRelease, testk8s.InstallOptions{Log: testWriter{t}})
	if err != nil {
		t.Fatal(err)
	}
	if rel.Info.Status != "deployed" || !strings.Contains(rel.Info.Notes, "--reuse-values") {
		t.Fatalf("release status %s, notes:\n%s", rel.Info.Status, rel.Info.Notes)
	}

	ns := testRelease.Namespace
	lookup := func(gvk schema.GroupVersionKind, namespace, name string) (*unstructured.Unstructured, error) {
		u := &unstructured.Unstructured{}
		u.SetGroupVersionKind(gvk)
		return u, env.Client.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, u)
	}
	get := func(gvk schema.GroupVersionKind, namespace, name string) *unstructured.Unstructured {
		t.Helper()
		u, err := lookup(gvk, namespace, name)
		if err != nil {
			t.Fatalf("%s %s/%s: %v", gvk.Kind, namespace, name, err)
		}
		return u
	}
	deploymentGVK := schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}
	for _, o := range []struct {
		gvk       schema.GroupVersionKind
		namespace string
		name      string
	}{
		{deploymentGVK, ns, "ternant-operator"},
		{schema.GroupVersionKind{Version: "v1", Kind: "ServiceAccount"}, ns, "ternant-operator"},
		{schema.GroupVersionKind{Version: "v1", Kind: "Service"}, ns, "ternant-operator-metrics"},
		{schema.GroupVersionKind{Group: "monitoring.coreos.com", Version: "v1", Kind: "ServiceMonitor"}, ns, "ternant-operator"},
		{schema.GroupVersionKind{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "ClusterRole"}, "", "ternant-operator-manager"},
		{schema.GroupVersionKind{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "RoleBinding"}, ns, "ternant-operator-leader-election"},
	} {
		get(o.gvk, o.namespace, o.name)
	}
	waitEstablished(t, env, "ternantinstances.ternant.io")
	tiGVK := schema.GroupVersionKind{Group: "ternant.io", Version: "v1alpha1", Kind: "TernantInstance"}
	if _, err := lookup(tiGVK, ns, "ternant"); err == nil {
		t.Fatal("the install created the sample; Helm cannot do that in the release that installs the CRD")
	}

	if _, err := testk8s.Upgrade(ctx, env.Kubeconfig, ch, nil, testRelease, testk8s.InstallOptions{Log: testWriter{t}}); err != nil {
		t.Fatal(err)
	}
	ti := get(tiGVK, ns, "ternant")
	if r, _, _ := unstructured.NestedInt64(ti.Object, "spec", "replicas"); r != 1 {
		t.Errorf("sample spec.replicas %d, want the values' 1", r)
	}
	if v, _, _ := unstructured.NestedString(ti.Object, "spec", "database", "managed", "version"); v != "8.4" {
		t.Errorf("sample spec.database.managed.version %q: the CRD's defaults did not apply", v)
	}

	if err := testk8s.Uninstall(env.Kubeconfig, testRelease, testWriter{t}); err != nil {
		t.Fatal(err)
	}
	crd := get(schema.GroupVersionKind{Group: "apiextensions.k8s.io", Version: "v1", Kind: "CustomResourceDefinition"}, "", "ternantinstances.ternant.io")
	if crd.GetDeletionTimestamp() != nil {
		t.Error("helm uninstall deleted the CRD; resource-policy keep must leave it")
	}
	if ti := get(tiGVK, ns, "ternant"); ti.GetDeletionTimestamp() != nil {
		t.Error("helm uninstall deleted the sample instance, and with it the platform")
	}
	if d, err := lookup(deploymentGVK, ns, "ternant-operator"); err == nil && d.GetDeletionTimestamp() == nil {
		t.Error("helm uninstall left the operator Deployment")
	}
}

// testWriter sends Helm's debug log to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(string(p))
	return len(p), nil
}
