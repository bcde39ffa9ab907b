//go:build kind

package kind

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/ternant/ternant/internal/testk8s"
)

var instanceGVK = schema.GroupVersionKind{Group: "ternant.io", Version: "v1alpha1", Kind: "TernantInstance"}

// clientset is a typed client of the cluster (pods, logs, events).
func clientset(t *testing.T, k8s *testk8s.Env) *kubernetes.Clientset {
	t.Helper()
	cs, err := kubernetes.NewForConfig(k8s.Config)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// instancePods lists the pods of the instance's long-running components (not Jobs).
func instancePods(t *testing.T, k8s *testk8s.Env, name string) []corev1.Pod {
	t.Helper()
	pods, err := clientset(t, k8s).CoreV1().Pods(namespace).List(context.Background(),
		metav1.ListOptions{LabelSelector: "app.kubernetes.io/instance=" + name})
	if err != nil {
		t.Fatal(err)
	}
	var out []corev1.Pod
	for _, p := range pods.Items {
		if _, job := p.Labels["job-name"]; job || p.DeletionTimestamp != nil {
			continue
		}
		out = append(out, p)
	}
	return out
}

func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
			return true
		}
	}
	return false
}

// requirePodsRunning checks that MySQL, Redis and the API server really run: every pod of the
// instance is Running and Ready, and each component has one.
func requirePodsRunning(t *testing.T, k8s *testk8s.Env, name string) {
	t.Helper()
	components := map[string]int{}
	for _, p := range instancePods(t, k8s, name) {
		if p.Status.Phase != corev1.PodRunning || !podReady(&p) {
			t.Errorf("pod %s is %s, ready %v", p.Name, p.Status.Phase, podReady(&p))
		}
		components[p.Labels["app.kubernetes.io/name"]]++
	}
	for _, c := range []string{"mysql", "redis", "ternant"} {
		if components[c] == 0 {
			t.Errorf("no running pod of %s (pods per component: %v)", c, components)
		}
	}
	t.Logf("running pods per component: %v", components)
}

// startSteadyLoad creates a k6 Job with the steady script and returns once its pod runs and has
// had a few seconds to log in and reach its rate.
func startSteadyLoad(t *testing.T, k8s *testk8s.Env, job string, d time.Duration, maxFailed float64) {
	t.Helper()
	ctx := context.Background()
	cm, err := k6ConfigMap(namespace)
	if err != nil {
		t.Fatal(err)
	}
	if err := k8s.Client.Create(ctx, cm); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	j, err := k6SteadyJob(namespace, job, d, maxFailed)
	if err != nil {
		t.Fatal(err)
	}
	if k6Image != "" {
		j.Spec.Template.Spec.Containers[0].Image = k6Image
	}
	if err := k8s.Client.Create(ctx, j); err != nil {
		t.Fatalf("create %s: %v", job, err)
	}
	cs := clientset(t, k8s)
	deadline := time.Now().Add(3 * time.Minute)
	for {
		pods, err := cs.CoreV1().Pods(namespace).List(ctx, metav1.ListOptions{LabelSelector: "job-name=" + job})
		if err == nil && len(pods.Items) > 0 && pods.Items[0].Status.Phase == corev1.PodRunning {
			break
		}
		if time.Now().After(deadline) {
			logJobPods(t, k8s, job)
			t.Fatalf("k6 Job %s did not start within 3m", job)
		}
		time.Sleep(2 * time.Second)
	}
	time.Sleep(15 * time.Second)
}

// jobDone reports whether a Job has finished (complete or failed).
func jobDone(t *testing.T, k8s *testk8s.Env, name string) bool {
	t.Helper()
	j := &batchv1.Job{}
	if err := k8s.Client.Get(context.Background(), client.ObjectKey{Namespace: namespace, Name: name}, j); err != nil {
		t.Fatal(err)
	}
	for _, c := range j.Status.Conditions {
		if (c.Type == batchv1.JobComplete || c.Type == batchv1.JobFailed) && c.Status == corev1.ConditionTrue {
			return true
		}
	}
	return false
}

// waitRollout waits until the API server Deployment runs image on every replica, all ready.
func waitRollout(t *testing.T, k8s *testk8s.Env, name, image string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		d := serverDeployment(t, k8s, name)
		want := int32(1)
		if d.Spec.Replicas != nil {
			want = *d.Spec.Replicas
		}
		s := d.Status
		if d.Spec.Template.Spec.Containers[0].Image == image && s.ObservedGeneration >= d.Generation &&
			s.UpdatedReplicas == want && s.ReadyReplicas == want && s.AvailableReplicas == want && s.Replicas == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("Deployment %s not rolled out to %s within %s: image %s, status %+v", name, image, timeout,
				d.Spec.Template.Spec.Containers[0].Image, s)
		}
		time.Sleep(3 * time.Second)
	}
}

