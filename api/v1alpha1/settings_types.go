package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// PoolSpec sizes the database connection pool of each API server replica.
type PoolSpec struct {
	// Size is the number of connections per replica, or auto: 80% of the database's
	// max_connections divided by the replica count (at least 1).
	// +kubebuilder:validation:XIntOrString
	// +kubebuilder:validation:XValidation:rule="type(self) == int ? (self >= 1 && self <= 10000) : self == 'auto'",message="pool.size must be auto or an integer from 1 to 10000"
	// +kubebuilder:default="auto"
	// +optional
	Size *intstr.IntOrString `json:"size,omitempty"`

	// AcquireTimeout bounds the wait for a pooled connection; past it the request fails fast
	// with 503 instead of hanging.
	// +kubebuilder:validation:XValidation:rule="duration(self) >= duration('1ms') && duration(self) <= duration('1h')",message="pool.acquireTimeout must be between 1ms and 1h"
	// +kubebuilder:default="30s"
	// +optional
	AcquireTimeout *metav1.Duration `json:"acquireTimeout,omitempty"`
}

// ThrottleSpec sets the API rate limits.
type ThrottleSpec struct {
	// TTL is the rate-limit window (whole seconds).
	// +kubebuilder:validation:XValidation:rule="duration(self) >= duration('1s') && duration(self) <= duration('24h')",message="throttle.ttl must be between 1s and 24h"
	// +kubebuilder:default="60s"
	// +optional
	TTL *metav1.Duration `json:"ttl,omitempty"`

	// Limit is the number of requests a client may make per window.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=1000000
	// +kubebuilder:default=100
	// +optional
	Limit int32 `json:"limit,omitempty"`

	// LoginLimit is the number of login attempts per minute per IP and e-mail address.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=1000000
	// +kubebuilder:default=5
	// +optional
	LoginLimit int32 `json:"loginLimit,omitempty"`
}

// CacheSpec sets the Redis cache lifetimes.
type CacheSpec struct {
	// TTL is the default lifetime of a cached entity (whole seconds).
	// +kubebuilder:validation:XValidation:rule="duration(self) >= duration('1s') && duration(self) <= duration('720h')",message="cache.ttl must be between 1s and 720h"
	// +kubebuilder:default="1h"
	// +optional
	TTL *metav1.Duration `json:"ttl,omitempty"`

	// DashboardTTL is the lifetime of cached dashboard statistics (whole seconds).
	// +kubebuilder:validation:XValidation:rule="duration(self) >= duration('1s') && duration(self) <= duration('24h')",message="cache.dashboardTTL must be between 1s and 24h"
	// +kubebuilder:default="5m"
	// +optional
	DashboardTTL *metav1.Duration `json:"dashboardTTL,omitempty"`
}

// IngressSpec exposes the API through an Ingress.
type IngressSpec struct {
	// Host is the DNS name the API answers on.
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	// +kubebuilder:validation:MaxLength=253
	Host string `json:"host"`

	// ClassName selects the IngressClass; unset uses the cluster's default class.
	// +optional
	ClassName *string `json:"className,omitempty"`

	// TLSSecretName names a Secret of type kubernetes.io/tls serving the host; unset means plain HTTP.
	// +optional
	TLSSecretName string `json:"tlsSecretName,omitempty"`

	// Annotations are added to the Ingress (for the controller or cert-manager).
	// +optional
	Annotations map[string]string `json:"annotations,omitempty"`
}

// MonitoringSpec selects the monitoring objects. ServiceMonitor and PrometheusRule need the
// prometheus-operator CRDs; without them the operator reports MonitoringReady=False with reason
// CRDNotInstalled and creates them once the CRDs appear.
type MonitoringSpec struct {
	// ServiceMonitor makes Prometheus scrape the API server's /metrics.
	// +kubebuilder:default={}
	// +optional
	ServiceMonitor ServiceMonitorSpec `json:"serviceMonitor,omitempty"`

	// PrometheusRule installs Ternant's alert rules.
	// +kubebuilder:default={}
	// +optional
	PrometheusRule MonitoredObjectSpec `json:"prometheusRule,omitempty"`

	// GrafanaDashboards puts Ternant's dashboards in a ConfigMap for Grafana's dashboard sidecar.
	// +kubebuilder:default={}
	// +optional
	GrafanaDashboards GrafanaDashboardsSpec `json:"grafanaDashboards,omitempty"`
}

