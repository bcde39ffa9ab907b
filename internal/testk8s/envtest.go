// Package testk8s gives tests outside controllers/ a real Kubernetes API server (envtest: a
// kube-apiserver and etcd built by `make envtest`), YAML manifest decoding and server-side apply,
// and Helm chart rendering and installation. It links envtest and Helm, so only tests import it.
package testk8s

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// FieldOwner is the server-side apply field manager of everything tests apply.
const FieldOwner = "ternant-tests"

// Env is a running control plane (envtest), or a cluster reached through a kubeconfig.
type Env struct {
	env    *envtest.Environment
	Config *rest.Config
	// Client talks to the API server directly (no cache) with the built-in types and CRDs.
	Client client.Client
	// Kubeconfig is a kubeconfig file for a cluster admin, for clients that want a file (Helm).
	Kubeconfig string
	dir        string
}

// Options say what a control plane starts with.
type Options struct {
	// CRDPaths are files or directories of CRD YAML installed before the API server is handed out.
	CRDPaths []string
}

// Start runs kube-apiserver and etcd from KUBEBUILDER_ASSETS and installs the CRDs.
func Start(o Options) (*Env, error) {
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		return nil, errors.New(missingAssets)
	}
	te := &envtest.Environment{
		CRDInstallOptions: envtest.CRDInstallOptions{Paths: o.CRDPaths, ErrorIfPathMissing: true},
	}
	cfg, err := te.Start()
	if err != nil {
		return nil, fmt.Errorf("start envtest (KUBEBUILDER_ASSETS=%s): %w", os.Getenv("KUBEBUILDER_ASSETS"), err)
	}
	e := &Env{env: te, Config: cfg}
	if err := e.init(); err != nil {
		_ = e.Stop()
		return nil, err
	}
	return e, nil
}

// Connect returns an Env for an existing cluster (kind) named by a kubeconfig file.
func Connect(kubeconfig string) (*Env, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("kubeconfig %s: %w", kubeconfig, err)
	}
	e := &Env{Config: cfg, Kubeconfig: kubeconfig}
	if err := e.newClient(); err != nil {
		return nil, err
	}
	return e, nil
}

func (e *Env) newClient() error {
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return fmt.Errorf("scheme: %w", err)
	}
	if err := apiextensionsv1.AddToScheme(scheme); err != nil {
		return fmt.Errorf("scheme: %w", err)
	}
	c, err := client.New(e.Config, client.Options{Scheme: scheme})
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	e.Client = c
	return nil
}

func (e *Env) init() error {
	if err := e.newClient(); err != nil {
		return err
	}
	admin, err := e.env.AddUser(envtest.User{Name: "test-admin", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return fmt.Errorf("add admin user: %w", err)
	}
	kc, err := admin.KubeConfig()
	if err != nil {
		return fmt.Errorf("admin kubeconfig: %w", err)
	}
	if e.dir, err = os.MkdirTemp("", "testk8s-"); err != nil {
		return fmt.Errorf("kubeconfig dir: %w", err)
	}
	e.Kubeconfig = filepath.Join(e.dir, "kubeconfig")
	if err := os.WriteFile(e.Kubeconfig, kc, 0o600); err != nil {
		return fmt.Errorf("write kubeconfig: %w", err)
	}
	return nil
}

// Stop stops the control plane and removes the kubeconfig it wrote; for a cluster from Connect
// it does nothing.
func (e *Env) Stop() error {
	if e.dir != "" {
		_ = os.RemoveAll(e.dir)
	}
	if e.env == nil {
		return nil
	}
	return e.env.Stop()
}

// InstallCRDs creates CRDs and waits until the API server serves them.
func (e *Env) InstallCRDs(crds []*apiextensionsv1.CustomResourceDefinition) error {
	_, err := envtest.InstallCRDs(e.Config, envtest.CRDInstallOptions{CRDs: crds, MaxTime: 30 * time.Second})
	if err != nil {
		return fmt.Errorf("install CRDs: %w", err)
	}
	return nil
}

// EnsureNamespace creates the namespace unless it exists.
func (e *Env) EnsureNamespace(ctx context.Context, name string) error {
	err := e.Client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create namespace %s: %w", name, err)
	}
	return nil
}

// Apply server-side applies obj as FieldOwner and replaces obj with the API server's answer
// (defaults filled in). With dryRun the API server runs every admission and validation step
// (schema, CEL rules, defaulting) and persists nothing.
func (e *Env) Apply(ctx context.Context, obj *unstructured.Unstructured, dryRun bool) error {
	opts := []client.ApplyOption{client.FieldOwner(FieldOwner), client.ForceOwnership}
	if dryRun {
		opts = append(opts, client.DryRunAll)
	}
	if err := e.Client.Apply(ctx, client.ApplyConfigurationFromUnstructured(obj), opts...); err != nil {
		return fmt.Errorf("apply %s: %w", Describe(obj), err)
	}
	return nil
}

// Describe names an object as kind namespace/name.
func Describe(obj *unstructured.Unstructured) string {
	if obj.GetNamespace() == "" {
		return obj.GetKind() + " " + obj.GetName()
	}
	return obj.GetKind() + " " + obj.GetNamespace() + "/" + obj.GetName()
}

const missingAssets = "KUBEBUILDER_ASSETS is not set: run `make envtest` (it builds kube-apiserver and etcd into " +
	"~/.cache/ternant/k8s) and export KUBEBUILDER_ASSETS=~/.cache/ternant/k8s, or run the tests through `make test`"

// Shared is one control plane per test binary, started by the first test that needs it.
type Shared struct {
	opts Options
	once sync.Once
	env  *Env
	err  error
}

// NewShared returns a control plane that starts on first use with o.
func NewShared(o Options) *Shared { return &Shared{opts: o} }

// Require returns the running control plane, starting it on first use. Under -short the test is
// skipped (it needs a real API server); without KUBEBUILDER_ASSETS or when the control plane
// cannot start, it fails, naming the command that builds one.
func (s *Shared) Require(t testing.TB) *Env {
	t.Helper()
	if testing.Short() {
		t.Skip("needs envtest (a real kube-apiserver and etcd); runs without -short")
	}
	s.once.Do(func() { s.env, s.err = Start(s.opts) })
	if s.err != nil {
		t.Fatal(s.err)
	}
	return s.env
}

// Stop stops the control plane if a test started it; call it from TestMain after m.Run.
func (s *Shared) Stop() {
	if s.env != nil {
		if err := s.env.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stop envtest:", err)
		}
	}
}
