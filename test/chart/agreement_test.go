package chart

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/ternant/ternant/internal/testk8s"
)

// synced are the chart's copies of generated and hand-written files in config/ (make chart).
var synced = map[string]string{
	"files/rbac/role.yaml":                        "rbac/role.yaml",
	"files/rbac/leader_election_role.yaml":        "rbac/leader_election_role.yaml",
	"files/rbac/ternantinstance_editor_role.yaml": "rbac/ternantinstance_editor_role.yaml",
	"files/rbac/ternantinstance_viewer_role.yaml": "rbac/ternantinstance_viewer_role.yaml",
	"files/prometheus/operator-alerts.yaml":       "prometheus/operator-alerts.yaml",
}

// TestChartFilesAreInStepWithConfig fails when `make manifests` regenerated the CRD or RBAC and the
// chart's copies were not refreshed (make chart), or a copy was edited by hand.
func TestChartFilesAreInStepWithConfig(t *testing.T) {
	want := maps.Clone(synced)
	bases, err := filepath.Glob(filepath.Join(configDir, "crd", "bases", "*.yaml"))
	if err != nil || len(bases) == 0 {
		t.Fatalf("no CRDs in config/crd/bases: %v", err)
	}
	for _, b := range bases {
		want["files/crds/"+filepath.Base(b)] = "crd/bases/" + filepath.Base(b)
	}
	have, err := filepath.Glob(filepath.Join(chartDir, "files", "*", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range have {
		rel, _ := filepath.Rel(chartDir, h)
		if _, ok := want[filepath.ToSlash(rel)]; !ok {
			t.Errorf("chart file %s has no source in config/: remove it (make chart)", rel)
		}
	}
	for copyPath, src := range want {
		got, err := os.ReadFile(filepath.Join(chartDir, copyPath))
		if err != nil {
			t.Errorf("%v: run make chart", err)
			continue
		}
		orig, err := os.ReadFile(filepath.Join(configDir, src))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, orig) {
			t.Errorf("charts/ternant-operator/%s differs from config/%s: run make chart (make manifests does it too)", copyPath, src)
		}
	}
}

// roleRules decodes the rules of the one Role or ClusterRole in a config/rbac file.
func roleRules(t *testing.T, file string) []rbacv1.PolicyRule {
	t.Helper()
	objs, err := testk8s.DecodeFile(filepath.Join(configDir, "rbac", file))
	if err != nil || len(objs) != 1 {
		t.Fatalf("%s: %d objects, %v", file, len(objs), err)
	}
	return typedRules(t, objs[0])
}

func typedRules(t *testing.T, u *unstructured.Unstructured) []rbacv1.PolicyRule {
	t.Helper()
	var r rbacv1.ClusterRole // a Role has the same rules field
	if err := testk8s.Convert(u, &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Rules) == 0 {
		t.Fatalf("%s has no rules", testk8s.Describe(u))
	}
	return r.Rules
}

// chartRoles maps the chart's role names to the config/rbac file each copies.
func chartRoles() map[string]string {
	f := testRelease.Name // the release name is the chart name, so it is the full name
	return map[string]string{
		"ClusterRole " + f + "-manager":  "role.yaml",
		"Role " + f + "-leader-election": "leader_election_role.yaml",
		"ClusterRole " + f + "-editor":   "ternantinstance_editor_role.yaml",
		"ClusterRole " + f + "-viewer":   "ternantinstance_viewer_role.yaml",
	}
}

func TestRenderedRBACEqualsGenerated(t *testing.T) {
	objs := render(t, nil)
	roles := map[string]*unstructured.Unstructured{}
	for _, o := range objs {
		if o.GetKind() == "ClusterRole" || o.GetKind() == "Role" {
			roles[o.GetKind()+" "+o.GetName()] = o
		}
	}
	if len(roles) != len(chartRoles()) {
		t.Errorf("chart renders roles %v, want exactly %v", keys(roles), keys(chartRoles()))
	}
	for name, file := range chartRoles() {
		u, ok := roles[name]
		if !ok {
			t.Errorf("chart renders no %s", name)
			continue
		}
		if got, want := typedRules(t, u), roleRules(t, file); !equality.Semantic.DeepEqual(got, want) {
			t.Errorf("%s rules differ from config/rbac/%s:\n chart: %+v\nconfig: %+v", name, file, got, want)
		}
	}
	// The bindings grant those roles to the ServiceAccount the operator runs as.
	d, _ := deployment(t, objs)
	for _, kind := range []string{"ClusterRoleBinding", "RoleBinding"} {
		b := &rbacv1.RoleBinding{}
		if err := testk8s.Convert(only(t, objs, kind), b); err != nil {
			t.Fatal(err)
		}
		roleKind := strings.TrimSuffix(kind, "Binding")
		if _, ok := roles[roleKind+" "+b.RoleRef.Name]; !ok || b.RoleRef.Kind != roleKind {
			t.Errorf("%s refers to %s %s, which the chart does not render", kind, b.RoleRef.Kind, b.RoleRef.Name)
		}
		if len(b.Subjects) != 1 || b.Subjects[0].Name != d.Spec.Template.Spec.ServiceAccountName || b.Subjects[0].Namespace != testRelease.Namespace {
			t.Errorf("%s subjects %+v, want the operator's ServiceAccount %s/%s", kind, b.Subjects, testRelease.Namespace, d.Spec.Template.Spec.ServiceAccountName)
		}
	}
}

// generatedCRDs reads config/crd/bases.
func generatedCRDs(t *testing.T) []*apiextensionsv1.CustomResourceDefinition {
	t.Helper()
	objs, err := testk8s.DecodeFile(filepath.Join(configDir, "crd", "bases", "ternant.io_ternantinstances.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	crds, err := testk8s.CRDs(objs)
	if err != nil || len(crds) != 1 {
		t.Fatalf("config/crd/bases: %d CRDs, %v", len(crds), err)
	}
	return crds
}

// sameCRDs compares CRDs by name and spec, and the annotations the generator sets.
func sameCRDs(t *testing.T, what string, got, want []*apiextensionsv1.CustomResourceDefinition) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d CRDs, want %d", what, len(got), len(want))
	}
	for i := range want {
		if got[i].Name != want[i].Name {
			t.Errorf("%s: CRD %q, want %q", what, got[i].Name, want[i].Name)
			continue
		}
		if !equality.Semantic.DeepEqual(got[i].Spec, want[i].Spec) {
			t.Errorf("%s: CRD %s spec differs from config/crd/bases", what, got[i].Name)
		}
		for k, v := range want[i].Annotations {
			if got[i].Annotations[k] != v {
				t.Errorf("%s: CRD %s annotation %s=%q, want %q", what, got[i].Name, k, got[i].Annotations[k], v)
			}
		}
	}
}

func TestRenderedCRDEqualsGenerated(t *testing.T) {
	crds, err := testk8s.CRDs(render(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	sameCRDs(t, "chart", crds, generatedCRDs(t))
}

// TestChartAgreesWithKustomize builds config/default with kustomize's own library (what
// `kubectl apply -k` runs) and holds the chart to it: the same CRDs, the same roles with the same
// rules and aggregation labels, and the same hardening of the operator container.
func TestChartAgreesWithKustomize(t *testing.T) {
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	rm, err := k.Run(filesys.MakeFsOnDisk(), filepath.Join(configDir, "default"))
	if err != nil {
		t.Fatalf("kustomize build config/default: %v", err)
	}
	out, err := rm.AsYaml()
	if err != nil {
		t.Fatal(err)
	}
	kobjs, err := testk8s.Decode(out)
	if err != nil {
		t.Fatal(err)
	}
	cobjs := render(t, nil)

	kcrds, err := testk8s.CRDs(kobjs)
	if err != nil {
		t.Fatal(err)
	}
	ccrds, err := testk8s.CRDs(cobjs)
	if err != nil {
		t.Fatal(err)
	}
	sameCRDs(t, "kustomize vs chart", ccrds, kcrds)

	// kustomize names roles ternant-<file's name>; the chart <fullname>-<purpose>.
	kustomizeName := map[string]string{
		"role.yaml":                        "ClusterRole ternant-manager-role",
		"leader_election_role.yaml":        "Role ternant-leader-election-role",
		"ternantinstance_editor_role.yaml": "ClusterRole ternant-ternantinstance-editor-role",
		"ternantinstance_viewer_role.yaml": "ClusterRole ternant-ternantinstance-viewer-role",
	}
	index := func(objs []*unstructured.Unstructured) map[string]*unstructured.Unstructured {
		m := map[string]*unstructured.Unstructured{}
		for _, o := range objs {
			if o.GetKind() == "ClusterRole" || o.GetKind() == "Role" {
				m[o.GetKind()+" "+o.GetName()] = o
			}
		}
		return m
	}
	kroles, croles := index(kobjs), index(cobjs)
	if len(kroles) != len(croles) {
		t.Errorf("kustomize has roles %v, the chart %v", keys(kroles), keys(croles))
	}
	for cname, file := range chartRoles() {
		kr, cr := kroles[kustomizeName[file]], croles[cname]
		if kr == nil || cr == nil {
			t.Errorf("%s: kustomize %s present=%t, chart %s present=%t", file, kustomizeName[file], kr != nil, cname, cr != nil)
			continue
		}
		if !equality.Semantic.DeepEqual(typedRules(t, cr), typedRules(t, kr)) {
			t.Errorf("%s: chart %s and kustomize %s grant different rules", file, cname, kustomizeName[file])
		}
		if got, want := aggregation(cr), aggregation(kr); !equality.Semantic.DeepEqual(got, want) {
			t.Errorf("%s: aggregation labels chart %v, kustomize %v", file, got, want)
		}
	}
	for _, kind := range []string{"ServiceAccount", "ClusterRoleBinding", "RoleBinding", "Service", "Deployment"} {
		if kn, cn := len(testk8s.Select(kobjs, kind)), len(testk8s.Select(cobjs, kind)); kn != cn {
			t.Errorf("%s: kustomize renders %d, the chart %d", kind, kn, cn)
		}
	}

	kd := &appsv1.Deployment{}
	if err := testk8s.Convert(only(t, kobjs, "Deployment"), kd); err != nil {
		t.Fatal(err)
	}
	cd, cc := deployment(t, cobjs)
	kc := kd.Spec.Template.Spec.Containers[0]
	checkRestricted(t, kd, kc)
	checkRestricted(t, cd, cc)
	if !equality.Semantic.DeepEqual(kc.SecurityContext, cc.SecurityContext) {
		t.Errorf("container security contexts differ: kustomize %+v, chart %+v", kc.SecurityContext, cc.SecurityContext)
	}
	if !equality.Semantic.DeepEqual(kc.LivenessProbe, cc.LivenessProbe) || !equality.Semantic.DeepEqual(kc.ReadinessProbe, cc.ReadinessProbe) {
		t.Errorf("probes differ: kustomize %+v %+v, chart %+v %+v", kc.LivenessProbe, kc.ReadinessProbe, cc.LivenessProbe, cc.ReadinessProbe)
	}
	if !equality.Semantic.DeepEqual(kc.Resources, cc.Resources) {
		t.Errorf("resources differ: kustomize %+v, chart %+v", kc.Resources, cc.Resources)
	}
}

// aggregation returns the rbac.authorization.k8s.io/aggregate-to-* labels of a role.
func aggregation(u *unstructured.Unstructured) map[string]string {
	out := map[string]string{}
	for k, v := range u.GetLabels() {
		if strings.HasPrefix(k, "rbac.authorization.k8s.io/") {
			out[k] = v
		}
	}
	return out
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
