package controllers

import (
	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
)

// Step outcomes of ternant_operator_reconcile_steps_total.
const (
	outcomeOK    = "ok"    // the step did its work
	outcomeWait  = "wait"  // the step halted the walk to wait (missing Secret, restore running...)
	outcomeError = "error" // the step failed; the reconcile is retried with backoff
)

// The operator's own metrics, served on the manager's metrics endpoint beside
// controller-runtime's (controller-runtime's registry).
var (
	reconcileSteps = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "ternant_operator_reconcile_steps_total",
		Help: "Reconcile steps run, by step and outcome (ok, wait, error).",
	}, []string{"step", "outcome"})

	migrationDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "ternant_operator_migration_duration_seconds",
		Help:    "Duration of finished schema migration Jobs (start to completion), by result.",
		Buckets: []float64{5, 15, 30, 60, 120, 300, 600, 1200, 3600},
	}, []string{"result"})

	backupLastSuccess = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "ternant_operator_backup_last_success_timestamp_seconds",
		Help: "Completion time of the newest successful backup of an instance (Unix seconds).",
	}, []string{"instance_namespace", "instance_name"})

	backupDuration = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "ternant_operator_backup_duration_seconds",
		Help: "Duration of the newest successful backup of an instance.",
	}, []string{"instance_namespace", "instance_name"})

	backupSize = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "ternant_operator_backup_size_bytes",
		Help: "Size of the newest successful backup of an instance.",
	}, []string{"instance_namespace", "instance_name"})

	instanceCondition = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "ternant_operator_instance_condition",
		Help: "1 for each status condition of an instance with its current status and reason.",
	}, []string{"instance_namespace", "instance_name", "condition", "status", "reason"})
)

func init() {
	metrics.Registry.MustRegister(reconcileSteps, migrationDuration, backupLastSuccess, backupDuration, backupSize, instanceCondition)
}

// forgetInstance drops an instance's series once it is gone.
func forgetInstance(namespace, name string) {
	l := prometheus.Labels{"instance_namespace": namespace, "instance_name": name}
	instanceCondition.DeletePartialMatch(l)
	backupLastSuccess.DeletePartialMatch(l)
	backupDuration.DeletePartialMatch(l)
	backupSize.DeletePartialMatch(l)
}
