package chart

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"helm.sh/helm/v3/pkg/lint"
	"helm.sh/helm/v3/pkg/lint/support"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/ternant/ternant/internal/testk8s"
	"github.com/ternant/ternant/version"
)

// deployment returns the operator Deployment among objs, typed.
func deployment(t *testing.T, objs []*unstructured.Unstructured) (*appsv1.Deployment, corev1.Container) {
	t.Helper()
	d := &appsv1.Deployment{}
	if err := testk8s.Convert(only(t, objs, "Deployment"), d); err != nil {
		t.Fatal(err)
	}
	if n := len(d.Spec.Template.Spec.Containers); n != 1 {
		t.Fatalf("operator pod has %d containers, want 1", n)
	}
	return d, d.Spec.Template.Spec.Containers[0]
}

func kinds(objs []*unstructured.Unstructured) []string {
	var out []string
	for _, o := range objs {
		out = append(out, o.GetKind())
	}
	slices.Sort(out)
	return out
}

func TestRenderDefaults(t *testing.T) {
	ch := loadChart(t)
	objs := render(t, nil)

	want := []string{"ClusterRole", "ClusterRole", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
		"Deployment", "Role", "RoleBinding", "Service", "ServiceAccount"}
	if got := kinds(objs); !slices.Equal(got, want) {
		t.Fatalf("default render: kinds %v, want %v (no ServiceMonitor or sample unless asked for)", got, want)
	}
	for _, o := range objs {
		switch o.GetKind() {
		case "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding":
			if o.GetNamespace() != "" {
				t.Errorf("%s is cluster-scoped but rendered with namespace %q", testk8s.Describe(o), o.GetNamespace())
			}
		default:
			if o.GetNamespace() != testRelease.Namespace {
				t.Errorf("%s: namespace %q, want the release namespace %q (so helm template | kubectl apply lands there)",
					testk8s.Describe(o), o.GetNamespace(), testRelease.Namespace)
			}
		}
		if o.GetLabels()["app.kubernetes.io/managed-by"] != "Helm" || o.GetLabels()["app.kubernetes.io/instance"] != testRelease.Name {
			t.Errorf("%s lacks the chart's standard labels: %v", testk8s.Describe(o), o.GetLabels())
		}
	}

	d, c := deployment(t, objs)
	image := "ghcr.io/ternant/ternant:" + ch.Metadata.AppVersion
	if c.Image != image {
		t.Errorf("operator image %q, want %q (the tag defaults to appVersion)", c.Image, image)
	}
	for _, arg := range []string{"operator", "--leader-elect=true", "--metrics-bind-address=:8080",
		"--health-probe-bind-address=:8081", "--log-level=info", "--image=" + image} {
		if !slices.Contains(c.Args, arg) {
			t.Errorf("operator args %v lack %q", c.Args, arg)
		}
	}
	if slices.ContainsFunc(c.Args, func(a string) bool { return strings.HasPrefix(a, "--namespace") }) {
		t.Errorf("default install must watch every namespace, args %v", c.Args)
	}
	if *d.Spec.Replicas != 1 {
		t.Errorf("replicas %d, want 1", *d.Spec.Replicas)
	}
	if sa := only(t, objs, "ServiceAccount").GetName(); d.Spec.Template.Spec.ServiceAccountName != sa {
		t.Errorf("pod runs as %q, the chart creates ServiceAccount %q", d.Spec.Template.Spec.ServiceAccountName, sa)
	}
	checkRestricted(t, d, c)
	checkProbes(t, c, 8081)
	if got := c.Resources.Limits.Memory().String(); got != "256Mi" {
		t.Errorf("memory limit %s, want 256Mi", got)
	}

	svc := &corev1.Service{}
	if err := testk8s.Convert(only(t, objs, "Service"), svc); err != nil {
		t.Fatal(err)
	}
	if len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].Port != 8080 || svc.Spec.Ports[0].TargetPort.StrVal != "metrics" {
		t.Errorf("metrics Service ports %+v, want 8080 -> metrics", svc.Spec.Ports)
	}
	for k, v := range svc.Spec.Selector {
		if d.Spec.Template.Labels[k] != v {
			t.Errorf("metrics Service selector %v does not select the operator pod (labels %v)", svc.Spec.Selector, d.Spec.Template.Labels)
		}
	}

	crd := only(t, objs, "CustomResourceDefinition")
	if crd.GetAnnotations()["helm.sh/resource-policy"] != "keep" {
		t.Errorf("CRD annotations %v: helm.sh/resource-policy must be keep (an uninstall must not delete every instance)", crd.GetAnnotations())
	}
}

