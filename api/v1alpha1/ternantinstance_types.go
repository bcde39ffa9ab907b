package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// TernantInstance is one Ternant platform: the API server with its database, cache, schema
// migrations, monitoring and scheduled jobs, all in the instance's namespace.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=ti,categories=ternant
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Version",type=string,JSONPath=`.status.version`
// +kubebuilder:printcolumn:name="Replicas",type=integer,JSONPath=`.spec.replicas`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`,priority=1
// +kubebuilder:printcolumn:name="Endpoint",type=string,JSONPath=`.status.endpoint`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:validation:XValidation:rule="self.metadata.name.size() <= 40",message="metadata.name must be at most 40 characters (it prefixes the names of the objects the operator creates)"
type TernantInstance struct {
	metav1.TypeMeta `json:",inline"`
	// Standard object metadata.
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the platform the user asks for.
	// +kubebuilder:default={}
	// +optional
	Spec TernantInstanceSpec `json:"spec,omitempty"`
	// Status is what the operator observed at status.observedGeneration.
	// +optional
	Status TernantInstanceStatus `json:"status,omitempty"`
}

// TernantInstanceList is a list of TernantInstances.
//
// +kubebuilder:object:root=true
type TernantInstanceList struct {
	metav1.TypeMeta `json:",inline"`
	// Standard list metadata.
	// +optional
	metav1.ListMeta `json:"metadata,omitempty"`
	// Items are the instances.
	Items []TernantInstance `json:"items"`
}

// TernantInstanceSpec is the desired platform. Unset fields take the defaults shown by
// `kubectl explain`; the operator never writes into the spec.
//
// +kubebuilder:validation:XValidation:rule="!has(self.jwtSecretRef) || !has(self.jwtRefreshSecretRef) || self.jwtSecretRef.name != self.jwtRefreshSecretRef.name || self.jwtSecretRef.key != self.jwtRefreshSecretRef.key",message="jwtRefreshSecretRef must name a different secret key than jwtSecretRef, so a refresh token can never pass as an access token"
type TernantInstanceSpec struct {
	// Version of Ternant to run, such as v1.4.0. Without image it selects
	// <image repository>:<version>, the repository being the operator's own; with neither
	// version nor image the operator's own version runs. Changing it upgrades the platform:
	// migrations run first and the API server follows only when they succeed.
	// +kubebuilder:validation:Pattern=`^v?[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$`
	// +kubebuilder:validation:MaxLength=64
	// +optional
	Version string `json:"version,omitempty"`

	// Image overrides the container image of the API server, the migration Job and the
	// CronJobs (for a private registry or a digest). Its entrypoint must be the ternant binary.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=512
	// +optional
	Image string `json:"image,omitempty"`

	// ImagePullPolicy of every Ternant container.
	// +kubebuilder:validation:Enum=Always;IfNotPresent;Never
	// +kubebuilder:default=IfNotPresent
	// +optional
	ImagePullPolicy corev1.PullPolicy `json:"imagePullPolicy,omitempty"`

	// ImagePullSecrets for every pod the operator creates.
	// +optional
	ImagePullSecrets []corev1.LocalObjectReference `json:"imagePullSecrets,omitempty"`

	// Replicas of the API server. More than one also creates a PodDisruptionBudget.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100
	// +kubebuilder:default=2
	// +optional
	Replicas int32 `json:"replicas,omitempty"`

	// Resources of each API server container.
	// +optional
	Resources corev1.ResourceRequirements `json:"resources,omitempty"`

	// Env adds environment variables to the API server (CORS_ORIGINS, TRUSTED_PROXIES, MAIL_*,
	// LOG_LEVEL...). Variables the operator derives from the spec cannot be set here.
	// +kubebuilder:validation:MaxItems=64
	// +kubebuilder:validation:XValidation:rule="self.all(e, !(e.name in ['NODE_ENV','PORT','DB_DSN','DATABASE_HOST','DATABASE_PORT','DATABASE_NAME','DATABASE_USERNAME','DATABASE_PASSWORD','DB_POOL_SIZE','DB_POOL_ACQUIRE_TIMEOUT','REDIS_URL','REDIS_HOST','REDIS_PORT','REDIS_DB','REDIS_PASSWORD','REDIS_TTL','DASHBOARD_CACHE_TTL','THROTTLE_TTL','THROTTLE_LIMIT','THROTTLE_LOGIN_LIMIT','JWT_SECRET','JWT_REFRESH_SECRET','SESSION_SECRET','METRICS_TOKEN']))",message="env must not set a variable the operator derives from the spec (database, redis, pool, throttle, cache, secrets)"
	// +optional
	Env []corev1.EnvVar `json:"env,omitempty"`

	// Database is where Ternant keeps its data: exactly one of managed or external.
	// +kubebuilder:default={managed:{}}
	// +optional
	Database DatabaseSpec `json:"database,omitzero"`

	// Redis backs the cache, sessions and rate limits: exactly one of managed or external.
	// +kubebuilder:default={managed:{}}
	// +optional
	Redis RedisSpec `json:"redis,omitzero"`

	// Pool sizes each API server replica's database connection pool.
	// +kubebuilder:default={}
	// +optional
	Pool PoolSpec `json:"pool,omitempty"`

	// Throttle sets the API rate limits, shared by all replicas through Redis.
	// +kubebuilder:default={}
	// +optional
	Throttle ThrottleSpec `json:"throttle,omitempty"`

	// Cache sets the Redis cache lifetimes.
	// +kubebuilder:default={}
	// +optional
	Cache CacheSpec `json:"cache,omitempty"`

	// Ingress exposes the API under a host name; unset means no Ingress (Service only).
	// +optional
	Ingress *IngressSpec `json:"ingress,omitempty"`

	// Monitoring selects the Prometheus and Grafana objects the operator creates.
	// +kubebuilder:default={}
	// +optional
	Monitoring MonitoringSpec `json:"monitoring,omitempty"`

	// Migrations tunes the schema migration Job that runs before every rollout of a new image.
	// +kubebuilder:default={}
	// +optional
	Migrations MigrationsSpec `json:"migrations,omitempty"`

	// Jobs schedules the periodic `ternant jobs` commands (overdue invoices, reminders).
	// +kubebuilder:default={}
	// +optional
	Jobs ScheduledJobsSpec `json:"jobs,omitempty"`

	// JWTSecretRef selects the access-token signing secret (at least 32 bytes). Unset: the
	// operator generates one once, in the Secret <name>-secrets, and never rotates it.
	// +optional
	JWTSecretRef *corev1.SecretKeySelector `json:"jwtSecretRef,omitempty"`

	// JWTRefreshSecretRef selects the refresh-token signing secret (at least 32 bytes, distinct
	// from the access-token secret). Unset: generated once like jwtSecretRef.
	// +optional
	JWTRefreshSecretRef *corev1.SecretKeySelector `json:"jwtRefreshSecretRef,omitempty"`

	// SessionSecretRef selects the session secret (at least 32 bytes). Unset: generated once.
	// +optional
	SessionSecretRef *corev1.SecretKeySelector `json:"sessionSecretRef,omitempty"`

	// MetricsTokenSecretRef selects the bearer token /metrics requires. Unset: generated once;
	// the ServiceMonitor presents it either way.
	// +optional
	MetricsTokenSecretRef *corev1.SecretKeySelector `json:"metricsTokenSecretRef,omitempty"`
}

