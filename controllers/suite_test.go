package controllers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
	"sigs.k8s.io/controller-runtime/pkg/config"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
)

// testImage is the operator's default image in these tests.
const testImage = "registry.example/ternant:v1.0.0"

// harness is the control plane and running operator every envtest test shares.
type harness struct {
	env        *envtest.Environment
	cfg        *rest.Config
	k8s        client.Client // direct, uncached: what the tests read and write with
	reconciler *TernantInstanceReconciler
	writes     *writeCounter
}

var (
	suite    *harness
	startErr error
)

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(runSuite(m))
}

// runSuite starts envtest and the operator unless the run is -short or has no control plane;
// requireEnvtest then tells each test what to do about that.
func runSuite(m *testing.M) int {
	if testing.Short() || os.Getenv("KUBEBUILDER_ASSETS") == "" {
		return m.Run()
	}
	h, stop, err := startHarness()
	if err != nil {
		startErr = err
		return m.Run()
	}
	suite = h
	defer stop()
	return m.Run()
}

// requireEnvtest returns the shared harness. Under -short it skips the test (it needs a real
// API server); without KUBEBUILDER_ASSETS it fails, naming the command that builds one.
func requireEnvtest(t *testing.T) *harness {
	t.Helper()
	if testing.Short() {
		t.Skip("needs envtest (a real kube-apiserver and etcd); runs without -short")
	}
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		t.Fatal("KUBEBUILDER_ASSETS is not set: run `make envtest` (it builds kube-apiserver and etcd into ~/.cache/ternant/k8s) " +
			"and export KUBEBUILDER_ASSETS=~/.cache/ternant/k8s, or run the tests through `make test`")
	}
	if startErr != nil {
		t.Fatalf("envtest did not start (KUBEBUILDER_ASSETS=%s): %v", os.Getenv("KUBEBUILDER_ASSETS"), startErr)
	}
	return suite
}

func startHarness() (*harness, func(), error) {
	logf.SetLogger(ctrlLogger())
	env := &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join("..", "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
		Scheme:                NewScheme(),
	}
	cfg, err := env.Start()
	if err != nil {
		return nil, nil, fmt.Errorf("start envtest: %w", err)
	}
	scheme := NewScheme()
	k8s, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		_ = env.Stop()
		return nil, nil, fmt.Errorf("client: %w", err)
	}
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                 scheme,
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Controller:             config.Controller{SkipNameValidation: ptr.To(true)},
		Client:                 client.Options{Cache: &client.CacheOptions{EnableReadYourWritesConsistency: ptr.To(true)}},
		Cache:                  cache.Options{ByObject: CacheOptions()},
	})
	if err != nil {
		_ = env.Stop()
		return nil, nil, fmt.Errorf("manager: %w", err)
	}
	writes := &writeCounter{byNamespace: map[string]int{}}
	r := &TernantInstanceReconciler{
		Client:   writes.wrap(noWatch{mgr.GetClient()}),
		Scheme:   scheme,
		Recorder: mgr.GetEventRecorder("ternant-operator"),
		Options:  Options{DefaultImage: testImage, MonitoringRecheck: time.Second, SecretRecheck: time.Second},
	}
	if err := r.SetupWithManager(mgr); err != nil {
		_ = env.Stop()
		return nil, nil, fmt.Errorf("setup: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := mgr.Start(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "manager stopped:", err)
		}
	}()
	stop := func() {
		cancel()
		wg.Wait()
		_ = env.Stop()
	}
	return &harness{env: env, cfg: cfg, k8s: k8s, reconciler: r, writes: writes}, stop, nil
}

// writeCounter counts the operator's write calls per namespace (and, for the record, its
// reads through the cached client).
type writeCounter struct {
	mu          sync.Mutex
	byNamespace map[string]int
	reads       map[string]int
}

func (w *writeCounter) read(ns string) {
	w.mu.Lock()
	if w.reads == nil {
		w.reads = map[string]int{}
	}
	w.reads[ns]++
	w.mu.Unlock()
}

// readCount is the number of cached-client reads in ns so far.
func (w *writeCounter) readCount(ns string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.reads[ns]
}

func (w *writeCounter) add(ns string) {
	w.mu.Lock()
	w.byNamespace[ns]++
	w.mu.Unlock()
}

// count is the number of writes into ns so far.
func (w *writeCounter) count(ns string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.byNamespace[ns]
}

type namespaced interface{ GetNamespace() string }

// wrap returns c with every write (create, update, patch, apply, delete, and the same on
// subresources such as status) counted.
func (w *writeCounter) wrap(c client.WithWatch) client.WithWatch {
	nsOf := func(o any) string {
		if n, ok := o.(namespaced); ok {
			return n.GetNamespace()
		}
		return ""
	}
	return interceptor.NewClient(c, interceptor.Funcs{
		Get: func(ctx context.Context, c client.WithWatch, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
			w.read(key.Namespace)
			return c.Get(ctx, key, obj, opts...)
		},
		List: func(ctx context.Context, c client.WithWatch, list client.ObjectList, opts ...client.ListOption) error {
			lo := (&client.ListOptions{}).ApplyOptions(opts)
			w.read(lo.Namespace)
			return c.List(ctx, list, opts...)
		},
		Create: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
			w.add(obj.GetNamespace())
			return c.Create(ctx, obj, opts...)
		},
		Update: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.UpdateOption) error {
			w.add(obj.GetNamespace())
			return c.Update(ctx, obj, opts...)
		},
		Patch: func(ctx context.Context, c client.WithWatch, obj client.Object, p client.Patch, opts ...client.PatchOption) error {
			w.add(obj.GetNamespace())
			return c.Patch(ctx, obj, p, opts...)
		},
		Apply: func(ctx context.Context, c client.WithWatch, obj runtime.ApplyConfiguration, opts ...client.ApplyOption) error {
			w.add(nsOf(obj))
			return c.Apply(ctx, obj, opts...)
		},
		Delete: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.DeleteOption) error {
			w.add(obj.GetNamespace())
			return c.Delete(ctx, obj, opts...)
		},
		SubResourceUpdate: func(ctx context.Context, c client.Client, sub string, obj client.Object, opts ...client.SubResourceUpdateOption) error {
			w.add(obj.GetNamespace())
			return c.SubResource(sub).Update(ctx, obj, opts...)
		},
		SubResourcePatch: func(ctx context.Context, c client.Client, sub string, obj client.Object, p client.Patch, opts ...client.SubResourcePatchOption) error {
			w.add(obj.GetNamespace())
			return c.SubResource(sub).Patch(ctx, obj, p, opts...)
		},
	})
}

// noWatch adapts the manager's client to the interceptor, which wants a client.WithWatch; the
// reconciler never watches through its client.
type noWatch struct{ client.Client }

func (noWatch) Watch(context.Context, client.ObjectList, ...client.ListOption) (watch.Interface, error) {
	return nil, errors.New("watch is not supported by the reconciler's client")
}

// newNamespace creates a namespace for one test.
func newNamespace(t *testing.T, h *harness) string {
	t.Helper()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	ns := "t-" + hex.EncodeToString(b)
	if err := h.k8s.Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		t.Fatalf("create namespace: %v", err)
	}
	return ns
}

// eventually retries f until it returns nil or the timeout passes, then fails with f's error.
func eventually(t *testing.T, what string, f func() error) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// get reads one object through the direct client.
func get(h *harness, ns, name string, obj client.Object) error {
	return h.k8s.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, obj)
}
