package controllers

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

// pullPolicy is the spec's image pull policy, IfNotPresent by default.
func pullPolicy(ti *ternantv1.TernantInstance) corev1.PullPolicy {
	return defaulted(ti.Spec.ImagePullPolicy, corev1.PullIfNotPresent)
}

// ternantUID is the non-root user every Ternant container runs as.
const ternantUID = 65532

// podSecurityContext is the pod security context of every Ternant pod: non-root, default seccomp.
func podSecurityContext() *corev1.PodSecurityContext {
	return &corev1.PodSecurityContext{
		RunAsNonRoot: ptr.To(true), RunAsUser: ptr.To[int64](ternantUID), RunAsGroup: ptr.To[int64](ternantUID),
		SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}
}

// containerSecurityContext locks a Ternant container down: read-only root, no privileges.
func containerSecurityContext() *corev1.SecurityContext {
	return &corev1.SecurityContext{
		AllowPrivilegeEscalation: ptr.To(false),
		ReadOnlyRootFilesystem:   ptr.To(true),
		Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
	}
}

// runOncePodSpec is the pod of a Job running one Ternant command: never restarted in place,
// locked down like the server, no service account token.
func runOncePodSpec(ti *ternantv1.TernantInstance, c corev1.Container) corev1.PodSpec {
	c.ImagePullPolicy = pullPolicy(ti)
	c.SecurityContext = containerSecurityContext()
	c.TerminationMessagePolicy = corev1.TerminationMessageFallbackToLogsOnError
	return corev1.PodSpec{
		RestartPolicy:                corev1.RestartPolicyNever,
		SecurityContext:              podSecurityContext(),
		ImagePullSecrets:             ti.Spec.ImagePullSecrets,
		AutomountServiceAccountToken: ptr.To(false),
		Containers:                   []corev1.Container{c},
	}
}

// withTmp gives the pod's first container a writable /tmp, the only place a Ternant process
// writes to under a read-only root file system.
func withTmp(spec corev1.PodSpec) corev1.PodSpec {
	spec.Volumes = append(spec.Volumes, corev1.Volume{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}})
	spec.Containers[0].VolumeMounts = append(spec.Containers[0].VolumeMounts, corev1.VolumeMount{Name: "tmp", MountPath: "/tmp"})
	return spec
}
