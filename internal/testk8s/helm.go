package testk8s

import (
	"context"
	"fmt"
	"io"
	"log"
	"maps"
	"path"
	"slices"
	"strings"
	"time"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"helm.sh/helm/v3/pkg/kube"
	"helm.sh/helm/v3/pkg/release"
)

// Release names what a chart is rendered or installed as.
type Release struct {
	Name, Namespace string
}

// LoadChart reads a chart directory (or archive).
func LoadChart(dir string) (*chart.Chart, error) {
	ch, err := loader.Load(dir)
	if err != nil {
		return nil, fmt.Errorf("load chart %s: %w", dir, err)
	}
	return ch, nil
}

// ReadValuesFile reads a values file as `helm install -f` would.
func ReadValuesFile(file string) (map[string]any, error) {
	v, err := chartutil.ReadValuesFile(file)
	if err != nil {
		return nil, fmt.Errorf("read values %s: %w", file, err)
	}
	return v.AsMap(), nil
}

// Render renders the chart as `helm template --api-versions ...` does for a first install: values
// laid over the chart's defaults and validated against values.schema.json, then every template
// executed, with apiVersions (such as "ternant.io/v1alpha1/TernantInstance") added to the ones
// .Capabilities reports. It returns the rendered manifests (hooks included, NOTES.txt and partials
// left out) in a stable order, and the rendered NOTES.txt.
func Render(ch *chart.Chart, values map[string]any, rel Release, apiVersions ...string) (manifests []byte, notes string, err error) {
	caps := chartutil.DefaultCapabilities.Copy()
	caps.APIVersions = append(slices.Clone(caps.APIVersions), apiVersions...)
	vals, err := chartutil.ToRenderValues(ch, values, chartutil.ReleaseOptions{
		Name: rel.Name, Namespace: rel.Namespace, Revision: 1, IsInstall: true,
	}, caps)
	if err != nil {
		return nil, "", fmt.Errorf("values: %w", err)
	}
	out, err := engine.Render(ch, vals)
	if err != nil {
		return nil, "", fmt.Errorf("render: %w", err)
	}
	var b strings.Builder
	for _, name := range slices.Sorted(maps.Keys(out)) {
		base := path.Base(name)
		switch {
		case base == "NOTES.txt":
			notes = out[name]
			continue
		case strings.HasPrefix(base, "_"):
			continue
		}
		if strings.TrimSpace(out[name]) == "" {
			continue
		}
		fmt.Fprintf(&b, "---\n# Source: %s\n%s\n", name, out[name])
	}
	return []byte(b.String()), notes, nil
}

// InstallOptions tune Install.
type InstallOptions struct {
	// Wait for Deployments to be available (a cluster with a kubelet) within Timeout.
	Wait    bool
	Timeout time.Duration
	// Log receives Helm's debug output; nil discards it.
	Log io.Writer
}

func (o InstallOptions) timeout() time.Duration {
	if o.Timeout == 0 {
		return 5 * time.Minute
	}
	return o.Timeout
}

// Install runs `helm install` of ch as rel on the cluster the kubeconfig file names, creating the
// namespace, through Helm's own action package (hooks, ordering and release records included).
func Install(ctx context.Context, kubeconfig string, ch *chart.Chart, values map[string]any, rel Release, o InstallOptions) (*release.Release, error) {
	cfg, err := actionConfig(kubeconfig, rel.Namespace, o.Log)
	if err != nil {
		return nil, err
	}
	inst := action.NewInstall(cfg)
	inst.ReleaseName = rel.Name
	inst.Namespace = rel.Namespace
	inst.CreateNamespace = true
	inst.Wait, inst.Timeout = o.Wait, o.timeout()
	r, err := inst.RunWithContext(ctx, ch, values)
	if err != nil {
		return nil, fmt.Errorf("helm install %s: %w", rel.Name, err)
	}
	return r, nil
}

// Upgrade runs `helm upgrade --reuse-values` of ch as rel.
func Upgrade(ctx context.Context, kubeconfig string, ch *chart.Chart, values map[string]any, rel Release, o InstallOptions) (*release.Release, error) {
	cfg, err := actionConfig(kubeconfig, rel.Namespace, o.Log)
	if err != nil {
		return nil, err
	}
	up := action.NewUpgrade(cfg)
	up.Namespace = rel.Namespace
	up.ReuseValues = true
	up.Wait, up.Timeout = o.Wait, o.timeout()
	r, err := up.RunWithContext(ctx, rel.Name, ch, values)
	if err != nil {
		return nil, fmt.Errorf("helm upgrade %s: %w", rel.Name, err)
	}
	return r, nil
}

// Uninstall runs `helm uninstall`.
func Uninstall(kubeconfig string, rel Release, logTo io.Writer) error {
	cfg, err := actionConfig(kubeconfig, rel.Namespace, logTo)
	if err != nil {
		return err
	}
	if _, err := action.NewUninstall(cfg).Run(rel.Name); err != nil {
		return fmt.Errorf("helm uninstall %s: %w", rel.Name, err)
	}
	return nil
}

func actionConfig(kubeconfig, namespace string, logTo io.Writer) (*action.Configuration, error) {
	if logTo == nil {
		logTo = io.Discard
	}
	logger := log.New(logTo, "helm: ", 0)
	cfg := new(action.Configuration)
	getter := kube.GetConfig(kubeconfig, "", namespace)
	if err := cfg.Init(getter, namespace, "secret", logger.Printf); err != nil {
		return nil, fmt.Errorf("helm configuration: %w", err)
	}
	return cfg, nil
}
