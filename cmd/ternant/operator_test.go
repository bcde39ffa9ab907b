package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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
