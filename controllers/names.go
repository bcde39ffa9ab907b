package controllers

import (
	"maps"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

// FieldOwner is the server-side apply field manager of every object the operator writes.
const FieldOwner = "ternant-operator"

// Annotations and labels the operator sets on the objects it owns.
const (
	// annotationAppliedHash is a hash of the desired object last applied; a differing hash means
	// the spec changed (including removed fields), so the object is applied again.
	annotationAppliedHash = "ternant.io/applied-hash"
	// annotationConfigHash on the pod template hashes the ConfigMap and every referenced Secret
	// key, so a change to any of them rolls the pods.
	annotationConfigHash = "ternant.io/config-hash"
	// annotationImage and annotationVersion on the server Deployment record what it runs.
	annotationImage   = "ternant.io/image"
	annotationVersion = "ternant.io/version"
	// annotationSchemaVersion on a migration Job is the schema version it migrates to.
	annotationSchemaVersion = "ternant.io/schema-version"
	// annotationTargetImage on a migration Job is the image it migrates for.
	annotationTargetImage = "ternant.io/target-image"
	// annotationRetained marks a generated object that deliberately has no owner, so it
	// outlives the instance (database credentials of a retained volume). The operator takes
	// such an object up again only when it also carries the instance's labels.
	annotationRetained = "ternant.io/retained"
	// annotationPasswordHash on the Redis pod template hashes the Redis password, so a new
	// password restarts Redis.
	annotationPasswordHash = "ternant.io/password-hash"
	// AnnotationRotateDatabasePassword on a TernantInstance asks for a new database password:
	// each new value rotates it once (change in MySQL, then in the Secret, then roll the pods).
	AnnotationRotateDatabasePassword = "ternant.io/rotate-database-password"
	// annotationRotation on the credentials Secret is the last rotation request carried out.
	annotationRotation = "ternant.io/rotation"
)

// Components name the parts of an instance in the app.kubernetes.io/component label.
const (
	componentServer     = "server"
	componentDatabase   = "database"
	componentCache      = "cache"
	componentMigrations = "migrations"
	componentJobs       = "jobs"
	componentMonitoring = "monitoring"
	componentSecrets    = "secrets"
	componentBackup     = "backup"
	componentRestore    = "restore"
)

// Names of the objects an instance owns: all prefixed with the instance name, which the CRD
// limits to 40 characters so every derived name stays within Kubernetes' 63.
func serverName(ti *ternantv1.TernantInstance) string     { return ti.Name }
func configMapName(ti *ternantv1.TernantInstance) string  { return ti.Name + "-config" }
func secretsName(ti *ternantv1.TernantInstance) string    { return ti.Name + "-secrets" }
func mysqlName(ti *ternantv1.TernantInstance) string      { return ti.Name + "-mysql" }
func redisName(ti *ternantv1.TernantInstance) string      { return ti.Name + "-redis" }
func dashboardsName(ti *ternantv1.TernantInstance) string { return ti.Name + "-dashboards" }
func backupName(ti *ternantv1.TernantInstance) string     { return ti.Name + "-backup" }

// Generated credential Secrets end in -credentials, so they cannot collide with the Secrets
// users create for external stores (the samples' <name>-db, <name>-redis, <name>-auth).
// Instances created by earlier operator versions kept them under the bare component name
// (legacy...Name); their values are carried over once.
func mysqlSecretName(ti *ternantv1.TernantInstance) string { return ti.Name + "-mysql-credentials" }
func redisSecretName(ti *ternantv1.TernantInstance) string { return ti.Name + "-redis-credentials" }

// mysqlSecretCopyName is the second copy of the database credentials: deleting one of the two
// Secrets recreates it from the other, so a password the data directory knows is never lost.
func mysqlSecretCopyName(ti *ternantv1.TernantInstance) string {
	return ti.Name + "-mysql-credentials-copy"
}
func legacyMySQLSecretName(ti *ternantv1.TernantInstance) string { return ti.Name + "-mysql" }
func legacyRedisSecretName(ti *ternantv1.TernantInstance) string { return ti.Name + "-redis" }

// mysqlClaimName is the data volume claim of the MySQL StatefulSet's only pod.
func mysqlClaimName(ti *ternantv1.TernantInstance) string { return "data-" + mysqlName(ti) + "-0" }

// selectorLabels identify the pods of one component of one instance. They never change, since
// a Deployment's or StatefulSet's selector is immutable.
func selectorLabels(ti *ternantv1.TernantInstance, component string) map[string]string {
	name := "ternant"
	switch component {
	case componentDatabase:
		name = "mysql"
	case componentCache:
		name = "redis"
	}
	return map[string]string{
		"app.kubernetes.io/name":      name,
		"app.kubernetes.io/instance":  ti.Name,
		"app.kubernetes.io/component": component,
	}
}

// objectLabels are the labels of every object of a component.
func objectLabels(ti *ternantv1.TernantInstance, component string) map[string]string {
	l := selectorLabels(ti, component)
	l["app.kubernetes.io/part-of"] = "ternant"
	l["app.kubernetes.io/managed-by"] = FieldOwner
	return l
}

// mergeLabels returns base with extra laid over it, without changing either.
func mergeLabels(base, extra map[string]string) map[string]string {
	out := maps.Clone(base)
	maps.Copy(out, extra)
	return out
}
