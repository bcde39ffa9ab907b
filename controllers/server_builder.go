package controllers

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

// serverPort is the port the API, /healthz, /readyz and /metrics listen on.
const serverPort = 3000

// drainDelaySeconds is how long a terminating API server pod keeps serving before it is sent
// SIGTERM (a preStop sleep): the time kube-proxy needs to stop routing new connections to it. With
// the server's shutdown timeout (15 s by default) it stays within the 30 s grace period.
const drainDelaySeconds = 5

// runtimeInputs is what every long-running or scheduled Ternant container needs.
type runtimeInputs struct {
	run        release
	configHash string
	secrets    secretRefs
	db         dbConn
	redis      redisConn
}

// ternantEnv is the environment of the server and the CronJobs: the ConfigMap through envFrom,
// secrets by reference, then the user's extra variables.
func ternantEnv(ti *ternantv1.TernantInstance, in runtimeInputs) ([]corev1.EnvFromSource, []corev1.EnvVar) {
	from := []corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{
		LocalObjectReference: corev1.LocalObjectReference{Name: configMapName(ti)},
	}}}
	env := []corev1.EnvVar{
		in.db.User,
		secretEnv("DATABASE_PASSWORD", in.db.Password),
		secretEnv("JWT_SECRET", in.secrets.JWT),
		secretEnv("JWT_REFRESH_SECRET", in.secrets.JWTRefresh),
		secretEnv("SESSION_SECRET", in.secrets.Session),
		secretEnv("METRICS_TOKEN", in.secrets.MetricsToken),
	}
	if in.redis.Password != nil {
		env = append(env, secretEnv("REDIS_PASSWORD", *in.redis.Password))
	}
	return from, append(env, ti.Spec.Env...)
}

// serverDeployment runs the API server at in.run with probes on /readyz and /healthz, a locked
// down security context, and the config hash as a pod-template annotation.
func serverDeployment(ti *ternantv1.TernantInstance, in runtimeInputs) *appsv1.Deployment {
	labels := objectLabels(ti, componentServer)
	podLabels := mergeLabels(labels, map[string]string{"app.kubernetes.io/version": labelValue(in.run.Version)})
	envFrom, env := ternantEnv(ti, in)
	httpGet := func(path string) corev1.ProbeHandler {
		return corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: path, Port: intstr.FromString("http"), Scheme: corev1.URISchemeHTTP}}
	}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{
			Name: serverName(ti), Namespace: ti.Namespace, Labels: labels,
			Annotations: map[string]string{annotationImage: in.run.Image, annotationVersion: in.run.Version},
		},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To(replicas(ti)),
			Selector: &metav1.LabelSelector{MatchLabels: selectorLabels(ti, componentServer)},
			Strategy: appsv1.DeploymentStrategy{
				Type: appsv1.RollingUpdateDeploymentStrategyType,
				RollingUpdate: &appsv1.RollingUpdateDeployment{
					MaxUnavailable: ptr.To(intstr.FromInt32(0)),
					MaxSurge:       ptr.To(intstr.FromInt32(1)),
				},
			},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{
					Labels:      podLabels,
					Annotations: map[string]string{annotationConfigHash: in.configHash},
				},
				Spec: withTmp(corev1.PodSpec{
					SecurityContext:               podSecurityContext(),
					ImagePullSecrets:              ti.Spec.ImagePullSecrets,
					AutomountServiceAccountToken:  ptr.To(false),
					TerminationGracePeriodSeconds: ptr.To[int64](30),
					TopologySpreadConstraints: []corev1.TopologySpreadConstraint{{
						MaxSkew: 1, TopologyKey: "kubernetes.io/hostname", WhenUnsatisfiable: corev1.ScheduleAnyway,
						LabelSelector: &metav1.LabelSelector{MatchLabels: selectorLabels(ti, componentServer)},
					}},
					Containers: []corev1.Container{{
						Name:            "server",
						Image:           in.run.Image,
						ImagePullPolicy: pullPolicy(ti),
						Args:            []string{"serve"},
						EnvFrom:         envFrom,
						Env:             env,
						Ports:           []corev1.ContainerPort{{Name: "http", ContainerPort: serverPort, Protocol: corev1.ProtocolTCP}},
						Resources:       ti.Spec.Resources,
						ReadinessProbe: &corev1.Probe{
							ProbeHandler: httpGet("/readyz"), PeriodSeconds: 5, TimeoutSeconds: 3, FailureThreshold: 3,
						},
						LivenessProbe: &corev1.Probe{
							ProbeHandler: httpGet("/healthz"), PeriodSeconds: 10, TimeoutSeconds: 3, FailureThreshold: 3,
						},
						StartupProbe: &corev1.Probe{
							ProbeHandler: httpGet("/healthz"), PeriodSeconds: 2, TimeoutSeconds: 2, FailureThreshold: 30,
						},
						// The pod leaves the Service's endpoints when it starts terminating, but kube-proxy
						// and other nodes learn it a moment later; serving on for drainDelay before SIGTERM
						// (which closes the listener) keeps those late connections from being refused.
						Lifecycle: &corev1.Lifecycle{
							PreStop: &corev1.LifecycleHandler{Sleep: &corev1.SleepAction{Seconds: drainDelaySeconds}},
						},
						SecurityContext:          containerSecurityContext(),
						TerminationMessagePolicy: corev1.TerminationMessageFallbackToLogsOnError,
					}},
				}),
			},
		},
	}
}

// serverPDB keeps at least one API server pod through voluntary disruptions.
func serverPDB(ti *ternantv1.TernantInstance) *policyv1.PodDisruptionBudget {
	return &policyv1.PodDisruptionBudget{
		ObjectMeta: metav1.ObjectMeta{Name: serverName(ti), Namespace: ti.Namespace, Labels: objectLabels(ti, componentServer)},
		Spec: policyv1.PodDisruptionBudgetSpec{
			MaxUnavailable: ptr.To(intstr.FromInt32(1)),
			Selector:       &metav1.LabelSelector{MatchLabels: selectorLabels(ti, componentServer)},
		},
	}
}

// labelValue shortens and cleans s to fit a label value (63 characters of [A-Za-z0-9._-]).
func labelValue(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			b[i] = '_'
		}
	}
	if len(b) > 63 {
		b = b[:63]
	}
	for len(b) > 0 && !isAlnum(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && !isAlnum(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return string(b)
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
