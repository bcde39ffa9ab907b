package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// BackupSpec schedules logical backups of the instance's database: a CronJob runs
// `ternant backup create` with the instance's own image and database settings.
type BackupSpec struct {
	// Schedule in cron format (five fields), in spec.jobs.timeZone.
	// +kubebuilder:validation:MinLength=9
	// +kubebuilder:validation:MaxLength=100
	// +kubebuilder:default="0 2 * * *"
	// +optional
	Schedule string `json:"schedule,omitempty"`

	// Suspend stops scheduling new backups; the last backup's status stays.
	// +optional
	Suspend bool `json:"suspend,omitempty"`

	// Target is where the backups go: S3-compatible object storage or a volume.
	Target BackupTarget `json:"target"`

	// KeepLast deletes all but the newest N backups after each successful one (0 keeps all).
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=10000
	// +kubebuilder:default=7
	// +optional
	KeepLast int32 `json:"keepLast,omitempty"`

	// MaxAge deletes backups older than this after each successful one (unset keeps them).
	// +kubebuilder:validation:XValidation:rule="duration(self) >= duration('1h')",message="backup.maxAge must be at least 1h"
	// +optional
	MaxAge *metav1.Duration `json:"maxAge,omitempty"`

	// Resources of the backup container.
	// +optional
	Resources corev1.ResourceRequirements `json:"resources,omitempty"`
}

// BackupTarget is a place backups are written to and read from: exactly one of s3 and volume.
//
// +kubebuilder:validation:XValidation:rule="has(self.s3) != has(self.volume)",message="set exactly one of s3 and volume"
type BackupTarget struct {
	// S3 is a bucket of an S3-compatible object store.
	// +optional
	S3 *S3Target `json:"s3,omitempty"`

	// Volume is a PersistentVolumeClaim in the instance's namespace.
	// +optional
	Volume *VolumeTarget `json:"volume,omitempty"`
}

// S3Target is a bucket and prefix of an S3-compatible object store.
type S3Target struct {
	// Bucket name.
	// +kubebuilder:validation:MinLength=3
	// +kubebuilder:validation:MaxLength=63
	Bucket string `json:"bucket"`

	// Prefix of the backup objects inside the bucket (no leading slash).
	// +kubebuilder:validation:MaxLength=512
	// +kubebuilder:validation:Pattern=`^([^/].*)?$`
	// +optional
	Prefix string `json:"prefix,omitempty"`

	// Endpoint URL of the object store (https://s3.eu-west-1.amazonaws.com, http://minio.storage:9000);
	// unset uses AWS.
	// +kubebuilder:validation:MaxLength=512
	// +kubebuilder:validation:Pattern=`^https?://`
	// +optional
	Endpoint string `json:"endpoint,omitempty"`

	// Region of the bucket.
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:default="us-east-1"
	// +optional
	Region string `json:"region,omitempty"`

	// PathStyle addresses the bucket as <endpoint>/<bucket> (most self-hosted stores need it).
	// +optional
	PathStyle bool `json:"pathStyle,omitempty"`

	// CredentialsSecretRef names a Secret with the keys access-key-id and secret-access-key.
	// +kubebuilder:validation:XValidation:rule="self.name != ''",message="credentialsSecretRef.name must name a Secret with the keys access-key-id and secret-access-key"
	CredentialsSecretRef corev1.LocalObjectReference `json:"credentialsSecretRef"`
}

// VolumeTarget is a directory on a PersistentVolumeClaim.
type VolumeTarget struct {
	// ClaimName of a PersistentVolumeClaim in the instance's namespace.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	ClaimName string `json:"claimName"`
}

// RestoreSpec initialises a new instance's database from a backup before its first migration.
// It is read once: after the restore succeeded (status.restore) or once the instance has served,
// changing it does nothing.
//
// +kubebuilder:validation:XValidation:rule="!(has(self.name) && has(self.at))",message="set at most one of restore.name and restore.at"
type RestoreSpec struct {
	// Source is where the backup is read from.
	Source BackupTarget `json:"source"`

	// Name of the backup to restore, or latest. Default latest (unless at is set).
	// +kubebuilder:validation:MaxLength=253
	// +optional
	Name string `json:"name,omitempty"`

	// At restores the newest backup taken at or before this time.
	// +optional
	At *metav1.Time `json:"at,omitempty"`
}

// BackupStatus is what the operator knows of the instance's backups.
type BackupStatus struct {
	// LastSuccessfulTime is when the newest successful backup completed.
	// +optional
	LastSuccessfulTime *metav1.Time `json:"lastSuccessfulTime,omitempty"`

	// Name of the newest successful backup.
	// +optional
	Name string `json:"name,omitempty"`

	// Location of the newest successful backup (s3://bucket/prefix/name or file:///...).
	// +optional
	Location string `json:"location,omitempty"`

	// Size of the newest successful backup in bytes.
	// +optional
	Size int64 `json:"size,omitempty"`

	// DurationSeconds the newest successful backup took.
	// +optional
	DurationSeconds int64 `json:"durationSeconds,omitempty"`

	// SchemaVersion of the database the newest successful backup holds.
	// +optional
	SchemaVersion int64 `json:"schemaVersion,omitempty"`

	// Job is the Job that made the newest successful backup.
	// +optional
	Job string `json:"job,omitempty"`
}

// RestoreStatus records the restore that initialised the database.
type RestoreStatus struct {
	// CompletionTime is when the restore Job succeeded.
	// +optional
	CompletionTime *metav1.Time `json:"completionTime,omitempty"`

	// Job is the restore Job.
	// +optional
	Job string `json:"job,omitempty"`
}