// DatabaseSpec chooses the MySQL server.
//
// +kubebuilder:validation:XValidation:rule="has(self.managed) != has(self.external)",message="set exactly one of database.managed and database.external"
type DatabaseSpec struct {
	// Managed runs MySQL 8.4 in the namespace: a StatefulSet with one replica, a persistent
	// volume and a headless Service.
	// +optional
	Managed *ManagedDatabaseSpec `json:"managed,omitempty"`

	// External uses a MySQL 8 or MariaDB 10.11+ server the operator does not run.
	// +optional
	External *ExternalDatabaseSpec `json:"external,omitempty"`
}

// ManagedDatabaseSpec is a MySQL server the operator runs.
type ManagedDatabaseSpec struct {
	// Version of MySQL. Only the 8.4 long-term-support release is supported.
	// +kubebuilder:validation:Enum="8.4"
	// +kubebuilder:default="8.4"
	// +optional
	Version string `json:"version,omitempty"`

	// Image overrides the MySQL image (default mysql:<version>).
	// +kubebuilder:validation:MaxLength=512
	// +optional
	Image string `json:"image,omitempty"`

	// Storage is the size of the data volume. It cannot shrink once created.
	// +kubebuilder:default="10Gi"
	// +optional
	Storage *resource.Quantity `json:"storage,omitempty"`

	// StorageClassName of the data volume; unset uses the cluster's default class.
	// +optional
	StorageClassName *string `json:"storageClassName,omitempty"`

	// Resources of the MySQL container.
	// +optional
	Resources corev1.ResourceRequirements `json:"resources,omitempty"`

	// MaxConnections is MySQL's max_connections. pool.size auto gives the API server 80% of it,
	// divided among the replicas; the rest is left for migrations, jobs and administrators.
	// +kubebuilder:validation:Minimum=10
	// +kubebuilder:validation:Maximum=100000
	// +kubebuilder:default=200
	// +optional
	MaxConnections int32 `json:"maxConnections,omitempty"`

	// VolumeRetention says what happens to the data volume when the instance is deleted:
	// Retain keeps the PersistentVolumeClaim (and the data), Delete removes it.
	// +kubebuilder:validation:Enum=Retain;Delete
	// +kubebuilder:default=Retain
	// +optional
	VolumeRetention VolumeRetention `json:"volumeRetention,omitempty"`
}

