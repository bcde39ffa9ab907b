package chart

import (
	"testing"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/ternant/ternant/internal/testk8s"
)

// TestSingleNamespaceModeUsesRole renders the chart with watchNamespace: the operator's rights
// become a Role and RoleBinding in that namespace, with exactly the generated rules, and no
// ClusterRole or ClusterRoleBinding grants it anything cluster-wide.
func TestSingleNamespaceModeUsesRole(t *testing.T) {
	objs := render(t, map[string]any{"watchNamespace": "shop"})
	f := testRelease.Name
	var role, binding *unstructured.Unstructured
	for _, o := range objs {
		switch {
		case o.GetKind() == "Role" && o.GetName() == f+"-manager":
			role = o
		case o.GetKind() == "RoleBinding" && o.GetName() == f+"-manager":
			binding = o
		case o.GetKind() == "ClusterRole" && o.GetName() == f+"-manager", o.GetKind() == "ClusterRoleBinding":
			t.Errorf("single-namespace mode renders %s", testk8s.Describe(o))
		}
	}
	if role == nil || binding == nil {
		t.Fatalf("no Role/RoleBinding %s-manager rendered", f)
	}
	if role.GetNamespace() != "shop" || binding.GetNamespace() != "shop" {
		t.Errorf("Role in %q, RoleBinding in %q, want the watched namespace shop", role.GetNamespace(), binding.GetNamespace())
	}
	if got, want := typedRules(t, role), roleRules(t, "role.yaml"); !equality.Semantic.DeepEqual(got, want) {
		t.Errorf("Role rules differ from config/rbac/role.yaml:\n chart: %+v\nconfig: %+v", got, want)
	}
	if kind, _, _ := unstructured.NestedString(binding.Object, "roleRef", "kind"); kind != "Role" {
		t.Errorf("RoleBinding refers to a %s", kind)
	}
}

// TestOperatorPrometheusRule renders metrics.prometheusRule: a PrometheusRule holding the
// operator's alert groups from files/prometheus/operator-alerts.yaml.
func TestOperatorPrometheusRule(t *testing.T) {
	objs := render(t, map[string]any{"metrics": map[string]any{"prometheusRule": map[string]any{
		"enabled": true, "labels": map[string]any{"release": "kube-prometheus-stack"}}}})
	pr := only(t, objs, "PrometheusRule")
	if pr.GetLabels()["release"] != "kube-prometheus-stack" {
		t.Errorf("PrometheusRule labels %v", pr.GetLabels())
	}
	groups, _, _ := unstructured.NestedSlice(pr.Object, "spec", "groups")
	if len(groups) != 1 {
		t.Fatalf("PrometheusRule has %d groups, want the operator's one", len(groups))
	}
	rules, _, _ := unstructured.NestedSlice(groups[0].(map[string]any), "rules")
	if len(rules) < 6 {
		t.Errorf("PrometheusRule has %d rules, want at least 6", len(rules))
	}
}