// upgradeUnderLoad moves the instance to a second image while k6 sends a steady load, and requires
// that no request fails: the migration Job runs, then the Deployment rolls one pod at a time.
func upgradeUnderLoad(t *testing.T, k8s *testk8s.Env, name string) {
	t.Helper()
	const job = "k6-upgrade"
	startSteadyLoad(t, k8s, job, 180*time.Second, 0)
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(instanceGVK)
	u.SetNamespace(namespace)
	u.SetName(name)
	patch := fmt.Sprintf(`{"spec":{"image":%q}}`, nextImage)
	if err := k8s.Client.Patch(context.Background(), u, client.RawPatch(types.MergePatchType, []byte(patch))); err != nil {
		t.Fatalf("set spec.image to %s: %v", nextImage, err)
	}
	t0 := time.Now()
	waitRollout(t, k8s, name, nextImage, 5*time.Minute)
	t.Logf("rolled out to %s in %s", nextImage, time.Since(t0).Round(time.Second))
	if jobDone(t, k8s, job) {
		t.Errorf("the k6 run ended before the rollout did: the load did not cover the whole upgrade")
	}
	waitReady(t, k8s, name)
	waitJob(t, k8s, job, k6Timeout)
}

// restartCounts maps each API server pod to its containers' restarts.
func restartCounts(t *testing.T, k8s *testk8s.Env, name string) map[string]int32 {
	t.Helper()
	out := map[string]int32{}
	for _, p := range instancePods(t, k8s, name) {
		if p.Labels["app.kubernetes.io/name"] != "ternant" {
			continue
		}
		var n int32
		for _, c := range p.Status.ContainerStatuses {
			n += c.RestartCount
		}
		out[p.Name] = n
	}
	return out
}

// deleteMySQLPod deletes the MySQL pod; the StatefulSet brings it back on the same volume, the
// demo data is still there, and the API server recovers without restarting.
func deleteMySQLPod(t *testing.T, k8s *testk8s.Env, name string, before map[string]any) {
	t.Helper()
	ctx := context.Background()
	cs := clientset(t, k8s)
	restarts := restartCounts(t, k8s, name)
	pod := name + "-mysql-0"
	old, err := cs.CoreV1().Pods(namespace).Get(ctx, pod, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := cs.CoreV1().Pods(namespace).Delete(ctx, pod, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	deadline := t0.Add(5 * time.Minute)
	for {
		p, err := cs.CoreV1().Pods(namespace).Get(ctx, pod, metav1.GetOptions{})
		if err == nil && p.UID != old.UID && podReady(p) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("MySQL pod %s not back and ready within 5m", pod)
		}
		time.Sleep(2 * time.Second)
	}
	t.Logf("MySQL pod back and ready after %s", time.Since(t0).Round(time.Second))
	base := portForward(t, k8s, name)
	var stats map[string]any
	deadline = time.Now().Add(3 * time.Minute)
	for {
		stats, err = dashboardStats(base)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("API not answering 3m after MySQL came back: %v", err)
		}
		time.Sleep(2 * time.Second)
	}
	t.Logf("API answers %s after the MySQL pod was deleted", time.Since(t0).Round(time.Second))
	for k, v := range before {
		if strings.HasPrefix(k, "total") && fmt.Sprint(stats[k]) != fmt.Sprint(v) {
			t.Errorf("dashboard %s = %v after the MySQL pod came back, was %v", k, stats[k], v)
		}
	}
	after := restartCounts(t, k8s, name)
	if fmt.Sprint(after) != fmt.Sprint(restarts) {
		t.Errorf("API server pods or restarts changed: before %v, after %v", restarts, after)
	}
}