// VolumeRetention is the fate of a data volume when its instance is deleted.
type VolumeRetention string

// The volume retention policies.
const (
	VolumeRetain VolumeRetention = "Retain"
	VolumeDelete VolumeRetention = "Delete"
)

// ExternalDatabaseSpec is a MySQL server the operator only connects to.
type ExternalDatabaseSpec struct {
	// Host name or address of the MySQL server.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Host string `json:"host"`

	// Port of the MySQL server.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=65535
	// +kubebuilder:default=3306
	// +optional
	Port int32 `json:"port,omitempty"`

	// Name of the database (schema) Ternant uses; the user must be allowed to create tables in it.
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9_]{1,64}$`
	// +kubebuilder:default=ternant
	// +optional
	Name string `json:"name,omitempty"`

	// SecretRef names a Secret in the instance's namespace with the keys username and password.
	// +kubebuilder:validation:XValidation:rule="self.name != ''",message="database.external.secretRef.name must name a Secret with the keys username and password"
	SecretRef corev1.LocalObjectReference `json:"secretRef"`

	// MaxConnections is the server's max_connections as pool.size auto should assume it
	// (the operator cannot read it): 151 is MySQL's default.
	// +kubebuilder:validation:Minimum=10
	// +kubebuilder:validation:Maximum=100000
	// +kubebuilder:default=151
	// +optional
	MaxConnections int32 `json:"maxConnections,omitempty"`
}

// RedisSpec chooses the Redis server.
//
// +kubebuilder:validation:XValidation:rule="has(self.managed) != has(self.external)",message="set exactly one of redis.managed and redis.external"
type RedisSpec struct {
	// Managed runs Redis 7 in the namespace (a Deployment and a Service, password protected,
	// no persistence: Ternant keeps only caches, sessions and rate-limit counters there).
	// +optional
	Managed *ManagedRedisSpec `json:"managed,omitempty"`

	// External uses a Redis server the operator does not run.
	// +optional
	External *ExternalRedisSpec `json:"external,omitempty"`
}

// ManagedRedisSpec is a Redis server the operator runs.
type ManagedRedisSpec struct {
	// Version of Redis.
	// +kubebuilder:validation:Enum="7.2";"7.4"
	// +kubebuilder:default="7.4"
	// +optional
	Version string `json:"version,omitempty"`

	// Image overrides the Redis image (default redis:<version>-alpine).
	// +kubebuilder:validation:MaxLength=512
	// +optional
	Image string `json:"image,omitempty"`

	// Resources of the Redis container.
	// +optional
	Resources corev1.ResourceRequirements `json:"resources,omitempty"`
}

// ExternalRedisSpec is a Redis server the operator only connects to.
type ExternalRedisSpec struct {
	// Host name or address of the Redis server.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Host string `json:"host"`

	// Port of the Redis server.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=65535
	// +kubebuilder:default=6379
	// +optional
	Port int32 `json:"port,omitempty"`

	// DB is the Redis database number.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=15
	// +optional
	DB int32 `json:"db,omitempty"`

	// PasswordSecretRef selects the Redis password; unset means no password.
	// +optional
	PasswordSecretRef *corev1.SecretKeySelector `json:"passwordSecretRef,omitempty"`
}

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

// TernantInstanceStatus is what the operator observed.
type TernantInstanceStatus struct {
	// ObservedGeneration is the metadata.generation this status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Conditions: Ready, DatabaseReady, CacheReady, MigrationsSucceeded, ServerAvailable and
	// MonitoringReady, each with a reason and the generation it was computed for.
	// +listType=map
	// +listMapKey=type
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// Version is the Ternant version the API server Deployment runs.
	// +optional
	Version string `json:"version,omitempty"`

	// Image is the image the API server Deployment runs.
	// +optional
	Image string `json:"image,omitempty"`

	// SchemaVersion is the schema migration version the last successful migration Job applied.
	// +optional
	SchemaVersion int64 `json:"schemaVersion,omitempty"`

	// Endpoint is the URL of the API: the Ingress host when set, else the in-cluster Service.
	// +optional
	Endpoint string `json:"endpoint,omitempty"`
}

func init() {
	SchemeBuilder.Register(&TernantInstance{}, &TernantInstanceList{})
}
