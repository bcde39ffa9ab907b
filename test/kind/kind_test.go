//go:build kind

package kind

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/portforward"
	"k8s.io/client-go/transport/spdy"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/kind/pkg/cluster"
	"sigs.k8s.io/kind/pkg/cluster/nodeutils"
	kindcmd "sigs.k8s.io/kind/pkg/cmd"

	"github.com/ternant/ternant/internal/testk8s"
)

// Settings from the environment (make kind-e2e sets them from hack/kind-images.sh's images).
var (
	// e2eImage is the Ternant image under test; it is loaded into the node, never pulled.
	e2eImage = envOr("E2E_IMAGE", "ternant:e2e")
	// nextImage is a second tag of Ternant the upgrade step moves the instance to.
	nextImage = envOr("E2E_NEXT_IMAGE", "ternant:e2e-next")
	// nodeImage is the kind node image; empty uses kind's default node image (pulled).
	nodeImage = os.Getenv("E2E_NODE_IMAGE")
	// mysqlImage and redisImage override the instance's managed MySQL and Redis images; empty
	// keeps the operator's defaults (mysql:8.4, redis:7.4-alpine, pulled).
	mysqlImage = os.Getenv("E2E_MYSQL_IMAGE")
	redisImage = os.Getenv("E2E_REDIS_IMAGE")
	// k6Image overrides the k6 Job's image (default grafana/k6, pulled).
	k6Image = os.Getenv("E2E_K6_IMAGE")
	// withMonitoring installs the prometheus-operator CRDs first, so the instance's
	// ServiceMonitor, PrometheusRule and the operator's ServiceMonitor are created too.
	withMonitoring = envOr("E2E_MONITORING", "1") == "1"
	// keepCluster leaves the cluster running for inspection after the test.
	keepCluster = os.Getenv("E2E_KEEP_CLUSTER") == "1"
)

const (
	namespace     = "ternant-e2e"
	demoOwner     = "owner@sunrise-pm.com"
	demoPassword  = "Password123!"
	readyTimeout  = 10 * time.Minute
	k6Timeout     = 25 * time.Minute
	operatorNS    = "ternant-system"
	operatorChart = "ternant-operator"
)

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// steps records how long each step of the end-to-end test took, printed at the end.
type steps struct {
	t    *testing.T
	list []string
}

// run runs one step and records its wall time.
func (s *steps) run(name string, fn func()) {
	s.t.Helper()
	t0 := time.Now()
	s.t.Logf("step %s ...", name)
	defer func() {
		d := time.Since(t0).Round(time.Second)
		s.list = append(s.list, fmt.Sprintf("%-28s %s", name, d))
		s.t.Logf("step %s: %s", name, d)
	}()
	fn()
}

func (s *steps) report() {
	s.t.Logf("step times:\n%s", strings.Join(s.list, "\n"))
}

