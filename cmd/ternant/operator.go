package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/ternant/ternant/controllers"
	"github.com/ternant/ternant/version"
)

func init() {
	register("operator", "run the Kubernetes operator for TernantInstance resources", operator)
}

// defaultOperatorImage is the image the operator deploys when an instance names no version or
// image: its own release.
var defaultOperatorImage = "ghcr.io/ternant/ternant:" + version.Version

func operator(args []string, stdout, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return runOperatorCommand(ctx, args, stdout, stderr)
}

// runOperatorCommand is `ternant operator` until ctx ends.
func runOperatorCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("operator", "operator [flags]   (reads --kubeconfig, KUBECONFIG, ~/.kube/config or the in-cluster service account)", stdout, nil)
	kubeconfig := fs.String("kubeconfig", "", "path to a kubeconfig; default $KUBECONFIG, the in-cluster service account, then ~/.kube/config")
	metricsAddr := fs.String("metrics-bind-address", ":8080", "address of the operator's Prometheus metrics endpoint (0 disables it)")
	probeAddr := fs.String("health-probe-bind-address", ":8081", "address of /healthz and /readyz")
	leaderElect := fs.Bool("leader-elect", false, "elect a leader so only one replica reconciles at a time (the Deployment and the chart turn it on)")
	leaderNS := fs.String("leader-election-namespace", "", "namespace of the leader-election Lease (default: the operator's own in a cluster, the kubeconfig context's outside)")
	namespace := fs.String("namespace", "", "watch only this namespace (default: all)")
	image := fs.String("image", defaultOperatorImage, "Ternant image for instances that set neither spec.version nor spec.image; its repository serves spec.version")
	monitoringRecheck := fs.Duration("monitoring-recheck", time.Minute, "how often an instance whose monitoring CRDs are missing looks for them again")
	logLevel := fs.String("log-level", "info", "debug | info | warn | error")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return usageError{fmt.Sprintf("--log-level: %q is not debug, info, warn or error", *logLevel)}
	}
	handler := slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level})
	logger := logr.FromSlogHandler(handler)
	ctrl.SetLogger(logger)
	applyMemoryLimit(slog.New(handler))

	cfg, kubeNS, err := kubeConfig(*kubeconfig)
	if err != nil {
		return err
	}
	if *leaderElect && *leaderNS == "" && !inCluster() {
		// Outside a cluster controller-runtime cannot find "its own" namespace: use the
		// kubeconfig context's, as kubectl would.
		*leaderNS = kubeNS
	}
	return runOperator(ctx, cfg, logger, operatorOptions{
		MetricsAddr: *metricsAddr, ProbeAddr: *probeAddr, LeaderElect: *leaderElect, LeaderElectionNamespace: *leaderNS,
		Namespace: *namespace, Image: *image, MonitoringRecheck: *monitoringRecheck,
	})
}

// kubeConfig loads the client configuration the way every controller-runtime manager does:
// --kubeconfig, else $KUBECONFIG, else the in-cluster service account, else ~/.kube/config. It
// also returns the namespace of the kubeconfig's current context ("default" when unset).
func kubeConfig(path string) (*rest.Config, string, error) {
	if path == "" && os.Getenv("KUBECONFIG") == "" && inCluster() {
		cfg, err := rest.InClusterConfig()
		if err != nil {
			return nil, "", fmt.Errorf("kubernetes client config: %w", err)
		}
		return cfg, "", nil
	}
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if path != "" {
		rules.ExplicitPath = path
	}
	loader := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{})
	cfg, err := loader.ClientConfig()
	if err != nil {
		return nil, "", fmt.Errorf("kubernetes client config: %w (pass --kubeconfig, set KUBECONFIG, or run in a cluster)", err)
	}
	ns, _, err := loader.Namespace()
	if err != nil || ns == "" {
		ns = "default"
	}
	return cfg, ns, nil
}

// inCluster reports whether the process runs in a Kubernetes pod.
func inCluster() bool {
	return os.Getenv("KUBERNETES_SERVICE_HOST") != "" && os.Getenv("KUBERNETES_SERVICE_PORT") != ""
}

// skipControllerNameValidation lets tests run several managers in one process.
var skipControllerNameValidation = false

// operatorOptions are the settings `ternant operator` takes from its flags.
type operatorOptions struct {
	MetricsAddr, ProbeAddr  string
	LeaderElect             bool
	LeaderElectionNamespace string
	Namespace               string
	Image                   string
	MonitoringRecheck       time.Duration
}

// runOperator runs the controller manager until ctx ends.
func runOperator(ctx context.Context, cfg *rest.Config, logger logr.Logger, o operatorOptions) error {
	opts := ctrl.Options{
		Scheme:                  controllers.NewScheme(),
		Logger:                  logger,
		Metrics:                 metricsserver.Options{BindAddress: o.MetricsAddr},
		HealthProbeBindAddress:  o.ProbeAddr,
		LeaderElection:          o.LeaderElect,
		LeaderElectionID:        "operator.ternant.io",
		LeaderElectionNamespace: o.LeaderElectionNamespace,
		// Release the Lease on shutdown so a new replica takes over at once.
		LeaderElectionReleaseOnCancel: true,
		Client:                        client.Options{Cache: &client.CacheOptions{EnableReadYourWritesConsistency: ptr.To(true)}},
	}
	opts.Cache.ByObject = controllers.CacheOptions()
	// controller-runtime refuses a second controller of the same name in one process; only tests
	// start the manager more than once.
	opts.Controller.SkipNameValidation = ptr.To(skipControllerNameValidation)
	if o.Namespace != "" {
		opts.Cache.DefaultNamespaces = map[string]cache.Config{o.Namespace: {}}
	}
	mgr, err := ctrl.NewManager(cfg, opts)
	if err != nil {
		return fmt.Errorf("create manager: %w", err)
	}
	r := &controllers.TernantInstanceReconciler{
		Client:    mgr.GetClient(),
		APIReader: mgr.GetAPIReader(),
		Scheme:    mgr.GetScheme(),
		Recorder:  mgr.GetEventRecorder("ternant-operator"),
		Options: controllers.Options{
			DefaultImage:      o.Image,
			MonitoringRecheck: o.MonitoringRecheck,
			SecretRecheck:     time.Minute,
		},
	}
	if err := r.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("set up controller: %w", err)
	}
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		return fmt.Errorf("add health check: %w", err)
	}
	if err := mgr.AddReadyzCheck("readyz", healthz.Ping); err != nil {
		return fmt.Errorf("add ready check: %w", err)
	}
	logger.Info("starting operator", "version", version.String(), "defaultImage", o.Image, "leaderElection", o.LeaderElect)
	if err := mgr.Start(ctx); err != nil {
		return fmt.Errorf("run manager: %w", err)
	}
	return nil
}
