package controllers

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

const (
	redisPort = 6379
	// redisUID is the redis user of the official alpine image.
	redisUID = 999
)

// redisConn is how the server reaches Redis.
type redisConn struct {
	Host     string
	Port     int32
	DB       int32
	Password *corev1.SecretKeySelector
}

// redisConnection derives the Redis settings from the spec.
func redisConnection(ti *ternantv1.TernantInstance) redisConn {
	if ext := ti.Spec.Redis.External; ext != nil {
		return redisConn{Host: ext.Host, Port: defaulted(ext.Port, redisPort), DB: ext.DB, Password: ext.PasswordSecretRef}
	}
	return redisConn{
		Host:     fmt.Sprintf("%s.%s.svc", redisName(ti), ti.Namespace),
		Port:     redisPort,
		Password: ptr.To(selector(redisSecretName(ti), keyPassword)),
	}
}

// redisService is the Service in front of the managed Redis.
func redisService(ti *ternantv1.TernantInstance) *corev1.Service {
	return componentService(ti, redisName(ti), componentCache, "redis", redisPort)
}

// defaultRedisMemoryLimit is the Redis container's memory limit when the spec sets none:
// maxmemory needs a bound to be derived from.
var defaultRedisMemoryLimit = resource.MustParse("256Mi")

// redisMaxMemory is 80 % of the container's memory limit, in bytes: the rest is headroom for
// the append-only file rewrite's fork, client buffers and the allocator.
func redisMaxMemory(res corev1.ResourceRequirements) int64 {
	limit := defaultRedisMemoryLimit
	if l, ok := res.Limits[corev1.ResourceMemory]; ok && !l.IsZero() {
		limit = l
	}
	return limit.Value() * 8 / 10
}

// redisResources is the spec's resources with the default memory limit filled in.
func redisResources(m *ternantv1.ManagedRedisSpec) corev1.ResourceRequirements {
	res := *m.Resources.DeepCopy()
	if _, ok := res.Limits[corev1.ResourceMemory]; !ok {
		if res.Limits == nil {
			res.Limits = corev1.ResourceList{}
		}
		res.Limits[corev1.ResourceMemory] = defaultRedisMemoryLimit
	}
	return res
}

// redisStatefulSet runs one password-protected Redis 7 whose append-only file (fsync every
// second) lives on a persistent volume, so sessions, lockouts and rate-limit counters survive a
// restart. maxmemory is 80 % of the memory limit with noeviction: nothing is ever evicted, so a
// full Redis refuses cache writes (the server bypasses the cache) instead of dropping sessions.
// passwordHash on the pod template restarts Redis when its password changes.
func redisStatefulSet(ti *ternantv1.TernantInstance, passwordHash string) *appsv1.StatefulSet {
	m := ti.Spec.Redis.Managed
	version := defaultedString(m.Version, "7.4")
	image := defaultedString(m.Image, "redis:"+version+"-alpine")
	storage := resource.MustParse("1Gi")
	if m.Storage != nil {
		storage = *m.Storage
	}
	res := redisResources(m)
	labels := objectLabels(ti, componentCache)
	ping := []string{"sh", "-c", `redis-cli -a "$REDIS_PASSWORD" --no-auth-warning ping | grep -q PONG`}
	return &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Name: redisName(ti), Namespace: ti.Namespace, Labels: labels},
		Spec: appsv1.StatefulSetSpec{
			Replicas:    ptr.To[int32](1),
			ServiceName: redisName(ti),
			Selector:    &metav1.LabelSelector{MatchLabels: selectorLabels(ti, componentCache)},
			// Sessions and counters only: the volume goes with the instance.
			PersistentVolumeClaimRetentionPolicy: &appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy{
				WhenDeleted: appsv1.DeletePersistentVolumeClaimRetentionPolicyType,
				WhenScaled:  appsv1.RetainPersistentVolumeClaimRetentionPolicyType,
			},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{
					Labels:      labels,
					Annotations: map[string]string{annotationPasswordHash: passwordHash},
				},
				Spec: corev1.PodSpec{
					SecurityContext: &corev1.PodSecurityContext{
						RunAsUser: ptr.To[int64](redisUID), RunAsGroup: ptr.To[int64](redisUID), FSGroup: ptr.To[int64](redisUID),
						RunAsNonRoot:   ptr.To(true),
						SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
					},
					TerminationGracePeriodSeconds: ptr.To[int64](30),
					Containers: []corev1.Container{{
						Name:  "redis",
						Image: image,
						Command: []string{"sh", "-c", fmt.Sprintf(
							`exec redis-server --requirepass "$REDIS_PASSWORD" --dir /data --save "" --appendonly yes --appendfsync everysec --maxmemory %d --maxmemory-policy noeviction`,
							redisMaxMemory(res))},
						Env:       []corev1.EnvVar{secretEnv("REDIS_PASSWORD", selector(redisSecretName(ti), keyPassword))},
						Ports:     []corev1.ContainerPort{{Name: "redis", ContainerPort: redisPort, Protocol: corev1.ProtocolTCP}},
						Resources: res,
						ReadinessProbe: &corev1.Probe{
							ProbeHandler:  corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: ping}},
							PeriodSeconds: 10, TimeoutSeconds: 3, FailureThreshold: 3,
						},
						LivenessProbe: &corev1.Probe{
							ProbeHandler:  corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromString("redis")}},
							PeriodSeconds: 20, TimeoutSeconds: 3, FailureThreshold: 3,
						},
						// Replaying a large append-only file takes a while.
						StartupProbe: &corev1.Probe{
							ProbeHandler:  corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: ping}},
							PeriodSeconds: 5, TimeoutSeconds: 3, FailureThreshold: 120,
						},
						SecurityContext: &corev1.SecurityContext{
							AllowPrivilegeEscalation: ptr.To(false),
							ReadOnlyRootFilesystem:   ptr.To(true),
							Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
						},
						VolumeMounts: []corev1.VolumeMount{{Name: "data", MountPath: "/data"}},
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

// secretHash is a short digest of a secret value for a pod-template annotation.
func secretHash(v []byte) string {
	sum := sha256.Sum256(v)
	return hex.EncodeToString(sum[:8])
}