// TestKindE2E is the platform end to end on a real cluster: kind cluster, images, chart, instance,
// demo data, an authenticated API call, the k6 scenarios with their thresholds, an upgrade under
// load, the loss of the MySQL pod and of an API pod, monitoring objects, and the instance's deletion.
func TestKindE2E(t *testing.T) {
	ctx := context.Background()
	st := &steps{t: t}
	t.Cleanup(st.report)
	cfg, err := clusterConfig()
	if err != nil {
		t.Fatal(err)
	}
	if nodeImage != "" {
		for i := range cfg.Nodes {
			cfg.Nodes[i].Image = nodeImage
		}
	}
	provider := cluster.NewProvider(cluster.ProviderWithDocker(), cluster.ProviderWithLogger(kindcmd.NewLogger()))
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	// A cluster left over by an interrupted run would make create fail.
	_ = provider.Delete(cfg.Name, kubeconfig)
	st.run("create cluster", func() {
		if err := provider.Create(cfg.Name, cluster.CreateWithV1Alpha4Config(cfg), cluster.CreateWithKubeconfigPath(kubeconfig),
			cluster.CreateWithWaitForReady(5*time.Minute), cluster.CreateWithDisplayUsage(false), cluster.CreateWithDisplaySalutation(false)); err != nil {
			t.Fatalf("create kind cluster: %v", err)
		}
	})
	t.Cleanup(func() {
		if t.Failed() {
			dumpCluster(t, kubeconfig)
		}
		if keepCluster {
			t.Logf("E2E_KEEP_CLUSTER=1: cluster %s left running (kubeconfig %s)", cfg.Name, kubeconfig)
			return
		}
		st.run("delete cluster", func() {
			if err := provider.Delete(cfg.Name, kubeconfig); err != nil {
				t.Errorf("delete kind cluster: %v", err)
			}
		})
	})

	st.run("load images", func() {
		images := []string{e2eImage, nextImage}
		for _, i := range []string{mysqlImage, redisImage, k6Image} {
			if i != "" {
				images = append(images, i)
			}
		}
		loadImages(t, provider, cfg.Name, images)
	})
	k8s, err := testk8s.Connect(kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	if withMonitoring {
		installMonitoringCRDs(t, k8s)
	}

	// The operator, from the chart, running the image under test.
	st.run("helm install operator", func() {
		ch, err := testk8s.LoadChart(chartDir)
		if err != nil {
			t.Fatal(err)
		}
		repo, tag, ok := strings.Cut(e2eImage, ":")
		if !ok {
			t.Fatalf("E2E_IMAGE %q needs a tag", e2eImage)
		}
		values := map[string]any{
			"image":   map[string]any{"repository": repo, "tag": tag, "pullPolicy": "IfNotPresent"},
			"metrics": map[string]any{"serviceMonitor": map[string]any{"enabled": withMonitoring}},
		}
		if _, err := testk8s.Install(ctx, kubeconfig, ch, values, testk8s.Release{Name: operatorChart, Namespace: operatorNS},
			testk8s.InstallOptions{Wait: true, Timeout: 5 * time.Minute, Log: logWriter{t}}); err != nil {
			t.Fatal(err)
		}
	})

	// A TernantInstance: the minimal sample, with the local MySQL and Redis images when given.
	if err := k8s.EnsureNamespace(ctx, namespace); err != nil {
		t.Fatal(err)
	}
	ti, err := sampleInstance(namespace)
	if err != nil {
		t.Fatal(err)
	}
	// k6 sends all its load from one pod, so one client as far as the rate limits go: raise them
	// as make bench does, or the run measures 429s.
	must(t, unstructured.SetNestedMap(ti.Object, map[string]any{"limit": int64(1000000), "loginLimit": int64(1000)}, "spec", "throttle"))
	if mysqlImage != "" {
		must(t, unstructured.SetNestedField(ti.Object, mysqlImage, "spec", "database", "managed", "image"))
	}
	if redisImage != "" {
		must(t, unstructured.SetNestedField(ti.Object, redisImage, "spec", "redis", "managed", "image"))
	}
	st.run("instance Ready", func() {
		if err := k8s.Apply(ctx, ti, false); err != nil {
			t.Fatal(err)
		}
		waitReady(t, k8s, ti.GetName())
		requirePodsRunning(t, k8s, ti.GetName())
	})

	var before map[string]any
	st.run("seed and API call", func() {
		seedDemo(t, k8s, ti.GetName())
		before = smokeAPI(t, k8s, ti.GetName())
	})
	st.run("k6 thresholds", func() { runK6(t, k8s) })
	st.run("upgrade under load", func() { upgradeUnderLoad(t, k8s, ti.GetName()) })
	st.run("MySQL pod deleted", func() { deleteMySQLPod(t, k8s, ti.GetName(), before) })
	st.run("API pod deleted under load", func() { deleteAPIPodUnderLoad(t, k8s, ti.GetName()) })
	if withMonitoring {
		st.run("monitoring objects", func() { requireServiceMonitor(t, k8s) })
	}
	st.run("instance deleted", func() { deleteInstance(t, k8s, ti.GetName()) })
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// loadImages copies images from the local Docker engine into every node's containerd, as
// `kind load docker-image` does (one archive for all of them).
func loadImages(t *testing.T, provider *cluster.Provider, name string, images []string) {
	t.Helper()
	archive := filepath.Join(t.TempDir(), "images.tar")
	args := append([]string{"save", "-o", archive}, images...)
	if out, err := exec.Command("docker", args...).CombinedOutput(); err != nil {
		t.Fatalf("docker save %v (hack/kind-images.sh builds them): %v\n%s", images, err, out)
	}
	nodes, err := provider.ListInternalNodes(name)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		f, err := os.Open(archive)
		if err != nil {
			t.Fatal(err)
		}
		err = nodeutils.LoadImageArchive(n, f)
		f.Close()
		if err != nil {
			t.Fatalf("load %v into node %s: %v", images, n.String(), err)
		}
	}
	t.Logf("loaded %v into %d nodes", images, len(nodes))
}

// installMonitoringCRDs applies the ServiceMonitor and PrometheusRule CRDs generated from the
// prometheus-operator types the operator uses.
func installMonitoringCRDs(t *testing.T, k8s *testk8s.Env) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(monitoringCRDs, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no CRDs in %s: %v", monitoringCRDs, err)
	}
	var objs []*unstructured.Unstructured
	for _, f := range files {
		o, err := testk8s.DecodeFile(f)
		if err != nil {
			t.Fatal(err)
		}
		objs = append(objs, o...)
	}
	crds, err := testk8s.CRDs(objs)
	if err != nil {
		t.Fatal(err)
	}
	if err := k8s.InstallCRDs(crds); err != nil {
		t.Fatal(err)
	}
}