// checkRestricted holds the operator pod to the restricted Pod Security Standard.
func checkRestricted(t *testing.T, d *appsv1.Deployment, c corev1.Container) {
	t.Helper()
	psc := d.Spec.Template.Spec.SecurityContext
	if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || psc.SeccompProfile == nil ||
		psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("pod security context %+v: want runAsNonRoot and seccomp RuntimeDefault", psc)
	}
	sc := c.SecurityContext
	if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
		sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
		sc.Capabilities == nil || !slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) {
		t.Errorf("container security context %+v: want readOnlyRootFilesystem, no privilege escalation, drop ALL", sc)
	}
}

// checkProbes wants liveness on /healthz and readiness on /readyz, both on the manager's health port.
func checkProbes(t *testing.T, c corev1.Container, healthPort int32) {
	t.Helper()
	portOf := func(name string) int32 {
		for _, p := range c.Ports {
			if p.Name == name {
				return p.ContainerPort
			}
		}
		return 0
	}
	for _, p := range []struct {
		probe *corev1.Probe
		path  string
	}{{c.LivenessProbe, "/healthz"}, {c.ReadinessProbe, "/readyz"}} {
		if p.probe == nil || p.probe.HTTPGet == nil || p.probe.HTTPGet.Path != p.path {
			t.Errorf("want an HTTP probe on %s, got %+v", p.path, p.probe)
			continue
		}
		if port := portOf(p.probe.HTTPGet.Port.StrVal); port != healthPort {
			t.Errorf("probe %s on port %q = %d, want the health port %d", p.path, p.probe.HTTPGet.Port.StrVal, port, healthPort)
		}
	}
	if !slices.Contains(c.Args, "--health-probe-bind-address=:"+strconv.Itoa(int(healthPort))) {
		t.Errorf("args %v do not bind the health port %d", c.Args, healthPort)
	}
}

func TestRenderEveryValuesFile(t *testing.T) {
	for _, file := range valuesFiles(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			values, err := testk8s.ReadValuesFile(file)
			if err != nil {
				t.Fatal(err)
			}
			objs := render(t, values)
			d, c := deployment(t, objs)
			checkRestricted(t, d, c)
			switch filepath.Base(file) {
			case "production-values.yaml":
				image := "registry.example.com/platform/ternant@sha256:4b1a6c2d8e9f00112233445566778899aabbccddeeff00112233445566778899"
				if c.Image != image || !slices.Contains(c.Args, "--image="+image) {
					t.Errorf("image %q args %v: want the digest-pinned %s for the operator and its instances", c.Image, c.Args, image)
				}
				if *d.Spec.Replicas != 2 || !slices.Contains(c.Args, "--leader-elect=true") {
					t.Errorf("replicas %d args %v: want 2 with leader election", *d.Spec.Replicas, c.Args)
				}
				sm := only(t, objs, "ServiceMonitor")
				if sm.GetLabels()["release"] != "kube-prometheus-stack" {
					t.Errorf("ServiceMonitor labels %v lack release: kube-prometheus-stack", sm.GetLabels())
				}
				ti := only(t, objs, "TernantInstance")
				if ti.GetAnnotations()["helm.sh/resource-policy"] != "keep" {
					t.Errorf("sample annotations %v: want resource-policy keep (an uninstall must not delete the platform)", ti.GetAnnotations())
				}
				if r, _, _ := unstructured.NestedInt64(ti.Object, "spec", "replicas"); r != 3 {
					t.Errorf("sample spec.replicas %d, want the values file's 3", r)
				}
				checkProbes(t, c, 8081)
			case "minimal-values.yaml":
				for _, kind := range []string{"CustomResourceDefinition", "ServiceAccount", "Service", "ServiceMonitor", "ClusterRoleBinding", "TernantInstance"} {
					if n := len(testk8s.Select(objs, kind)); n != 0 {
						t.Errorf("minimal values rendered %d %s", n, kind)
					}
				}
				// One namespace watched: the manager's rights are a Role there (no leader election Role).
				for _, kind := range []string{"Role", "RoleBinding"} {
					if sel := testk8s.Select(objs, kind); len(sel) != 1 || sel[0].GetNamespace() != "ternant" {
						t.Errorf("minimal values rendered %d %s, want the manager's in namespace ternant", len(sel), kind)
					}
				}
				for _, arg := range []string{"--leader-elect=false", "--metrics-bind-address=0", "--namespace=ternant",
					"--image=registry.example.com/ternant:v1.4.0"} {
					if !slices.Contains(c.Args, arg) {
						t.Errorf("args %v lack %q", c.Args, arg)
					}
				}
				if d.Spec.Template.Spec.ServiceAccountName != "platform-operator" {
					t.Errorf("serviceAccountName %q, want the existing platform-operator", d.Spec.Template.Spec.ServiceAccountName)
				}
			default:
				t.Fatalf("no expectations for %s: add a case", file)
			}
		})
	}
}

