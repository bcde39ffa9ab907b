package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
	"github.com/ternant/ternant/controllers"
)

// TestOperatorRunsAgainstAPIServer runs `ternant operator`'s manager against a real
// kube-apiserver (envtest) with leader election: the probes and the metrics endpoint answer,
// the elected leader reconciles an instance, and cancelling stops it cleanly.
func TestOperatorRunsAgainstAPIServer(t *testing.T) {
	if testing.Short() {
		t.Skip("needs envtest (a real kube-apiserver and etcd); runs without -short")
	}
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		t.Fatal("KUBEBUILDER_ASSETS is not set: run `make envtest` and export KUBEBUILDER_ASSETS=~/.cache/ternant/k8s, or run `make test`")
	}
	env := &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join("..", "..", "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
	}
	cfg, err := env.Start()
	if err != nil {
		t.Fatalf("start envtest: %v", err)
	}
	t.Cleanup(func() { _ = env.Stop() })

	probeAddr, metricsAddr := freeAddr(t), freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	logger := logr.FromSlogHandler(slog.NewTextHandler(io.Discard, nil))
	go func() {
		done <- runOperator(ctx, cfg, logger, operatorOptions{
			MetricsAddr: metricsAddr, ProbeAddr: probeAddr, LeaderElect: true, LeaderElectionNamespace: "default",
			Image: "registry.example/ternant:v1.0.0", MonitoringRecheck: time.Minute,
		})
	}()
	t.Cleanup(cancel)

	for _, url := range []string{"http://" + probeAddr + "/healthz", "http://" + probeAddr + "/readyz"} {
		waitHTTP(t, url, "ok")
	}

	c, err := client.New(cfg, client.Options{Scheme: controllers.NewScheme()})
	if err != nil {
		t.Fatal(err)
	}
	ti := &ternantv1.TernantInstance{ObjectMeta: metav1.ObjectMeta{Name: "smoke", Namespace: "default"}}
	if err := c.Create(ctx, ti); err != nil {
		t.Fatalf("create instance: %v", err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := c.Get(ctx, client.ObjectKey{Namespace: "default", Name: "smoke-secrets"}, &corev1.Secret{})
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the operator did not reconcile the instance: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	waitHTTP(t, "http://"+metricsAddr+"/metrics", `controller_runtime_reconcile_total{controller="ternantinstance"`)
	// The operator's own metrics beside controller-runtime's.
	waitHTTP(t, "http://"+metricsAddr+"/metrics", `ternant_operator_reconcile_steps_total{outcome="ok",step="secrets"}`)
	waitHTTP(t, "http://"+metricsAddr+"/metrics", `ternant_operator_instance_condition{condition="DatabaseReady",instance_name="smoke",instance_namespace="default"`)

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("operator stopped with %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("operator did not stop within 30s of cancellation")
	}
}

// freeAddr returns a loopback address with a port nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// waitHTTP polls url until it answers 200 with a body containing want.
func waitHTTP(t *testing.T, url, want string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var last string
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && strings.Contains(string(b), want) {
				return
			}
			last = fmt.Sprintf("status %d, body %.200q", resp.StatusCode, b)
		} else {
			last = err.Error()
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s: want 200 containing %q, last %s", url, want, last)
}

// TestOperatorCommandOnAWorkstation runs the `ternant operator` command as a developer would,
// outside a cluster: once with --kubeconfig FILE, once with only KUBECONFIG set and the default
// leader election (off outside a cluster), and once with --leader-elect, whose Lease then goes
// to the kubeconfig context's namespace. Each starts, answers its probes and stops cleanly.
func TestOperatorCommandOnAWorkstation(t *testing.T) {
	if testing.Short() {
		t.Skip("needs envtest (a real kube-apiserver and etcd); runs without -short")
	}
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		t.Fatal("KUBEBUILDER_ASSETS is not set: run `make envtest` and export KUBEBUILDER_ASSETS=~/.cache/ternant/k8s, or run `make test`")
	}
	env := &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join("..", "..", "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
	}
	cfg, err := env.Start()
	if err != nil {
		t.Fatalf("start envtest: %v", err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	kubeconfig := writeKubeconfig(t, cfg, "ops")
	skipControllerNameValidation = true
	t.Cleanup(func() { skipControllerNameValidation = false })
	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	t.Setenv("KUBERNETES_SERVICE_PORT", "")

	c, err := client.New(cfg, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "ops"}}); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name   string
		envKC  string
		args   []string
		leased bool
	}{
		{"--kubeconfig", "", []string{"--kubeconfig", kubeconfig}, false},
		{"KUBECONFIG and defaults", kubeconfig, nil, false},
		{"--leader-elect outside a cluster", kubeconfig, []string{"--leader-elect"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("KUBECONFIG", tc.envKC)
			probe := freeAddr(t)
			args := append([]string{"--health-probe-bind-address", probe, "--metrics-bind-address", "0"}, tc.args...)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			var stderr syncBuffer
			go func() { done <- runOperatorCommand(ctx, args, io.Discard, &stderr) }()
			waitHTTPOr(t, "http://"+probe+"/readyz", "ok", done, &stderr)
			if tc.leased {
				deadline := time.Now().Add(30 * time.Second)
				for {
					var lease coordinationv1.Lease
					err := c.Get(ctx, client.ObjectKey{Namespace: "ops", Name: "operator.ternant.io"}, &lease)
					if err == nil {
						break
					}
					if time.Now().After(deadline) {
						t.Fatalf("no leader-election Lease in the kubeconfig's namespace: %v", err)
					}
					time.Sleep(100 * time.Millisecond)
				}
			}
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("operator stopped with %v; log:\n%s", err, stderr.String())
				}
			case <-time.After(30 * time.Second):
				t.Fatal("operator did not stop within 30s of cancellation")
			}
		})
	}
}

// writeKubeconfig writes a kubeconfig for cfg whose context's namespace is ns.
func writeKubeconfig(t *testing.T, cfg *rest.Config, ns string) string {
	t.Helper()
	kc := clientcmdapi.NewConfig()
	kc.Clusters["envtest"] = &clientcmdapi.Cluster{Server: cfg.Host, CertificateAuthorityData: cfg.CAData}
	kc.AuthInfos["envtest"] = &clientcmdapi.AuthInfo{ClientCertificateData: cfg.CertData, ClientKeyData: cfg.KeyData, Token: cfg.BearerToken}
	kc.Contexts["envtest"] = &clientcmdapi.Context{Cluster: "envtest", AuthInfo: "envtest", Namespace: ns}
	kc.CurrentContext = "envtest"
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*kc, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// waitHTTPOr is waitHTTP that fails at once, with the log, when the operator exits.
func waitHTTPOr(t *testing.T, url, want string, done <-chan error, log *syncBuffer) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("operator exited before serving %s: %v; log:\n%s", url, err, log.String())
		default:
		}
		resp, err := http.Get(url)
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && strings.Contains(string(b), want) {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s never answered %q; log:\n%s", url, want, log.String())
}

// syncBuffer is a bytes.Buffer safe for the operator's logger and the test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