// waitReady waits for the instance's Ready condition to be True, logging its conditions as they change.
func waitReady(t *testing.T, k8s *testk8s.Env, name string) {
	t.Helper()
	deadline := time.Now().Add(readyTimeout)
	last := ""
	for {
		u := &unstructured.Unstructured{}
		u.SetGroupVersionKind(schema.GroupVersionKind{Group: "ternant.io", Version: "v1alpha1", Kind: "TernantInstance"})
		err := k8s.Client.Get(context.Background(), client.ObjectKey{Namespace: namespace, Name: name}, u)
		if err == nil {
			conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
			summary := ""
			ready := false
			for _, c := range conds {
				m, _ := c.(map[string]any)
				summary += fmt.Sprintf("%v=%v(%v) ", m["type"], m["status"], m["reason"])
				if m["type"] == "Ready" && m["status"] == "True" {
					ready = true
				}
			}
			if summary != last {
				t.Logf("instance %s: %s", name, summary)
				last = summary
			}
			if ready {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("instance %s not Ready after %s (last: %s, err %v)", name, readyTimeout, last, err)
		}
		time.Sleep(5 * time.Second)
	}
}

// serverDeployment reads the API server Deployment the operator made for the instance.
func serverDeployment(t *testing.T, k8s *testk8s.Env, name string) *appsv1.Deployment {
	t.Helper()
	d := &appsv1.Deployment{}
	if err := k8s.Client.Get(context.Background(), client.ObjectKey{Namespace: namespace, Name: name}, d); err != nil {
		t.Fatalf("server Deployment: %v", err)
	}
	return d
}

// seedDemo runs `ternant seed --demo` as a Job with the API server's own image, environment and
// security context, so it reaches the same database with the same credentials.
func seedDemo(t *testing.T, k8s *testk8s.Env, name string) {
	t.Helper()
	pod := serverDeployment(t, k8s, name).Spec.Template.Spec.DeepCopy()
	c := &pod.Containers[0]
	c.Name = "seed"
	c.Args = []string{"seed", "--demo"}
	c.Ports, c.LivenessProbe, c.ReadinessProbe, c.StartupProbe = nil, nil, nil, nil
	pod.RestartPolicy = corev1.RestartPolicyNever
	pod.TopologySpreadConstraints = nil
	job := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: "seed-demo", Namespace: namespace},
		Spec: batchv1.JobSpec{
			BackoffLimit: ptr.To[int32](0),
			Template:     corev1.PodTemplateSpec{Spec: *pod},
		},
	}
	if err := k8s.Client.Create(context.Background(), job); err != nil {
		t.Fatalf("create seed Job: %v", err)
	}
	waitJob(t, k8s, job.Name, 5*time.Minute)
}

// waitJob waits for a Job to complete and fails the test, with the pod's logs, when it fails.
func waitJob(t *testing.T, k8s *testk8s.Env, name string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		j := &batchv1.Job{}
		if err := k8s.Client.Get(context.Background(), client.ObjectKey{Namespace: namespace, Name: name}, j); err != nil {
			t.Fatalf("job %s: %v", name, err)
		}
		for _, c := range j.Status.Conditions {
			if c.Status != corev1.ConditionTrue {
				continue
			}
			switch c.Type {
			case batchv1.JobComplete:
				t.Logf("job %s complete", name)
				logJobPods(t, k8s, name)
				return
			case batchv1.JobFailed:
				logJobPods(t, k8s, name)
				t.Fatalf("job %s failed: %s %s", name, c.Reason, c.Message)
			}
		}
		if time.Now().After(deadline) {
			logJobPods(t, k8s, name)
			t.Fatalf("job %s did not finish within %s", name, timeout)
		}
		time.Sleep(5 * time.Second)
	}
}

// logJobPods writes the logs of a Job's pods to the test log.
func logJobPods(t *testing.T, k8s *testk8s.Env, job string) {
	t.Helper()
	cs, err := kubernetes.NewForConfig(k8s.Config)
	if err != nil {
		t.Log(err)
		return
	}
	pods, err := cs.CoreV1().Pods(namespace).List(context.Background(), metav1.ListOptions{LabelSelector: "job-name=" + job})
	if err != nil {
		t.Log(err)
		return
	}
	for _, p := range pods.Items {
		raw, err := cs.CoreV1().Pods(namespace).GetLogs(p.Name, &corev1.PodLogOptions{}).DoRaw(context.Background())
		if err != nil {
			t.Logf("logs of %s: %v", p.Name, err)
			continue
		}
		t.Logf("logs of %s:\n%s", p.Name, raw)
	}
}