func TestLintPasses(t *testing.T) {
	sets := valueSets(t)
	for name, values := range sets {
		t.Run(name, func(t *testing.T) {
			l := lint.All(chartDir, values, testRelease.Namespace, false)
			for _, m := range l.Messages {
				t.Log(m.Error())
				if m.Severity >= support.WarningSev {
					t.Errorf("helm lint: %s", m.Error())
				}
			}
		})
	}
}

func TestSchemaRejectsBadValues(t *testing.T) {
	cases := []struct {
		name   string
		values map[string]any
		want   string // part of the error naming the offending value
	}{
		{"replicaCount not a number", map[string]any{"replicaCount": "x"}, "replicaCount"},
		{"replicaCount zero", map[string]any{"replicaCount": 0}, "replicaCount"},
		{"unknown top-level key", map[string]any{"replicas": 2}, "replicas"},
		{"unknown nested key", map[string]any{"image": map[string]any{"tags": "v1"}}, "tags"},
		{"pull policy", map[string]any{"image": map[string]any{"pullPolicy": "Sometimes"}}, "pullPolicy"},
		{"privileged port", map[string]any{"health": map[string]any{"port": 81}}, "port"},
		{"log level", map[string]any{"logLevel": "verbose"}, "logLevel"},
		{"digest", map[string]any{"image": map[string]any{"digest": "latest"}}, "digest"},
		{"namespace", map[string]any{"watchNamespace": "Bad_NS"}, "watchNamespace"},
		{"sample name too long", map[string]any{"sample": map[string]any{"name": strings.Repeat("a", 41)}}, "name"},
		{"interval", map[string]any{"metrics": map[string]any{"serviceMonitor": map[string]any{"interval": "soon"}}}, "interval"},
		{"resources key", map[string]any{"resources": map[string]any{"limits": map[string]any{"gpu": 1}}}, "gpu"},
	}
	ch := loadChart(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := testk8s.Render(ch, tc.values, testRelease)
			if err == nil {
				t.Fatalf("values %v rendered; the schema must reject them", tc.values)
			}
			if !strings.Contains(err.Error(), "values don't meet the specifications of the schema") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error does not come from the schema or does not name %q: %v", tc.want, err)
			}
		})
	}
	t.Run("replicas without leader election", func(t *testing.T) {
		_, _, err := testk8s.Render(ch, map[string]any{"replicaCount": 2, "leaderElection": map[string]any{"enabled": false}}, testRelease)
		if err == nil || !strings.Contains(err.Error(), "needs leaderElection.enabled") {
			t.Fatalf("two replicas without leader election: %v, want the chart to refuse", err)
		}
	})
}

