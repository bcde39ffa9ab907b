package controllers

import (
	"context"
	"fmt"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

// TestUserSecretsGateStartAndRollPods uses an external database and a user-supplied JWT secret:
// while the Secrets are missing nothing starts and Ready says which keys it waits for; once
// they exist the platform comes up with them; rotating the user's secret rolls the pods.
func TestUserSecretsGateStartAndRollPods(t *testing.T) {
	h := requireEnvtest(t)
	ns := newNamespace(t, h)
	const name = "byo"
	createInstance(t, h, ns, name, func(ti *ternantv1.TernantInstance) {
		ti.Spec.Database = ternantv1.DatabaseSpec{External: &ternantv1.ExternalDatabaseSpec{
			Host: "mysql.example", SecretRef: corev1.LocalObjectReference{Name: "db-credentials"}, MaxConnections: 100,
		}}
		ti.Spec.Redis = ternantv1.RedisSpec{External: &ternantv1.ExternalRedisSpec{Host: "redis.example"}}
		ti.Spec.JWTSecretRef = &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "jwt"}, Key: "access"}
	})

	ti := waitCondition(t, h, ns, name, ternantv1.ConditionReady, metav1.ConditionFalse, ternantv1.ReasonSecretNotFound)
	msg := meta.FindStatusCondition(ti.Status.Conditions, ternantv1.ConditionReady).Message
	for _, want := range []string{"jwt/access", "db-credentials/username", "db-credentials/password"} {
		if !strings.Contains(msg, want) {
			t.Errorf("Ready message %q does not name %s", msg, want)
		}
	}
	if err := get(h, ns, migrationJobName(ti, testImage, embeddedSchema), &batchv1.Job{}); err == nil {
		t.Error("nothing may start while secrets are missing")
	}

	ctx := context.Background()
	for _, s := range []*corev1.Secret{
		{ObjectMeta: metav1.ObjectMeta{Name: "db-credentials", Namespace: ns}, Data: map[string][]byte{"username": []byte("app"), "password": []byte("pw")}},
		{ObjectMeta: metav1.ObjectMeta{Name: "jwt", Namespace: ns}, Data: map[string][]byte{"access": []byte(strings.Repeat("a", 40))}},
	} {
		if err := h.k8s.Create(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	job := migrationJobFor(t, h, ns, name, testImage)
	env := map[string]corev1.EnvVar{}
	for _, e := range job.Spec.Template.Spec.Containers[0].Env {
		env[e.Name] = e
	}
	if env["DATABASE_HOST"].Value != "mysql.example" || env["DATABASE_USERNAME"].ValueFrom.SecretKeyRef.Name != "db-credentials" {
		t.Errorf("migration job database env %+v", env)
	}
	finishJob(t, h, ns, job.Name, true)
	eventually(t, "server deployment", func() error { return get(h, ns, name, &appsv1.Deployment{}) })
	markDeploymentAvailable(t, h, ns, name)
	waitCondition(t, h, ns, name, ternantv1.ConditionReady, metav1.ConditionTrue, ternantv1.ReasonAvailable)

	cm := &corev1.ConfigMap{}
	if err := get(h, ns, name+"-config", cm); err != nil {
		t.Fatal(err)
	}
	if cm.Data["DB_POOL_SIZE"] != "40" { // 80% of 100 over the default 2 replicas
		t.Errorf("DB_POOL_SIZE %q, want 40", cm.Data["DB_POOL_SIZE"])
	}
	generated := &corev1.Secret{}
	if err := get(h, ns, name+"-secrets", generated); err != nil {
		t.Fatal(err)
	}
	if _, ok := generated.Data[keyJWTSecret]; ok {
		t.Error("the operator generated a JWT secret although the spec supplies one")
	}

	before := podHash(t, h, ns, name)
	eventually(t, "rotate the user's secret", func() error {
		s := &corev1.Secret{}
		if err := get(h, ns, "jwt", s); err != nil {
			return err
		}
		s.Data["access"] = []byte(strings.Repeat("b", 40))
		return h.k8s.Update(ctx, s)
	})
	eventually(t, "pod-template hash changes after rotation", func() error {
		if after := podHash(t, h, ns, name); after == before {
			return fmt.Errorf("hash still %s", after)
		}
		return nil
	})
}
