// Package chart tests the Helm chart charts/ternant-operator and the manifests beside it: it
// renders and lints the chart with Helm's own packages, installs it on a real API server
// (envtest), and holds it to the kustomize configuration and the generated CRD and RBAC in config/.
package chart

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"helm.sh/helm/v3/pkg/chart"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/ternant/ternant/internal/testk8s"
)

// Paths from this package to the repository's files.
var (
	root       = filepath.Join("..", "..")
	chartDir   = filepath.Join(root, "charts", "ternant-operator")
	configDir  = filepath.Join(root, "config")
	samplesDir = filepath.Join(configDir, "samples")
	// monitoringCRDs are the prometheus-operator CRDs generated from the Go types the operator
	// uses (controllers/testdata/crds/README.md), so ServiceMonitors can be applied.
	monitoringCRDs = filepath.Join(root, "controllers", "testdata", "crds")
)

// testRelease is what every render and install here is named.
var testRelease = testk8s.Release{Name: "ternant-operator", Namespace: "ternant-system"}

// cluster is a real API server with the generated TernantInstance CRD and the prometheus-operator
// CRDs, shared by the tests that only apply objects.
var cluster = testk8s.NewShared(testk8s.Options{CRDPaths: []string{filepath.Join(configDir, "crd", "bases"), monitoringCRDs}})

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	cluster.Stop()
	os.Exit(code)
}

// loadChart loads the chart directory, failing the test when Helm cannot.
func loadChart(t *testing.T) *chart.Chart {
	t.Helper()
	ch, err := testk8s.LoadChart(chartDir)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// tiAPIVersion is how .Capabilities names the TernantInstance API once its CRD is served.
const tiAPIVersion = "ternant.io/v1alpha1/TernantInstance"

// render renders the chart with values over its defaults, for a cluster that serves the
// TernantInstance CRD (as on `helm upgrade`), and decodes the objects.
func render(t *testing.T, values map[string]any) []*unstructured.Unstructured {
	t.Helper()
	out, _, err := testk8s.Render(loadChart(t), values, testRelease, tiAPIVersion)
	if err != nil {
		t.Fatal(err)
	}
	objs, err := testk8s.Decode(out)
	if err != nil {
		t.Fatalf("rendered manifests do not parse: %v\n%s", err, out)
	}
	return objs
}

// valuesFiles are the chart's sample values files (ci/*.yaml, as chart-testing runs them).
func valuesFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(chartDir, "ci", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no values files in %s/ci: %v", chartDir, err)
	}
	return files
}

// valueSets are the chart's defaults ("defaults": no values) and every values file, by name.
func valueSets(t *testing.T) map[string]map[string]any {
	t.Helper()
	sets := map[string]map[string]any{"defaults": nil}
	for _, file := range valuesFiles(t) {
		v, err := testk8s.ReadValuesFile(file)
		if err != nil {
			t.Fatal(err)
		}
		sets[filepath.Base(file)] = v
	}
	return sets
}

// only returns the single object of kind in objs, failing unless there is exactly one.
func only(t *testing.T, objs []*unstructured.Unstructured, kind string) *unstructured.Unstructured {
	t.Helper()
	sel := testk8s.Select(objs, kind)
	if len(sel) != 1 {
		t.Fatalf("want one %s, rendered %d", kind, len(sel))
	}
	return sel[0]
}
