package controllers

import (
	"fmt"
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

const (
	mysqlPort     = 3306
	mysqlDatabase = "ternant"
	mysqlUser     = "ternant"
	// mysqlUID is the mysql user of the official image, which owns the data directory.
	mysqlUID = 999
)

// dbConn is how the server, the migration Job and the CronJobs reach the database.
type dbConn struct {
	Host           string
	Port           int32
	Name           string
	User           corev1.EnvVar // DATABASE_USERNAME: a literal or a Secret reference
	Password       corev1.SecretKeySelector
	MaxConnections int32
}

// databaseConn derives the connection settings from the spec.
func databaseConn(ti *ternantv1.TernantInstance) dbConn {
	if ext := ti.Spec.Database.External; ext != nil {
		return dbConn{
			Host: ext.Host, Port: defaulted(ext.Port, mysqlPort), Name: defaultedString(ext.Name, mysqlDatabase),
			User:           corev1.EnvVar{Name: "DATABASE_USERNAME", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: ptr.To(selector(ext.SecretRef.Name, keyUsername))}},
			Password:       selector(ext.SecretRef.Name, keyPassword),
			MaxConnections: defaulted(ext.MaxConnections, 151),
		}
	}
	m := ti.Spec.Database.Managed
	return dbConn{
		Host: fmt.Sprintf("%s.%s.svc", mysqlName(ti), ti.Namespace), Port: mysqlPort, Name: mysqlDatabase,
		User:           corev1.EnvVar{Name: "DATABASE_USERNAME", Value: mysqlUser},
		Password:       selector(mysqlSecretName(ti), keyPassword),
		MaxConnections: defaulted(m.MaxConnections, 200),
	}
}

// mysqlService is the headless Service giving the MySQL pod a stable DNS name, published
// before the pod is ready so MySQL's own start-up can resolve it.
func mysqlService(ti *ternantv1.TernantInstance) *corev1.Service {
	svc := componentService(ti, mysqlName(ti), componentDatabase, "mysql", mysqlPort)
	svc.Spec.ClusterIP = corev1.ClusterIPNone
	svc.Spec.PublishNotReadyAddresses = true
	return svc
}

// mysqlStatefulSet runs MySQL 8.4 with one persistent volume. The claim survives the
// instance's deletion when spec.database.managed.volumeRetention is Retain.
func mysqlStatefulSet(ti *ternantv1.TernantInstance) *appsv1.StatefulSet {
	m := ti.Spec.Database.Managed
	version := defaultedString(m.Version, "8.4")
	image := defaultedString(m.Image, "mysql:"+version)
	storage := resource.MustParse("10Gi")
	if m.Storage != nil {
		storage = *m.Storage
	}
	retention := appsv1.RetainPersistentVolumeClaimRetentionPolicyType
	if m.VolumeRetention == ternantv1.VolumeDelete {
		retention = appsv1.DeletePersistentVolumeClaimRetentionPolicyType
	}
	maxConn := defaulted(m.MaxConnections, 200)
	ping := []string{"sh", "-c", `mysqladmin ping -h 127.0.0.1 -uroot -p"$MYSQL_ROOT_PASSWORD" --silent`}
	labels := objectLabels(ti, componentDatabase)
	return &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Name: mysqlName(ti), Namespace: ti.Namespace, Labels: labels},
		Spec: appsv1.StatefulSetSpec{
			Replicas:    ptr.To[int32](1),
			ServiceName: mysqlName(ti),
			Selector:    &metav1.LabelSelector{MatchLabels: selectorLabels(ti, componentDatabase)},
			PersistentVolumeClaimRetentionPolicy: &appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy{
				WhenDeleted: retention,
				WhenScaled:  appsv1.RetainPersistentVolumeClaimRetentionPolicyType,
			},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					SecurityContext: &corev1.PodSecurityContext{
						RunAsUser: ptr.To[int64](mysqlUID), RunAsGroup: ptr.To[int64](mysqlUID), FSGroup: ptr.To[int64](mysqlUID),
						RunAsNonRoot: ptr.To(true), SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
					},
					TerminationGracePeriodSeconds: ptr.To[int64](60),
					Containers: []corev1.Container{{
						Name:  "mysql",
						Image: image,
						Args: []string{
							"--max-connections=" + strconv.Itoa(int(maxConn)),
							"--character-set-server=utf8mb4",
							"--collation-server=utf8mb4_unicode_ci",
						},
						Env: []corev1.EnvVar{
							secretEnv("MYSQL_ROOT_PASSWORD", selector(mysqlSecretName(ti), keyRootPassword)),
							{Name: "MYSQL_DATABASE", Value: mysqlDatabase},
							{Name: "MYSQL_USER", Value: mysqlUser},
							secretEnv("MYSQL_PASSWORD", selector(mysqlSecretName(ti), keyPassword)),
						},
						Ports:     []corev1.ContainerPort{{Name: "mysql", ContainerPort: mysqlPort, Protocol: corev1.ProtocolTCP}},
						Resources: m.Resources,
						ReadinessProbe: &corev1.Probe{
							ProbeHandler:  corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: ping}},
							PeriodSeconds: 10, TimeoutSeconds: 5, FailureThreshold: 3,
						},
						LivenessProbe: &corev1.Probe{
							ProbeHandler:  corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromString("mysql")}},
							PeriodSeconds: 20, TimeoutSeconds: 5, FailureThreshold: 6,
						},
						StartupProbe: &corev1.Probe{
							ProbeHandler:  corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: ping}},
							PeriodSeconds: 10, TimeoutSeconds: 5, FailureThreshold: 60,
						},
						SecurityContext: &corev1.SecurityContext{
							AllowPrivilegeEscalation: ptr.To(false),
							Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
						},
						VolumeMounts: []corev1.VolumeMount{{Name: "data", MountPath: "/var/lib/mysql"}},
					}},
				},
			},
			VolumeClaimTemplates: []corev1.PersistentVolumeClaim{{
				ObjectMeta: metav1.ObjectMeta{Name: "data", Labels: labels},
				Spec: corev1.PersistentVolumeClaimSpec{
					AccessModes:      []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
					StorageClassName: m.StorageClassName,
					Resources:        corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: storage}},
				},
			}},
		},
	}
}

// secretEnv is an environment variable read from a Secret key.
func secretEnv(name string, ref corev1.SecretKeySelector) corev1.EnvVar {
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: ptr.To(ref)}}
}

// defaulted is v, or def when v is zero (for fields the CRD defaults, read before defaulting).
func defaulted[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// defaultedString is defaulted for strings, kept for readability at call sites.
func defaultedString(v, def string) string { return defaulted(v, def) }
