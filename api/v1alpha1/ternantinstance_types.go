package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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

	// Backup schedules logical backups of the database; unset takes none.
	// +optional
	Backup *BackupSpec `json:"backup,omitempty"`

	// Restore initialises a new instance's database from a backup before its first migration;
	// the API server is not created until the restore succeeded.
	// +optional
	Restore *RestoreSpec `json:"restore,omitempty"`

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

// TernantInstanceStatus is what the operator observed.
type TernantInstanceStatus struct {
	// ObservedGeneration is the metadata.generation this status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Conditions: Ready, DatabaseReady, CacheReady, MigrationsSucceeded, ServerAvailable,
	// Upgrading, MonitoringReady and (with spec.backup) BackupHealthy, each with a reason and the generation it was computed for.
	// +listType=map
	// +listMapKey=type
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// Version is the Ternant version every ready API server pod runs: it changes only once a
	// rollout completed.
	// +optional
	Version string `json:"version,omitempty"`

	// Image is the image every ready API server pod runs.
	// +optional
	Image string `json:"image,omitempty"`

	// SchemaVersion is the schema version the last successful migration Job reported for its
	// image (its termination message).
	// +optional
	SchemaVersion int64 `json:"schemaVersion,omitempty"`

	// Endpoint is the URL of the API: the Ingress host when set, else the in-cluster Service.
	// +optional
	Endpoint string `json:"endpoint,omitempty"`

	// Backup describes the newest successful backup.
	// +optional
	Backup *BackupStatus `json:"backup,omitempty"`

	// Restore records the restore that initialised the database.
	// +optional
	Restore *RestoreStatus `json:"restore,omitempty"`
}

func init() {
	SchemeBuilder.Register(&TernantInstance{}, &TernantInstanceList{})
}
