package controllers

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
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
		Password: ptr.To(selector(redisName(ti), keyPassword)),
	}
}

// redisService is the Service in front of the managed Redis.
func redisService(ti *ternantv1.TernantInstance) *corev1.Service {
	return componentService(ti, redisName(ti), componentCache, "redis", redisPort)
}

// redisDeployment runs one password-protected Redis 7 without persistence: Ternant keeps only
// caches, sessions and rate-limit counters there, all of which may be lost on a restart.
func redisDeployment(ti *ternantv1.TernantInstance) *appsv1.Deployment {
	m := ti.Spec.Redis.Managed
	version := defaultedString(m.Version, "7.4")
	image := defaultedString(m.Image, "redis:"+version+"-alpine")
	labels := objectLabels(ti, componentCache)
	ping := []string{"sh", "-c", `redis-cli -a "$REDIS_PASSWORD" --no-auth-warning ping | grep -q PONG`}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: redisName(ti), Namespace: ti.Namespace, Labels: labels},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To[int32](1),
			Selector: &metav1.LabelSelector{MatchLabels: selectorLabels(ti, componentCache)},
			Strategy: appsv1.DeploymentStrategy{Type: appsv1.RecreateDeploymentStrategyType},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					SecurityContext: &corev1.PodSecurityContext{
						RunAsUser: ptr.To[int64](redisUID), RunAsGroup: ptr.To[int64](redisUID), RunAsNonRoot: ptr.To(true),
						SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
					},
					Containers: []corev1.Container{{
						Name:  "redis",
						Image: image,
						Command: []string{"sh", "-c",
							`exec redis-server --requirepass "$REDIS_PASSWORD" --save "" --appendonly no --maxmemory-policy allkeys-lru`},
						Env:       []corev1.EnvVar{secretEnv("REDIS_PASSWORD", selector(redisName(ti), keyPassword))},
						Ports:     []corev1.ContainerPort{{Name: "redis", ContainerPort: redisPort, Protocol: corev1.ProtocolTCP}},
						Resources: m.Resources,
						ReadinessProbe: &corev1.Probe{
							ProbeHandler:  corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: ping}},
							PeriodSeconds: 10, TimeoutSeconds: 3, FailureThreshold: 3,
						},
						LivenessProbe: &corev1.Probe{
							ProbeHandler:  corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromString("redis")}},
							PeriodSeconds: 20, TimeoutSeconds: 3, FailureThreshold: 3,
						},
						SecurityContext: &corev1.SecurityContext{
							AllowPrivilegeEscalation: ptr.To(false),
							ReadOnlyRootFilesystem:   ptr.To(true),
							Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
						},
						VolumeMounts: []corev1.VolumeMount{{Name: "data", MountPath: "/data"}},
					}},
					Volumes: []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
				},
			},
		},
	}
}