// TestChartVersionFollowsTheBinary: the tree's chart is the unreleased "dev" build an unstamped
// binary reports, its default image tag is its appVersion, and the release script stamps vX.Y.Z
// into both fields of a packaged chart that Helm loads.
func TestChartVersionFollowsTheBinary(t *testing.T) {
	ch := loadChart(t)
	if ch.Metadata.AppVersion != version.Version || ch.Metadata.Version != "0.0.0-dev" {
		t.Errorf("Chart.yaml version %q appVersion %q: the tree holds 0.0.0-dev / %q (release stamps them)",
			ch.Metadata.Version, ch.Metadata.AppVersion, version.Version)
	}

	out := t.TempDir()
	cmd := exec.Command(filepath.Join(root, "hack", "chart-version.sh"), "v1.2.3", out)
	raw, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("chart-version.sh v1.2.3: %v\n%s", err, raw)
	}
	pkg := strings.TrimSpace(string(raw))
	if pkg != filepath.Join(out, "ternant-operator-1.2.3.tgz") {
		t.Fatalf("chart-version.sh printed %q", pkg)
	}
	released, err := testk8s.LoadChart(pkg)
	if err != nil {
		t.Fatal(err)
	}
	if released.Metadata.Version != "1.2.3" || released.Metadata.AppVersion != "v1.2.3" {
		t.Errorf("stamped chart: version %q appVersion %q, want 1.2.3 and v1.2.3", released.Metadata.Version, released.Metadata.AppVersion)
	}
	manifests, _, err := testk8s.Render(released, nil, testRelease)
	if err != nil {
		t.Fatal(err)
	}
	objs, err := testk8s.Decode(manifests)
	if err != nil {
		t.Fatal(err)
	}
	if _, c := deployment(t, objs); c.Image != "ghcr.io/ternant/ternant:v1.2.3" {
		t.Errorf("released chart runs %q, want ghcr.io/ternant/ternant:v1.2.3 (the image make docker-build VERSION=v1.2.3 tags)", c.Image)
	}

	for _, bad := range []string{"97ba4b1-dirty", "dev", "1.2"} {
		if raw, err := exec.Command(filepath.Join(root, "hack", "chart-version.sh"), bad, out).CombinedOutput(); err == nil {
			t.Errorf("chart-version.sh %s succeeded (%s); only release versions may be stamped", bad, raw)
		}
	}
}

func TestNotesNameTheNextCommand(t *testing.T) {
	ch := loadChart(t)
	_, notes, err := testk8s.Render(ch, nil, testRelease)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(notes, "kubectl get ti -n default -w") {
		t.Errorf("NOTES.txt does not say how to watch an instance:\n%s", notes)
	}
	// The sample the notes tell the user to apply must exist in the tree.
	m := regexp.MustCompile(`config/samples/[\w.-]+\.yaml`).FindString(notes)
	if m == "" {
		t.Fatalf("NOTES.txt names no sample to apply:\n%s", notes)
	}
	if _, err := os.Stat(filepath.Join(root, m)); err != nil {
		t.Errorf("NOTES.txt tells users to apply %s: %v", m, err)
	}

	withSample := map[string]any{"sample": map[string]any{"create": true, "namespace": "shop"}}
	_, notes, err = testk8s.Render(ch, withSample, testRelease, tiAPIVersion)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(notes, "kubectl get ti ternant -n shop -w") || strings.Contains(notes, "helm upgrade") {
		t.Errorf("with sample.create on a cluster that serves the CRD, NOTES.txt should watch the instance:\n%s", notes)
	}
}

// TestSampleWaitsForTheCRD: a release that installs the CRD cannot create an instance of it (Helm
// maps every object before any is created), so on a cluster without the CRD the sample is left
// out and NOTES.txt says how to create it; TestHelmInstallOnFreshAPIServer runs that path.
func TestSampleWaitsForTheCRD(t *testing.T) {
	ch := loadChart(t)
	values := map[string]any{"sample": map[string]any{"create": true}}
	out, notes, err := testk8s.Render(ch, values, testRelease) // no TernantInstance API yet
	if err != nil {
		t.Fatal(err)
	}
	objs, err := testk8s.Decode(out)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(testk8s.Select(objs, "TernantInstance")); n != 0 {
		t.Errorf("rendered %d TernantInstances for a cluster without the CRD; helm install would fail", n)
	}
	if !strings.Contains(notes, "helm upgrade ternant-operator CHART -n ternant-system --reuse-values") {
		t.Errorf("NOTES.txt does not say how to create the sample:\n%s", notes)
	}
}
