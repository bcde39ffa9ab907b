package controllers

import (
	"fmt"
	"io/fs"
	"sort"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
	"github.com/ternant/ternant/dashboards"
)

// defaultDashboardLabels is what kube-prometheus-stack's Grafana sidecar looks for.
var defaultDashboardLabels = map[string]string{"grafana_dashboard": "1"}

// enabled reads an optional on/off switch whose default is on.
func enabled(b *bool) bool { return b == nil || *b }

// serviceMonitor makes Prometheus scrape the server Service's http port at /metrics, presenting
// the metrics token the server requires.
func serviceMonitor(ti *ternantv1.TernantInstance, metricsToken corev1.SecretKeySelector) *monitoringv1.ServiceMonitor {
	sm := ti.Spec.Monitoring.ServiceMonitor
	ep := monitoringv1.Endpoint{
		Port:     "http",
		Path:     "/metrics",
		Interval: monitoringv1.Duration(defaultedString(sm.Interval, "30s")),
	}
	ep.Authorization = &monitoringv1.SafeAuthorization{Type: "Bearer", Credentials: ptr.To(metricsToken)}
	return &monitoringv1.ServiceMonitor{
		ObjectMeta: metav1.ObjectMeta{
			Name: serverName(ti), Namespace: ti.Namespace,
			Labels: mergeLabels(objectLabels(ti, componentMonitoring), sm.Labels),
		},
		Spec: monitoringv1.ServiceMonitorSpec{
			Selector:  metav1.LabelSelector{MatchLabels: selectorLabels(ti, componentServer)},
			Endpoints: []monitoringv1.Endpoint{ep},
		},
	}
}

// alertRules is the PrometheusRule spec shipped in dashboards/alerts.yaml.
var alertRules, alertRulesErr = loadAlertRules(dashboards.FS)

func loadAlertRules(fsys fs.FS) (monitoringv1.PrometheusRuleSpec, error) {
	var spec monitoringv1.PrometheusRuleSpec
	b, err := fs.ReadFile(fsys, dashboards.AlertsFile)
	if err != nil {
		return spec, fmt.Errorf("read %s: %w", dashboards.AlertsFile, err)
	}
	if err := yaml.UnmarshalStrict(b, &spec); err != nil {
		return spec, fmt.Errorf("parse %s: %w", dashboards.AlertsFile, err)
	}
	return spec, nil
}

// prometheusRule installs Ternant's alert rules.
func prometheusRule(ti *ternantv1.TernantInstance, rules monitoringv1.PrometheusRuleSpec) *monitoringv1.PrometheusRule {
	return &monitoringv1.PrometheusRule{
		ObjectMeta: metav1.ObjectMeta{
			Name: serverName(ti), Namespace: ti.Namespace,
			Labels: mergeLabels(objectLabels(ti, componentMonitoring), ti.Spec.Monitoring.PrometheusRule.Labels),
		},
		Spec: *rules.DeepCopy(),
	}
}

// dashboardFiles reads every *.json dashboard of fsys, keyed by file name.
func dashboardFiles(fsys fs.FS) (map[string]string, error) {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := make(map[string]string, len(names))
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, fmt.Errorf("read dashboard %s: %w", n, err)
		}
		out[n] = string(b)
	}
	return out, nil
}

// dashboardConfigMap holds the Grafana dashboards, labelled for the Grafana sidecar (the
// spec's labels replace the default grafana_dashboard: "1").
func dashboardConfigMap(ti *ternantv1.TernantInstance, files map[string]string) *corev1.ConfigMap {
	labels := ti.Spec.Monitoring.GrafanaDashboards.Labels
	if len(labels) == 0 {
		labels = defaultDashboardLabels
	}
	return &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{
			Name: dashboardsName(ti), Namespace: ti.Namespace,
			Labels: mergeLabels(objectLabels(ti, componentMonitoring), labels),
		},
		Data: files,
	}
}
