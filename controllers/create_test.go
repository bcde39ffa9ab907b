package controllers

import (
	"fmt"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

// TestCreateInstanceBuildsEveryObject creates a managed instance with an Ingress and checks that
// every object the operator owns exists with the expected spec, owner and labels.
func TestCreateInstanceBuildsEveryObject(t *testing.T) {
	h := requireEnvtest(t)
	ns := newNamespace(t, h)
	const name = "acme"
	createInstance(t, h, ns, name, func(ti *ternantv1.TernantInstance) {
		ti.Spec.Replicas = 3
		ti.Spec.Ingress = &ternantv1.IngressSpec{Host: "api.acme.example", ClassName: ptr.To("nginx"), TLSSecretName: "acme-tls"}
	})
	bringUp(t, h, ns, name)

	ti := &ternantv1.TernantInstance{}
	if err := get(h, ns, name, ti); err != nil {
		t.Fatal(err)
	}
	if ti.Status.Version != "v1.0.0" || ti.Status.Image != testImage || ti.Status.Endpoint != "https://api.acme.example" || ti.Status.SchemaVersion != embeddedSchema.Version {
		t.Errorf("status = version %q image %q endpoint %q schema %d", ti.Status.Version, ti.Status.Image, ti.Status.Endpoint, ti.Status.SchemaVersion)
	}
	if ti.Status.ObservedGeneration != ti.Generation {
		t.Errorf("observedGeneration %d, generation %d", ti.Status.ObservedGeneration, ti.Generation)
	}

	owned := []struct {
		obj       client.Object
		name      string
		component string
		check     func(client.Object) error
	}{
		{&corev1.Secret{}, name + "-secrets", componentSecrets, func(o client.Object) error {
			return secretHasKeys(o.(*corev1.Secret), keyJWTSecret, keyJWTRefreshSecret, keySessionSecret, keyMetricsToken)
		}},
		{&corev1.Secret{}, name + "-redis-credentials", componentCache, func(o client.Object) error { return secretHasKeys(o.(*corev1.Secret), keyPassword) }},
		{&corev1.Service{}, name + "-mysql", componentDatabase, func(o client.Object) error {
			if o.(*corev1.Service).Spec.ClusterIP != corev1.ClusterIPNone {
				return fmt.Errorf("mysql service is not headless")
			}
			return nil
		}},
		{&appsv1.StatefulSet{}, name + "-mysql", componentDatabase, func(o client.Object) error {
			sts := o.(*appsv1.StatefulSet)
			c := sts.Spec.Template.Spec.Containers[0]
			if c.Image != "mysql:8.4" || len(c.Args) == 0 || c.Args[0] != "--max-connections=200" {
				return fmt.Errorf("mysql container %s %v", c.Image, c.Args)
			}
			if c.ReadinessProbe == nil || c.LivenessProbe == nil || len(sts.Spec.VolumeClaimTemplates) != 1 {
				return fmt.Errorf("mysql probes or volume claim template missing")
			}
			if q := sts.Spec.VolumeClaimTemplates[0].Spec.Resources.Requests[corev1.ResourceStorage]; q.String() != "10Gi" {
				return fmt.Errorf("storage %s", q.String())
			}
			return nil
		}},
		{&corev1.Service{}, name + "-redis", componentCache, nil},
		{&appsv1.StatefulSet{}, name + "-redis", componentCache, func(o client.Object) error {
			sts := o.(*appsv1.StatefulSet)
			c := sts.Spec.Template.Spec.Containers[0]
			if c.Image != "redis:7.4-alpine" {
				return fmt.Errorf("redis image %s", c.Image)
			}
			// 80 % of the default 256Mi limit, no eviction, AOF on the claim.
			for _, want := range []string{"--maxmemory 214748364 ", "--maxmemory-policy noeviction", "--appendonly yes", "--appendfsync everysec"} {
				if !strings.Contains(c.Command[2], want) {
					return fmt.Errorf("redis command %q lacks %q", c.Command[2], want)
				}
			}
			if len(sts.Spec.VolumeClaimTemplates) != 1 || sts.Spec.Template.Annotations[annotationPasswordHash] == "" {
				return fmt.Errorf("redis volume claim template or password hash missing")
			}
			return nil
		}},
		{&batchv1.Job{}, migrationJobName(ti, testImage, embeddedSchema), componentMigrations, func(o client.Object) error {
			c := o.(*batchv1.Job).Spec.Template.Spec.Containers[0]
			if c.Image != testImage || strings.Join(c.Args, " ") != "migrate up" {
				return fmt.Errorf("migration container %s %v", c.Image, c.Args)
			}
			return nil
		}},
		{&corev1.ConfigMap{}, name + "-config", componentServer, func(o client.Object) error {
			d := o.(*corev1.ConfigMap).Data
			// 80% of 200 connections over 3 replicas.
			want := map[string]string{"DB_POOL_SIZE": "53", "THROTTLE_LIMIT": "100", "THROTTLE_TTL": "60", "NODE_ENV": "production",
				"DATABASE_HOST": name + "-mysql." + ns + ".svc", "REDIS_HOST": name + "-redis." + ns + ".svc", "DB_POOL_ACQUIRE_TIMEOUT": "30000"}
			for k, v := range want {
				if d[k] != v {
					return fmt.Errorf("config %s = %q, want %q", k, d[k], v)
				}
			}
			return nil
		}},
		{&appsv1.Deployment{}, name, componentServer, func(o client.Object) error { return checkServerDeployment(o.(*appsv1.Deployment), 3) }},
		{&policyv1.PodDisruptionBudget{}, name, componentServer, nil},
		{&corev1.Service{}, name, componentServer, func(o client.Object) error {
			p := o.(*corev1.Service).Spec.Ports
			if len(p) != 1 || p[0].Name != "http" || p[0].Port != serverPort {
				return fmt.Errorf("server service ports %+v", p)
			}
			return nil
		}},
		{&networkingv1.Ingress{}, name, componentServer, func(o client.Object) error {
			ing := o.(*networkingv1.Ingress)
			if ptr.Deref(ing.Spec.IngressClassName, "") != "nginx" || ing.Spec.Rules[0].Host != "api.acme.example" || ing.Spec.TLS[0].SecretName != "acme-tls" {
				return fmt.Errorf("ingress %+v", ing.Spec)
			}
			return nil
		}},
		{&corev1.ConfigMap{}, name + "-dashboards", componentMonitoring, func(o client.Object) error {
			cm := o.(*corev1.ConfigMap)
			if cm.Labels["grafana_dashboard"] != "1" || cm.Data["ternant-overview.json"] == "" {
				return fmt.Errorf("dashboards configmap labels %v keys %d", cm.Labels, len(cm.Data))
			}
			return nil
		}},
	}
	for _, sj := range scheduledJobs(ti) {
		owned = append(owned, struct {
			obj       client.Object
			name      string
			component string
			check     func(client.Object) error
		}{&batchv1.CronJob{}, name + "-" + sj.command, componentJobs, func(o client.Object) error {
			cj := o.(*batchv1.CronJob)
			c := cj.Spec.JobTemplate.Spec.Template.Spec.Containers[0]
			if cj.Spec.Schedule != sj.schedule || c.Image != testImage || strings.Join(c.Args, " ") != "jobs "+sj.command {
				return fmt.Errorf("cronjob %s: schedule %q image %s args %v", cj.Name, cj.Spec.Schedule, c.Image, c.Args)
			}
			return nil
		}})
	}

	for _, o := range owned {
		t.Run(fmt.Sprintf("%T/%s", o.obj, o.name), func(t *testing.T) {
			if err := get(h, ns, o.name, o.obj); err != nil {
				t.Fatalf("get: %v", err)
			}
			if err := controlledBy(o.obj, ti); err != nil {
				t.Error(err)
			}
			l := o.obj.GetLabels()
			if l["app.kubernetes.io/instance"] != name || l["app.kubernetes.io/component"] != o.component || l["app.kubernetes.io/managed-by"] != FieldOwner {
				t.Errorf("labels %v", l)
			}
			if o.check != nil {
				if err := o.check(o.obj); err != nil {
					t.Error(err)
				}
			}
		})
	}
}

// checkServerDeployment asserts the server Deployment's probes, security and wiring.
func checkServerDeployment(dep *appsv1.Deployment, replicas int32) error {
	if ptr.Deref(dep.Spec.Replicas, 0) != replicas {
		return fmt.Errorf("replicas %d", ptr.Deref(dep.Spec.Replicas, 0))
	}
	pod := dep.Spec.Template.Spec
	c := pod.Containers[0]
	switch {
	case c.Image != testImage:
		return fmt.Errorf("image %s", c.Image)
	case c.ReadinessProbe == nil || c.ReadinessProbe.HTTPGet == nil || c.ReadinessProbe.HTTPGet.Path != "/readyz":
		return fmt.Errorf("readiness probe %+v", c.ReadinessProbe)
	case c.LivenessProbe == nil || c.LivenessProbe.HTTPGet == nil || c.LivenessProbe.HTTPGet.Path != "/healthz":
		return fmt.Errorf("liveness probe %+v", c.LivenessProbe)
	case !ptr.Deref(pod.SecurityContext.RunAsNonRoot, false) || !ptr.Deref(c.SecurityContext.ReadOnlyRootFilesystem, false):
		return fmt.Errorf("security context: non-root %v, read-only root %v", pod.SecurityContext.RunAsNonRoot, c.SecurityContext.ReadOnlyRootFilesystem)
	case dep.Spec.Template.Annotations[annotationConfigHash] == "":
		return fmt.Errorf("no config hash annotation")
	case len(c.EnvFrom) != 1 || c.EnvFrom[0].ConfigMapRef == nil:
		return fmt.Errorf("envFrom %+v", c.EnvFrom)
	}
	env := map[string]corev1.EnvVar{}
	for _, e := range c.Env {
		env[e.Name] = e
	}
	for _, n := range []string{"JWT_SECRET", "JWT_REFRESH_SECRET", "SESSION_SECRET", "METRICS_TOKEN", "DATABASE_PASSWORD", "REDIS_PASSWORD"} {
		if env[n].ValueFrom == nil || env[n].ValueFrom.SecretKeyRef == nil {
			return fmt.Errorf("env %s is not read from a secret: %+v", n, env[n])
		}
	}
	return nil
}

func secretHasKeys(s *corev1.Secret, keys ...string) error {
	for _, k := range keys {
		if len(s.Data[k]) < 32 {
			return fmt.Errorf("secret %s key %s has %d bytes, want at least 32", s.Name, k, len(s.Data[k]))
		}
	}
	return nil
}
