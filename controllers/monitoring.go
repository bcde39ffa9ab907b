package controllers

import (
	"context"
	"fmt"
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
	"github.com/ternant/ternant/dashboards"
)

// reconcileMonitoring applies the ServiceMonitor and PrometheusRule when the prometheus-operator
// CRDs exist (found through the REST mapper, looked up again every MonitoringRecheck while
// missing) and the Grafana dashboard ConfigMap, deleting whichever the spec turned off.
func (r *TernantInstanceReconciler) reconcileMonitoring(ctx context.Context, s *state) error {
	ti := s.ti
	mon := ti.Spec.Monitoring
	var missing []string

	parts := []struct {
		kind    string
		empty   client.Object
		on      bool
		desired func() (client.Object, error)
	}{
		{monitoringv1.ServiceMonitorsKind, &monitoringv1.ServiceMonitor{}, enabled(mon.ServiceMonitor.Enabled), func() (client.Object, error) {
			return serviceMonitor(ti, s.secrets.MetricsToken), nil
		}},
		{monitoringv1.PrometheusRuleKind, &monitoringv1.PrometheusRule{}, enabled(mon.PrometheusRule.Enabled), func() (client.Object, error) {
			if alertRulesErr != nil {
				return nil, alertRulesErr
			}
			return prometheusRule(ti, alertRules), nil
		}},
	}
	for _, p := range parts {
		installed, err := r.kindInstalled(monitoringv1.SchemeGroupVersion.WithKind(p.kind))
		if err != nil {
			return err
		}
		if !installed {
			if p.on {
				missing = append(missing, p.kind)
			}
			continue
		}
		// Watch the kind from now on, so a deleted object comes back at once.
		if err := r.watcher.watch(p.empty, p.kind); err != nil {
			return err
		}
		obj, err := p.desired()
		if err != nil {
			return err
		}
		if p.on {
			if _, err := r.apply(ctx, ti, obj); err != nil {
				return err
			}
		} else if err := r.deleteIfOwned(ctx, ti, obj); err != nil {
			return err
		}
	}

	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: dashboardsName(ti)}}
	if enabled(mon.GrafanaDashboards.Enabled) {
		files, err := dashboardFiles(dashboards.FS)
		if err != nil {
			return err
		}
		if _, err := r.apply(ctx, ti, dashboardConfigMap(ti, files)); err != nil {
			return err
		}
	} else if err := r.deleteIfOwned(ctx, ti, cm); err != nil {
		return err
	}

	switch {
	case len(missing) > 0:
		msg := fmt.Sprintf("the monitoring.coreos.com CRDs for %s are not installed; install prometheus-operator (the operator looks again every %s) or disable them in spec.monitoring",
			strings.Join(missing, " and "), r.Options.MonitoringRecheck)
		if transitioned(s, ternantv1.ConditionMonitoringReady, ternantv1.ReasonCRDNotInstalled) {
			r.event(s, corev1.EventTypeNormal, ternantv1.ReasonCRDNotInstalled, "ReconcileMonitoring", msg)
		}
		setCondition(s, ternantv1.ConditionMonitoringReady, false, ternantv1.ReasonCRDNotInstalled, msg)
		s.requeueAfter(r.Options.MonitoringRecheck)
	case !enabled(mon.ServiceMonitor.Enabled) && !enabled(mon.PrometheusRule.Enabled) && !enabled(mon.GrafanaDashboards.Enabled):
		setCondition(s, ternantv1.ConditionMonitoringReady, true, ternantv1.ReasonDisabled, "monitoring is disabled in spec.monitoring")
	default:
		setCondition(s, ternantv1.ConditionMonitoringReady, true, ternantv1.ReasonReconciled, "every enabled monitoring object exists")
	}
	return nil
}

// kindInstalled asks the REST mapper whether the API server serves gvk.
func (r *TernantInstanceReconciler) kindInstalled(gvk schema.GroupVersionKind) (bool, error) {
	_, err := r.Client.RESTMapper().RESTMapping(gvk.GroupKind(), gvk.Version)
	switch {
	case err == nil:
		return true, nil
	case meta.IsNoMatchError(err):
		return false, nil
	default:
		return false, fmt.Errorf("look up %s: %w", gvk.Kind, err)
	}
}
