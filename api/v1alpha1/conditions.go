package v1alpha1

// Condition types a TernantInstance reports in status.conditions.
const (
	// ConditionReady is true when every other condition is true: the platform serves the target version.
	ConditionReady = "Ready"
	// ConditionDatabaseReady is true when the database answers (managed: its StatefulSet is ready).
	ConditionDatabaseReady = "DatabaseReady"
	// ConditionCacheReady is true when Redis is available (managed: its Deployment is available).
	ConditionCacheReady = "CacheReady"
	// ConditionMigrationsSucceeded is true when the schema migration Job for the target image finished.
	ConditionMigrationsSucceeded = "MigrationsSucceeded"
	// ConditionServerAvailable is true when the API server Deployment runs the target image and is available.
	ConditionServerAvailable = "ServerAvailable"
	// ConditionMonitoringReady is true when every enabled monitoring object exists.
	ConditionMonitoringReady = "MonitoringReady"
	// ConditionUpgrading is true while the platform moves to a new target (migrations running,
	// rollout in progress or blocked); the old version keeps serving meanwhile.
	ConditionUpgrading = "Upgrading"
	// ConditionBackupHealthy is true when the newest successful backup is no older than the
	// schedule allows (only with spec.backup).
	ConditionBackupHealthy = "BackupHealthy"
)

// Condition reasons. Each names why a condition has its status, in CamelCase as Kubernetes expects.
const (
	ReasonReconciled          = "Reconciled"
	ReasonReconcileError      = "ReconcileError"
	ReasonSecretNotFound      = "SecretNotFound"
	ReasonExternal            = "External"
	ReasonProvisioning        = "Provisioning"
	ReasonAvailable           = "Available"
	ReasonWaitingForDatabase  = "WaitingForDatabase"
	ReasonMigrationsRunning   = "MigrationsRunning"
	ReasonMigrationsSucceeded = "MigrationsSucceeded"
	ReasonMigrationsFailed    = "MigrationsFailed"
	ReasonWaitingForMigration = "WaitingForMigrations"
	ReasonRolloutBlocked      = "RolloutBlocked"
	ReasonRollingOut          = "RollingOut"
	ReasonCRDNotInstalled     = "CRDNotInstalled"
	ReasonDisabled            = "Disabled"
	ReasonPending             = "Pending"
	ReasonNameCollision       = "NameCollision"
	ReasonInvalidSecret       = "InvalidSecret"
	ReasonCredentialsMissing  = "CredentialsMissing"
	ReasonRotatingCredentials = "RotatingCredentials"
	ReasonRotationFailed      = "CredentialRotationFailed"
	ReasonUpToDate            = "UpToDate"
	ReasonRestoring           = "Restoring"
	ReasonRestoreFailed       = "RestoreFailed"
	ReasonRestoreIgnored      = "RestoreIgnored"
	ReasonBackupsCurrent      = "BackupsCurrent"
	ReasonBackupStale         = "BackupStale"
	ReasonNoBackupYet         = "NoBackupYet"
	ReasonInvalidSchedule     = "InvalidSchedule"
)

// Event reasons beyond the condition reasons above.
const (
	EventMigrationsStarted = "MigrationsStarted"
	EventUpgrading         = "Upgrading"
	EventDatabaseReady     = "DatabaseReady"
	EventCacheReady        = "CacheReady"
)