// MonitoredObjectSpec switches one monitoring object on or off and labels it.
type MonitoredObjectSpec struct {
	// Enabled creates the object; false deletes it.
	// +kubebuilder:default=true
	// +optional
	Enabled *bool `json:"enabled,omitempty"`

	// Labels are added to the object, typically to match a Prometheus ruleSelector.
	// +optional
	Labels map[string]string `json:"labels,omitempty"`
}

// ServiceMonitorSpec configures the ServiceMonitor.
type ServiceMonitorSpec struct {
	// Enabled creates the ServiceMonitor; false deletes it.
	// +kubebuilder:default=true
	// +optional
	Enabled *bool `json:"enabled,omitempty"`

	// Labels are added to the ServiceMonitor, typically to match a Prometheus serviceMonitorSelector.
	// +optional
	Labels map[string]string `json:"labels,omitempty"`

	// Interval between scrapes.
	// +kubebuilder:validation:Pattern=`^(0|(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$`
	// +kubebuilder:default="30s"
	// +optional
	Interval string `json:"interval,omitempty"`
}

// GrafanaDashboardsSpec configures the dashboard ConfigMap.
type GrafanaDashboardsSpec struct {
	// Enabled creates the ConfigMap; false deletes it.
	// +kubebuilder:default=true
	// +optional
	Enabled *bool `json:"enabled,omitempty"`

	// Labels replace the default label grafana_dashboard: "1" that kube-prometheus-stack's
	// Grafana sidecar looks for.
	// +optional
	Labels map[string]string `json:"labels,omitempty"`
}

// MigrationsSpec tunes the schema migration Job.
type MigrationsSpec struct {
	// BackoffLimit is how many times a failed migration is retried before the Job fails. A failed
	// Job is kept for inspection and blocks the rollout until the version or image changes.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=10
	// +kubebuilder:default=1
	// +optional
	BackoffLimit *int32 `json:"backoffLimit,omitempty"`

	// ActiveDeadlineSeconds bounds the Job's run time.
	// +kubebuilder:validation:Minimum=30
	// +kubebuilder:validation:Maximum=86400
	// +kubebuilder:default=600
	// +optional
	ActiveDeadlineSeconds int64 `json:"activeDeadlineSeconds,omitempty"`

	// Resources of the migration container.
	// +optional
	Resources corev1.ResourceRequirements `json:"resources,omitempty"`
}

// ScheduledJobsSpec schedules the `ternant jobs` commands as CronJobs.
type ScheduledJobsSpec struct {
	// Suspend pauses every scheduled job without deleting it.
	// +optional
	Suspend bool `json:"suspend,omitempty"`

	// TimeZone of the schedules, an IANA name such as Africa/Cairo.
	// +kubebuilder:default=UTC
	// +kubebuilder:validation:MaxLength=64
	// +optional
	TimeZone string `json:"timeZone,omitempty"`

	// MarkOverdue is the cron schedule of `ternant jobs mark-overdue` (unpaid invoices past due).
	// +kubebuilder:validation:MinLength=9
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:default="5 0 * * *"
	// +optional
	MarkOverdue string `json:"markOverdue,omitempty"`

	// RemindersDueSoon is the cron schedule of `ternant jobs reminders-due-soon`.
	// +kubebuilder:validation:MinLength=9
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:default="0 8 * * *"
	// +optional
	RemindersDueSoon string `json:"remindersDueSoon,omitempty"`

	// RemindersOverdue is the cron schedule of `ternant jobs reminders-overdue`.
	// +kubebuilder:validation:MinLength=9
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:default="0 9 * * *"
	// +optional
	RemindersOverdue string `json:"remindersOverdue,omitempty"`
}
