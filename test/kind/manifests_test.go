package kind

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"path"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/ternant/ternant/internal/testk8s"
)

// apiServer is a real API server (envtest) for the dry runs.
var apiServer = testk8s.NewShared(testk8s.Options{})

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	apiServer.Stop()
	os.Exit(code)
}

func TestKindConfigDecodesStrictly(t *testing.T) {
	c, err := clusterConfig()
	if err != nil {
		t.Fatal(err)
	}
	if c.Kind != "Cluster" || c.APIVersion != "kind.x-k8s.io/v1alpha4" {
		t.Errorf("kind config is %s %s, want kind.x-k8s.io/v1alpha4 Cluster", c.APIVersion, c.Kind)
	}
	if c.Name != "ternant-e2e" {
		t.Errorf("cluster name %q, want ternant-e2e (make kind-e2e deletes that cluster)", c.Name)
	}
	// One node: the offline node image's network is a bridge on that node (no kindnetd), and
	// kind only lets workloads onto the control plane when it has no worker.
	var roles []string
	for _, n := range c.Nodes {
		roles = append(roles, string(n.Role))
	}
	if !slices.Equal(roles, []string{"control-plane"}) {
		t.Errorf("node roles %v: want one control-plane node", roles)
	}
	// kubelet 1.35+ fails on cgroup v1 hosts unless told not to.
	patched := false
	for _, p := range c.KubeadmConfigPatches {
		patched = patched || (strings.Contains(p, "kind: KubeletConfiguration") && strings.Contains(p, "failCgroupV1: false"))
	}
	if !patched {
		t.Error("no KubeletConfiguration patch with failCgroupV1: false")
	}
}

func TestK6JobManifest(t *testing.T) {
	job, err := k6Job("e2e")
	if err != nil {
		t.Fatal(err)
	}
	ti, err := sampleInstance("e2e")
	if err != nil {
		t.Fatal(err)
	}
	spec := job.Spec.Template.Spec
	if len(spec.Containers) != 1 {
		t.Fatalf("%d containers", len(spec.Containers))
	}
	c := spec.Containers[0]
	if !strings.HasPrefix(c.Image, "grafana/k6:") || strings.HasSuffix(c.Image, ":latest") {
		t.Errorf("image %q: want a pinned grafana/k6", c.Image)
	}
	env := map[string]string{}
	for _, e := range c.Env {
		env[e.Name] = e.Value
	}
	// The operator names the API Service after the instance, port 3000.
	if want := "http://" + ti.GetName() + ":3000"; env["BASE_URL"] != want {
		t.Errorf("BASE_URL %q, want %q (the Service of the sample instance)", env["BASE_URL"], want)
	}
	if env["SHORT"] != "1" {
		t.Errorf("SHORT %q, want 1", env["SHORT"])
	}
	if job.Spec.BackoffLimit == nil || *job.Spec.BackoffLimit != 0 || spec.RestartPolicy != corev1.RestartPolicyNever {
		t.Error("a failed k6 run must fail the Job at once: backoffLimit 0, restartPolicy Never")
	}
	// The script argument is the ConfigMap's key under the volume's mount path.
	var mount string
	for _, v := range spec.Volumes {
		if v.ConfigMap != nil && v.ConfigMap.Name == k6ConfigMapName {
			for _, m := range c.VolumeMounts {
				if m.Name == v.Name {
					mount = m.MountPath
				}
			}
		}
	}
	if mount == "" {
		t.Fatalf("no volume mounts the ConfigMap %s", k6ConfigMapName)
	}
	if script := path.Join(mount, k6ScriptKey); !slices.Equal(c.Args[:1], []string{"run"}) || c.Args[len(c.Args)-1] != script {
		t.Errorf("args %v: want run ... %s", c.Args, script)
	}
	cm, err := k6ConfigMap("e2e")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(cm.Data[k6ScriptKey], "export const options") {
		t.Error("the ConfigMap does not hold the k6 script")
	}
}

// TestK6JobAcceptedByAPIServer has a real API server take the ConfigMap and the Job (dryRun=All).
func TestK6JobAcceptedByAPIServer(t *testing.T) {
	env := apiServer.Require(t)
	ctx := context.Background()
	const ns = "e2e"
	if err := env.EnsureNamespace(ctx, ns); err != nil {
		t.Fatal(err)
	}
	job, err := k6Job(ns)
	if err != nil {
		t.Fatal(err)
	}
	cm, err := k6ConfigMap(ns)
	if err != nil {
		t.Fatal(err)
	}
	for _, obj := range []runtime.Object{cm, job} {
		m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
		if err != nil {
			t.Fatal(err)
		}
		u := &unstructured.Unstructured{Object: m}
		unstructured.RemoveNestedField(u.Object, "metadata", "creationTimestamp")
		unstructured.RemoveNestedField(u.Object, "spec", "template", "metadata", "creationTimestamp")
		unstructured.RemoveNestedField(u.Object, "status")
		if err := env.Apply(ctx, u, true); err != nil {
			t.Errorf("API server rejects it: %v", err)
		}
	}
}

// TestKindE2ECompiles keeps the kind-tagged end-to-end test buildable where it cannot run (no
// Docker engine): go vet type-checks it with the tag.
func TestKindE2ECompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	out, err := exec.Command("go", "vet", "-tags", "kind", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go vet -tags kind ./test/kind: %v\n%s", err, out)
	}
}