// smokeAPI logs in as the demo owner through a port-forward to an API server pod and reads the
// dashboard statistics with the access token.
func smokeAPI(t *testing.T, k8s *testk8s.Env, name string) map[string]any {
	t.Helper()
	stats, err := dashboardStats(portForward(t, k8s, name))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("dashboard stats: %v", stats)
	return stats
}

// dashboardStats logs in as the demo owner at base and returns the data of /api/v1/dashboard/stats.
func dashboardStats(base string) (map[string]any, error) {
	body := strings.NewReader(fmt.Sprintf(`{"email":%q,"password":%q}`, demoOwner, demoPassword))
	resp, err := http.Post(base+"/api/v1/auth/login", "application/json", body)
	if err != nil {
		return nil, err
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("login as %s: %d %s", demoOwner, resp.StatusCode, raw)
	}
	var login struct {
		Tokens struct {
			AccessToken string `json:"accessToken"`
		} `json:"tokens"`
	}
	if err := json.Unmarshal(raw, &login); err != nil || login.Tokens.AccessToken == "" {
		return nil, fmt.Errorf("login response has no tokens.accessToken (%v): %s", err, raw)
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/dashboard/stats", nil)
	req.Header.Set("Authorization", "Bearer "+login.Tokens.AccessToken)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	raw, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	var stats struct {
		Data map[string]any `json:"data"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(raw, &stats) != nil || stats.Data["totalUnits"] == nil {
		return nil, fmt.Errorf("GET /api/v1/dashboard/stats: %d %s", resp.StatusCode, raw)
	}
	return stats.Data, nil
}

// portForward forwards a local port to port 3000 of a ready API server pod and returns its URL.
func portForward(t *testing.T, k8s *testk8s.Env, name string) string {
	t.Helper()
	cs, err := kubernetes.NewForConfig(k8s.Config)
	if err != nil {
		t.Fatal(err)
	}
	sel := metav1.FormatLabelSelector(serverDeployment(t, k8s, name).Spec.Selector)
	pods, err := cs.CoreV1().Pods(namespace).List(context.Background(), metav1.ListOptions{LabelSelector: sel})
	if err != nil {
		t.Fatal(err)
	}
	pod := ""
	for _, p := range pods.Items {
		for _, c := range p.Status.Conditions {
			if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
				pod = p.Name
			}
		}
	}
	if pod == "" {
		t.Fatalf("no ready API server pod among %d", len(pods.Items))
	}
	transport, upgrader, err := spdy.RoundTripperFor(k8s.Config)
	if err != nil {
		t.Fatal(err)
	}
	u := cs.CoreV1().RESTClient().Post().Resource("pods").Namespace(namespace).Name(pod).SubResource("portforward").URL()
	dialer := spdy.NewDialer(upgrader, &http.Client{Transport: transport}, http.MethodPost, u)
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan struct{})
	fw, err := portforward.NewOnAddressesWithContext(ctx, dialer, []string{"127.0.0.1"}, []string{"0:3000"}, ready, io.Discard, logWriter{t})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { errc <- fw.ForwardPorts() }()
	t.Cleanup(cancel)
	select {
	case <-ready:
	case err := <-errc:
		t.Fatalf("port-forward to %s: %v", pod, err)
	case <-time.After(30 * time.Second):
		t.Fatalf("port-forward to %s: not ready after 30s", pod)
	}
	ports, err := fw.GetPorts()
	if err != nil || len(ports) != 1 {
		t.Fatalf("forwarded ports %v: %v", ports, err)
	}
	return (&url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", ports[0].Local)}).String()
}

// runK6 runs test/load/k6.js in the cluster (SHORT=1) and fails when k6 does: a failed request
// rate or latency threshold makes k6 exit non-zero, which fails the Job.
func runK6(t *testing.T, k8s *testk8s.Env) {
	t.Helper()
	cm, err := k6ConfigMap(namespace)
	if err != nil {
		t.Fatal(err)
	}
	job, err := k6Job(namespace)
	if err != nil {
		t.Fatal(err)
	}
	if k6Image != "" {
		job.Spec.Template.Spec.Containers[0].Image = k6Image
	}
	for _, o := range []client.Object{cm, job} {
		if err := k8s.Client.Create(context.Background(), o); err != nil {
			t.Fatalf("create %s: %v", o.GetName(), err)
		}
	}
	waitJob(t, k8s, job.Name, k6Timeout)
}

// logWriter sends a stream to the test log.
type logWriter struct{ t *testing.T }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
