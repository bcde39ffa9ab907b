package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

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
	// Managed runs Redis 7 in the namespace (a StatefulSet and a Service, password protected,
	// append-only file on a persistent volume so sessions survive restarts, maxmemory at 80 % of
	// the memory limit with noeviction).
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

	// Resources of the Redis container. Redis' maxmemory is 80 % of the memory limit
	// (default limit 256Mi).
	// +optional
	Resources corev1.ResourceRequirements `json:"resources,omitempty"`

	// Storage is the size of the volume holding the append-only file.
	// +kubebuilder:default="1Gi"
	// +optional
	Storage *resource.Quantity `json:"storage,omitempty"`

	// StorageClassName of the volume; unset uses the cluster's default class.
	// +optional
	StorageClassName *string `json:"storageClassName,omitempty"`
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