// deleteAPIPodUnderLoad deletes one API server pod while k6 sends a steady load; fewer than 1 %
// of the requests may fail, and the Deployment is whole again afterwards.
func deleteAPIPodUnderLoad(t *testing.T, k8s *testk8s.Env, name string) {
	t.Helper()
	const job = "k6-api-pod"
	startSteadyLoad(t, k8s, job, 90*time.Second, 0.01)
	var victim string
	for _, p := range instancePods(t, k8s, name) {
		if p.Labels["app.kubernetes.io/name"] == "ternant" && podReady(&p) {
			victim = p.Name
			break
		}
	}
	if victim == "" {
		t.Fatal("no ready API server pod to delete")
	}
	if err := clientset(t, k8s).CoreV1().Pods(namespace).Delete(context.Background(), victim, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Logf("deleted API server pod %s", victim)
	waitJob(t, k8s, job, k6Timeout)
	waitRollout(t, k8s, name, serverDeployment(t, k8s, name).Spec.Template.Spec.Containers[0].Image, 3*time.Minute)
}

// requireServiceMonitor checks that the operator made the instance's ServiceMonitor and
// PrometheusRule (the prometheus-operator CRDs are installed; Prometheus itself is not).
func requireServiceMonitor(t *testing.T, k8s *testk8s.Env) {
	t.Helper()
	for _, kind := range []string{"ServiceMonitor", "PrometheusRule"} {
		l := &unstructured.UnstructuredList{}
		l.SetGroupVersionKind(schema.GroupVersionKind{Group: "monitoring.coreos.com", Version: "v1", Kind: kind + "List"})
		if err := k8s.Client.List(context.Background(), l, client.InNamespace(namespace)); err != nil {
			t.Fatalf("list %s: %v", kind, err)
		}
		if len(l.Items) == 0 {
			t.Errorf("no %s in %s", kind, namespace)
			continue
		}
		t.Logf("%s: %s", kind, l.Items[0].GetName())
	}
}

// ownedKinds are the kinds of objects an instance may own.
var ownedKinds = []schema.GroupVersionKind{
	{Group: "apps", Version: "v1", Kind: "Deployment"},
	{Group: "apps", Version: "v1", Kind: "StatefulSet"},
	{Version: "v1", Kind: "Service"},
	{Version: "v1", Kind: "Secret"},
	{Version: "v1", Kind: "ConfigMap"},
	{Version: "v1", Kind: "ServiceAccount"},
	{Group: "batch", Version: "v1", Kind: "Job"},
	{Group: "batch", Version: "v1", Kind: "CronJob"},
	{Group: "policy", Version: "v1", Kind: "PodDisruptionBudget"},
	{Group: "networking.k8s.io", Version: "v1", Kind: "NetworkPolicy"},
}

// ownedBy lists the objects in the namespace with an owner reference to uid.
func ownedBy(t *testing.T, k8s *testk8s.Env, uid types.UID) []string {
	t.Helper()
	kinds := ownedKinds
	if withMonitoring {
		kinds = append(kinds[:len(kinds):len(kinds)],
			schema.GroupVersionKind{Group: "monitoring.coreos.com", Version: "v1", Kind: "ServiceMonitor"},
			schema.GroupVersionKind{Group: "monitoring.coreos.com", Version: "v1", Kind: "PrometheusRule"})
	}
	var out []string
	for _, gvk := range kinds {
		l := &unstructured.UnstructuredList{}
		l.SetGroupVersionKind(gvk.GroupVersion().WithKind(gvk.Kind + "List"))
		if err := k8s.Client.List(context.Background(), l, client.InNamespace(namespace)); err != nil {
			t.Fatalf("list %s: %v", gvk.Kind, err)
		}
		for _, o := range l.Items {
			for _, r := range o.GetOwnerReferences() {
				if r.UID == uid {
					out = append(out, gvk.Kind+"/"+o.GetName())
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// deleteInstance deletes the TernantInstance and waits until the cluster's garbage collector has
// removed everything it owned.
func deleteInstance(t *testing.T, k8s *testk8s.Env, name string) {
	t.Helper()
	ctx := context.Background()
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(instanceGVK)
	if err := k8s.Client.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, u); err != nil {
		t.Fatal(err)
	}
	owned := ownedBy(t, k8s, u.GetUID())
	if len(owned) == 0 {
		t.Fatal("the instance owns no objects")
	}
	t.Logf("the instance owns %d objects: %v", len(owned), owned)
	if err := k8s.Client.Delete(ctx, u); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Minute)
	for {
		err := k8s.Client.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, u.DeepCopy())
		left := ownedBy(t, k8s, u.GetUID())
		if apierrors.IsNotFound(err) && len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("5m after deleting the instance (get: %v), still present: %v", err, left)
		}
		time.Sleep(3 * time.Second)
	}
}

// dumpCluster logs what helps to see why a step failed: the pods of the test's namespaces, the
// recent events of the instance's namespace, and the logs of pods that are not ready.
func dumpCluster(t *testing.T, kubeconfig string) {
	k8s, err := testk8s.Connect(kubeconfig)
	if err != nil {
		t.Logf("dump: %v", err)
		return
	}
	cs := clientset(t, k8s)
	ctx := context.Background()
	for _, ns := range []string{namespace, operatorNS, "kube-system", "local-path-storage"} {
		pods, err := cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			continue
		}
		for _, p := range pods.Items {
			t.Logf("dump: pod %s/%s %s ready=%v", ns, p.Name, p.Status.Phase, podReady(&p))
			if podReady(&p) && ns != operatorNS {
				continue
			}
			for _, c := range p.Spec.Containers {
				raw, err := cs.CoreV1().Pods(ns).GetLogs(p.Name, &corev1.PodLogOptions{Container: c.Name, TailLines: ptrTo(int64(40))}).DoRaw(ctx)
				if err == nil {
					t.Logf("dump: logs of %s/%s[%s]:\n%s", ns, p.Name, c.Name, raw)
				}
			}
		}
	}
	ev, err := cs.CoreV1().Events(namespace).List(ctx, metav1.ListOptions{})
	if err == nil {
		for _, e := range ev.Items {
			t.Logf("dump: event %s %s/%s: %s", e.Reason, e.InvolvedObject.Kind, e.InvolvedObject.Name, e.Message)
		}
	}
}

func ptrTo[T any](v T) *T { return &v }
