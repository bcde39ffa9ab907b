package controllers

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

// TestUserSecretWithCollidingNameIsNeverOwned covers both halves of ownership. The production
// sample's user Secrets (ternant-db, ternant-redis, ternant-auth) live beside an instance named
// ternant with a managed database and Redis: generated names do not collide with them, and
// they are never owned or changed. A user Secret that does take a generated name halts the
// instance with NameCollision naming it, and is left exactly as it was.
func TestUserSecretWithCollidingNameIsNeverOwned(t *testing.T) {
	h := requireEnvtest(t)
	ctx := context.Background()
	ns := newNamespace(t, h)
	users := map[string]map[string][]byte{
		"ternant-db":    {"username": []byte("app"), "password": []byte("user-db-password")},
		"ternant-redis": {"password": []byte("user-redis-password")},
		"ternant-auth":  {"jwt": []byte(strings.Repeat("j", 40))},
	}
	for name, data := range users {
		if err := h.k8s.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Data: data}); err != nil {
			t.Fatal(err)
		}
	}
	createInstance(t, h, ns, "ternant", nil)
	bringUp(t, h, ns, "ternant")
	for name, data := range users {
		assertUntouched(t, h, ns, name, data)
	}

	// A Secret that takes the generated Redis credentials' name.
	ns2 := newNamespace(t, h)
	mine := map[string][]byte{"password": []byte("mine")}
	if err := h.k8s.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "shop-redis-credentials", Namespace: ns2}, Data: mine}); err != nil {
		t.Fatal(err)
	}
	createInstance(t, h, ns2, "shop", nil)
	ti := waitCondition(t, h, ns2, "shop", ternantv1.ConditionReady, metav1.ConditionFalse, ternantv1.ReasonNameCollision)
	if msg := meta.FindStatusCondition(ti.Status.Conditions, ternantv1.ConditionReady).Message; !strings.Contains(msg, "Secret "+ns2+"/shop-redis-credentials") {
		t.Errorf("NameCollision message %q does not name the Secret", msg)
	}
	time.Sleep(time.Second) // a few more reconciles
	assertUntouched(t, h, ns2, "shop-redis-credentials", mine)
	if err := get(h, ns2, "shop-redis", &appsv1.StatefulSet{}); !apierrors.IsNotFound(err) {
		t.Errorf("Redis must not start with someone else's password Secret (err %v)", err)
	}

	// Removing the user's Secret lets the instance go on with its own.
	if err := h.k8s.Delete(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "shop-redis-credentials", Namespace: ns2}}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "generated redis secret", func() error {
		s := &corev1.Secret{}
		if err := get(h, ns2, "shop-redis-credentials", s); err != nil {
			return err
		}
		if bytes.Equal(s.Data["password"], mine["password"]) {
			return fmt.Errorf("the user's value was reused")
		}
		return controlledBy(s, ti)
	})
}

// assertUntouched checks a user Secret has no owner and its data is unchanged.
func assertUntouched(t *testing.T, h *harness, ns, name string, data map[string][]byte) {
	t.Helper()
	s := &corev1.Secret{}
	if err := get(h, ns, name, s); err != nil {
		t.Fatalf("user secret %s: %v", name, err)
	}
	if len(s.OwnerReferences) != 0 {
		t.Errorf("user secret %s got owners %+v", name, s.OwnerReferences)
	}
	for k, v := range data {
		if !bytes.Equal(s.Data[k], v) {
			t.Errorf("user secret %s key %s changed", name, k)
		}
	}
	if len(s.Data) != len(data) {
		t.Errorf("user secret %s has keys %d, want %d", name, len(s.Data), len(data))
	}
}

// TestDeletedObjectsComeBack deletes owned objects at awkward moments. During a blocked
// upgrade the API Deployment comes back at the image it last ran (never at the target whose
// migrations failed); the MySQL credentials come back with the same passwords from their copy;
// with both credential Secrets gone and the data volume present the operator refuses to
// invent passwords (CredentialsMissing) until the Secret is restored.
func TestDeletedObjectsComeBack(t *testing.T) {
	h := requireEnvtest(t)
	ctx := context.Background()
	const name = "phoenix"
	ns, job := startUpgrade(t, h, name, "v2.0.0", "registry.example/ternant:v2.0.0")
	finishJob(t, h, ns, job.Name, false)
	waitCondition(t, h, ns, name, ternantv1.ConditionUpgrading, metav1.ConditionTrue, ternantv1.ReasonRolloutBlocked)

	if err := h.k8s.Delete(ctx, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "deployment recreated at the old image", func() error { return serverImageIs(h, ns, name, testImage) })
	markDeploymentAvailable(t, h, ns, name)
	ti := waitCondition(t, h, ns, name, ternantv1.ConditionReady, metav1.ConditionTrue, ternantv1.ReasonAvailable)
	if ti.Status.Version != "v1.0.0" {
		t.Errorf("status version %q, want v1.0.0", ti.Status.Version)
	}

	original := &corev1.Secret{}
	if err := get(h, ns, name+"-mysql-credentials", original); err != nil {
		t.Fatal(err)
	}
	if err := h.k8s.Delete(ctx, original.DeepCopy()); err != nil {
		t.Fatal(err)
	}
	eventually(t, "credentials recreated with the same passwords", func() error {
		s := &corev1.Secret{}
		if err := get(h, ns, name+"-mysql-credentials", s); err != nil {
			return err
		}
		if s.UID == original.UID {
			return fmt.Errorf("not deleted yet")
		}
		for _, k := range []string{keyRootPassword, keyPassword} {
			if !bytes.Equal(s.Data[k], original.Data[k]) {
				return fmt.Errorf("key %s changed", k)
			}
		}
		return nil
	})

	// The StatefulSet controller would have created the claim; envtest has none.
	claim := &corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{Name: "data-" + name + "-mysql-0", Namespace: ns},
		Spec: corev1.PersistentVolumeClaimSpec{
			AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")}},
		},
	}
	if err := h.k8s.Create(ctx, claim); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{name + "-mysql-credentials", name + "-mysql-credentials-copy"} {
		if err := h.k8s.Delete(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: n, Namespace: ns}}); err != nil {
			t.Fatal(err)
		}
	}
	waitCondition(t, h, ns, name, ternantv1.ConditionReady, metav1.ConditionFalse, ternantv1.ReasonCredentialsMissing)
	if err := get(h, ns, name+"-mysql-credentials", &corev1.Secret{}); !apierrors.IsNotFound(err) {
		t.Fatalf("the operator generated credentials the data directory does not know (err %v)", err)
	}
	// The administrator restores the Secret, with the labels and annotation that hand it to the
	// operator (docs/runbooks.md): the copy follows and the instance is ready again.
	restored := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{
		Name: name + "-mysql-credentials", Namespace: ns,
		Labels:      map[string]string{"app.kubernetes.io/managed-by": "ternant-operator", "app.kubernetes.io/instance": name},
		Annotations: map[string]string{"ternant.io/retained": "true"},
	}, Data: original.Data}
	if err := h.k8s.Create(ctx, restored); err != nil {
		t.Fatal(err)
	}
	eventually(t, "copy recreated from the restored secret", func() error {
		s := &corev1.Secret{}
		if err := get(h, ns, name+"-mysql-credentials-copy", s); err != nil {
			return err
		}
		if !bytes.Equal(s.Data[keyPassword], original.Data[keyPassword]) {
			return fmt.Errorf("copy holds another password")
		}
		return nil
	})
	waitCondition(t, h, ns, name, ternantv1.ConditionReady, metav1.ConditionTrue, ternantv1.ReasonAvailable)
}

// TestRetainedCredentialsOutliveInstance deletes an instance whose volume is retained (the
// default) and creates it again: the new instance takes up the same database passwords.
func TestRetainedCredentialsOutliveInstance(t *testing.T) {
	h := requireEnvtest(t)
	ctx := context.Background()
	ns := newNamespace(t, h)
	const name = "lazarus"
	createInstance(t, h, ns, name, nil)
	bringUp(t, h, ns, name)
	before := &corev1.Secret{}
	if err := get(h, ns, name+"-mysql-credentials", before); err != nil {
		t.Fatal(err)
	}
	if len(before.OwnerReferences) != 0 || before.Annotations[annotationRetained] != "true" {
		t.Fatalf("credentials of a retained volume must have no owner: %+v %v", before.OwnerReferences, before.Annotations)
	}
	old := &ternantv1.TernantInstance{}
	if err := get(h, ns, name, old); err != nil {
		t.Fatal(err)
	}
	if err := h.k8s.Delete(ctx, old); err != nil {
		t.Fatal(err)
	}
	eventually(t, "instance gone", func() error {
		if err := get(h, ns, name, &ternantv1.TernantInstance{}); !apierrors.IsNotFound(err) {
			return fmt.Errorf("still there (err %v)", err)
		}
		return nil
	})
	collectGarbage(t, h, ns, old.UID)

	createInstance(t, h, ns, name, nil)
	bringUp(t, h, ns, name)
	after := &corev1.Secret{}
	if err := get(h, ns, name+"-mysql-credentials", after); err != nil {
		t.Fatal(err)
	}
	if after.UID != before.UID || !bytes.Equal(after.Data[keyPassword], before.Data[keyPassword]) || !bytes.Equal(after.Data[keyRootPassword], before.Data[keyRootPassword]) {
		t.Error("the new instance did not take up the retained credentials")
	}
}

// collectGarbage deletes what Kubernetes' garbage collector would once the owner uid is gone
// (envtest runs none).
func collectGarbage(t *testing.T, h *harness, ns string, uid types.UID) {
	t.Helper()
	lists := []client.ObjectList{
		&corev1.SecretList{}, &corev1.ConfigMapList{}, &corev1.ServiceList{}, &appsv1.DeploymentList{},
		&appsv1.StatefulSetList{}, &batchv1.JobList{}, &batchv1.CronJobList{}, &policyv1.PodDisruptionBudgetList{},
		&networkingv1.IngressList{},
	}
	for _, l := range lists {
		if err := h.k8s.List(context.Background(), l, client.InNamespace(ns)); err != nil {
			t.Fatal(err)
		}
		items, err := metaItems(l)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range items {
			for _, ref := range o.GetOwnerReferences() {
				if ref.UID == uid {
					if err := h.k8s.Delete(context.Background(), o, client.PropagationPolicy(metav1.DeletePropagationBackground)); client.IgnoreNotFound(err) != nil {
						t.Fatal(err)
					}
				}
			}
		}
	}
}

// TestShortJWTSecretRefused gives the instance a 5-byte JWT secret: Ready=False InvalidSecret
// names it and no Deployment is created; a valid secret lets it start; a later short one is
// refused again without touching the running Deployment.
func TestShortJWTSecretRefused(t *testing.T) {
	h := requireEnvtest(t)
	ctx := context.Background()
	ns := newNamespace(t, h)
	const name = "weak"
	if err := h.k8s.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "auth", Namespace: ns}, Data: map[string][]byte{"jwt": []byte("short")}}); err != nil {
		t.Fatal(err)
	}
	createInstance(t, h, ns, name, func(ti *ternantv1.TernantInstance) {
		ti.Spec.JWTSecretRef = &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "auth"}, Key: "jwt"}
	})
	ti := waitCondition(t, h, ns, name, ternantv1.ConditionReady, metav1.ConditionFalse, ternantv1.ReasonInvalidSecret)
	msg := meta.FindStatusCondition(ti.Status.Conditions, ternantv1.ConditionReady).Message
	if !strings.Contains(msg, "JWT_SECRET (Secret auth key jwt) has 5 bytes") || strings.Contains(msg, "short") {
		t.Errorf("InvalidSecret message %q: must name the key and length, never the value", msg)
	}
	if err := get(h, ns, name, &appsv1.Deployment{}); !apierrors.IsNotFound(err) {
		t.Fatalf("no Deployment may exist with an invalid secret (err %v)", err)
	}

	setSecret := func(v string) {
		eventually(t, "update secret", func() error {
			s := &corev1.Secret{}
			if err := get(h, ns, "auth", s); err != nil {
				return err
			}
			s.Data["jwt"] = []byte(v)
			return h.k8s.Update(ctx, s)
		})
	}
	setSecret(strings.Repeat("k", 32))
	bringUp(t, h, ns, name)
	before := podHash(t, h, ns, name)

	setSecret("tiny")
	waitCondition(t, h, ns, name, ternantv1.ConditionReady, metav1.ConditionFalse, ternantv1.ReasonInvalidSecret)
	time.Sleep(time.Second)
	if after := podHash(t, h, ns, name); after != before {
		t.Errorf("the Deployment rolled to an invalid secret (hash %s -> %s)", before, after)
	}
}

// TestStatusTellsTheTruth upgrades with a migration pod that reports its schema version: while
// migrations run and the rollout proceeds, Ready stays true (the old version serves), Upgrading
// names the stage, status.version stays the old one until every pod runs the new image, and
// status.schemaVersion is what the Job reported.
func TestStatusTellsTheTruth(t *testing.T) {
	h := requireEnvtest(t)
	const name, newImage = "truthful", "registry.example/ternant:v1.2.0"
	ns, job := startUpgrade(t, h, name, "v1.2.0", newImage)
	ti := waitCondition(t, h, ns, name, ternantv1.ConditionUpgrading, metav1.ConditionTrue, ternantv1.ReasonMigrationsRunning)
	if c := meta.FindStatusCondition(ti.Status.Conditions, ternantv1.ConditionReady); c == nil || c.Status != metav1.ConditionTrue {
		t.Errorf("Ready while migrations run: %+v", c)
	}
	finishMigrationPod(t, h, ns, job, `{"schemaVersion":4242}`)
	finishJob(t, h, ns, job.Name, true)
	eventually(t, "deployment moves to the new image", func() error { return serverImageIs(h, ns, name, newImage) })
	ti = waitCondition(t, h, ns, name, ternantv1.ConditionUpgrading, metav1.ConditionTrue, ternantv1.ReasonRollingOut)
	if ti.Status.Version != "v1.0.0" || ti.Status.SchemaVersion != 4242 {
		t.Errorf("during the rollout: version %q (want the old v1.0.0), schemaVersion %d (want 4242)", ti.Status.Version, ti.Status.SchemaVersion)
	}
	// Half the pods run the new image: still the old version for the status.
	eventually(t, "half rolled out", func() error {
		dep := &appsv1.Deployment{}
		if err := get(h, ns, name, dep); err != nil {
			return err
		}
		dep.Status.ObservedGeneration = dep.Generation
		dep.Status.Replicas, dep.Status.UpdatedReplicas, dep.Status.AvailableReplicas, dep.Status.ReadyReplicas = 3, 1, 3, 3
		return h.k8s.Status().Update(context.Background(), dep)
	})
	time.Sleep(time.Second)
	if err := get(h, ns, name, ti); err != nil {
		t.Fatal(err)
	}
	if ti.Status.Version != "v1.0.0" {
		t.Errorf("status.version %q while old pods still run", ti.Status.Version)
	}
	markDeploymentAvailable(t, h, ns, name)
	ti = waitCondition(t, h, ns, name, ternantv1.ConditionUpgrading, metav1.ConditionFalse, ternantv1.ReasonUpToDate)
	if ti.Status.Version != "v1.2.0" || ti.Status.Image != newImage || ti.Status.SchemaVersion != 4242 {
		t.Errorf("after the rollout: version %q image %q schemaVersion %d", ti.Status.Version, ti.Status.Image, ti.Status.SchemaVersion)
	}
}

// finishMigrationPod creates the pod a Job's controller would have run and reports it
// terminated with exit code 0 and msg as its termination message, as the kubelet would.
func finishMigrationPod(t *testing.T, h *harness, ns string, job *batchv1.Job, msg string) {
	t.Helper()
	ctx := context.Background()
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name: job.Name + "-x1", Namespace: ns,
			Labels: map[string]string{batchv1.JobNameLabel: job.Name, "job-name": job.Name},
		},
		Spec: *job.Spec.Template.Spec.DeepCopy(),
	}
	if err := h.k8s.Create(ctx, pod); err != nil {
		t.Fatalf("create pod: %v", err)
	}
	now := metav1.Now()
	pod.Status = corev1.PodStatus{
		Phase: corev1.PodSucceeded,
		ContainerStatuses: []corev1.ContainerStatus{{
			Name: pod.Spec.Containers[0].Name, Image: pod.Spec.Containers[0].Image,
			State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
				ExitCode: 0, Reason: "Completed", Message: msg, StartedAt: now, FinishedAt: now,
			}},
		}},
	}
	if err := h.k8s.Status().Update(ctx, pod); err != nil {
		t.Fatalf("pod status: %v", err)
	}
}

// TestDatabasePasswordRotation asks for a rotation with the instance annotation and plays the
// Jobs: the new password is added in MySQL while the old one stays valid, only then the Secret
// switches and the server pods roll, and the old password is dropped once they all run with it.
func TestDatabasePasswordRotation(t *testing.T) {
	h := requireEnvtest(t)
	ns := newNamespace(t, h)
	const name = "rotor"
	createInstance(t, h, ns, name, nil)
	bringUp(t, h, ns, name)
	before := &corev1.Secret{}
	if err := get(h, ns, name+"-mysql-credentials", before); err != nil {
		t.Fatal(err)
	}
	hash := podHash(t, h, ns, name)

	updateInstance(t, h, ns, name, func(ti *ternantv1.TernantInstance) {
		ti.Annotations = map[string]string{AnnotationRotateDatabasePassword: "2026-12-03"}
	})
	ti := &ternantv1.TernantInstance{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}}
	add := &batchv1.Job{}
	eventually(t, "rotation job", func() error { return get(h, ns, rotationJobName(ti, "2026-12-03", false), add) })
	if cmd := add.Spec.Template.Spec.Containers[0].Command[2]; !strings.Contains(cmd, "RETAIN CURRENT PASSWORD") {
		t.Errorf("rotation command %q does not keep the current password", cmd)
	}
	pending := &corev1.Secret{}
	if err := get(h, ns, name+"-mysql-credentials", pending); err != nil {
		t.Fatal(err)
	}
	next := pending.Data[keyNextPassword]
	if len(next) == 0 || !bytes.Equal(pending.Data[keyPassword], before.Data[keyPassword]) {
		t.Fatal("before MySQL knows it, the new password must wait beside the current one")
	}
	if podHash(t, h, ns, name) != hash {
		t.Error("pods rolled before MySQL accepted the new password")
	}

	finishJob(t, h, ns, add.Name, true)
	eventually(t, "secret switches to the new password", func() error {
		s := &corev1.Secret{}
		if err := get(h, ns, name+"-mysql-credentials", s); err != nil {
			return err
		}
		if !bytes.Equal(s.Data[keyPassword], next) || len(s.Data[keyNextPassword]) != 0 {
			return fmt.Errorf("password not switched yet")
		}
		return nil
	})
	eventually(t, "pods roll", func() error {
		if podHash(t, h, ns, name) == hash {
			return fmt.Errorf("pod template hash unchanged")
		}
		return nil
	})
	discard := rotationJobName(ti, "2026-12-03", true)
	if err := get(h, ns, discard, &batchv1.Job{}); !apierrors.IsNotFound(err) {
		t.Fatalf("the old password must stay until the pods run with the new one (err %v)", err)
	}
	markDeploymentAvailable(t, h, ns, name)
	eventually(t, "discard job", func() error { return get(h, ns, discard, &batchv1.Job{}) })
	finishJob(t, h, ns, discard, true)
	eventually(t, "rotation recorded", func() error {
		for _, n := range []string{name + "-mysql-credentials", name + "-mysql-credentials-copy"} {
			s := &corev1.Secret{}
			if err := get(h, ns, n, s); err != nil {
				return err
			}
			if string(s.Data[keyRotationDiscarded]) != "2026-12-03" || !bytes.Equal(s.Data[keyPassword], next) {
				return fmt.Errorf("%s not done", n)
			}
		}
		return nil
	})
}

// TestRedisRestartsOnNewPassword changes the managed Redis password: the StatefulSet's pod
// template (annotation ternant.io/password-hash) changes, so Redis restarts with it, and the
// server pods roll to it too.
func TestRedisRestartsOnNewPassword(t *testing.T) {
	h := requireEnvtest(t)
	ns := newNamespace(t, h)
	const name = "cachey"
	createInstance(t, h, ns, name, nil)
	bringUp(t, h, ns, name)
	redisHash := func() string {
		sts := &appsv1.StatefulSet{}
		if err := get(h, ns, name+"-redis", sts); err != nil {
			t.Fatal(err)
		}
		return sts.Spec.Template.Annotations[annotationPasswordHash]
	}
	before, server := redisHash(), podHash(t, h, ns, name)
	eventually(t, "new redis password", func() error {
		s := &corev1.Secret{}
		if err := get(h, ns, name+"-redis-credentials", s); err != nil {
			return err
		}
		s.Data[keyPassword] = []byte(strings.Repeat("r", 64))
		return h.k8s.Update(context.Background(), s)
	})
	eventually(t, "redis and server pod templates change", func() error {
		if redisHash() == before {
			return fmt.Errorf("redis pod template unchanged")
		}
		if podHash(t, h, ns, name) == server {
			return fmt.Errorf("server pod template unchanged")
		}
		return nil
	})
}

// TestDatabaseReadyNeedsCurrentGeneration raises maxConnections on a ready instance: MySQL's
// StatefulSet gets a new generation, and its status, still saying "1 ready" from before, no
// longer counts until the StatefulSet controller reports the new generation.
func TestDatabaseReadyNeedsCurrentGeneration(t *testing.T) {
	h := requireEnvtest(t)
	ns := newNamespace(t, h)
	const name = "stale"
	createInstance(t, h, ns, name, nil)
	bringUp(t, h, ns, name)
	updateInstance(t, h, ns, name, func(ti *ternantv1.TernantInstance) {
		ti.Spec.Database.Managed.MaxConnections = 400
	})
	waitCondition(t, h, ns, name, ternantv1.ConditionDatabaseReady, metav1.ConditionFalse, ternantv1.ReasonProvisioning)
	sts := &appsv1.StatefulSet{}
	if err := get(h, ns, name+"-mysql", sts); err != nil {
		t.Fatal(err)
	}
	if sts.Status.ReadyReplicas != 1 || sts.Status.ObservedGeneration >= sts.Generation {
		t.Fatalf("want stale status (ready %d, observed %d of %d)", sts.Status.ReadyReplicas, sts.Status.ObservedGeneration, sts.Generation)
	}
	markStatefulSetReady(t, h, ns, name+"-mysql")
	waitCondition(t, h, ns, name, ternantv1.ConditionDatabaseReady, metav1.ConditionTrue, ternantv1.ReasonAvailable)
}

// TestSecretCacheHoldsOnlyOperatorSecrets: the manager's cache (what the reconciler's client
// reads) holds the Secrets the operator labels and none of the users'; the reconciler still
// reads a user Secret, directly from the API server.
func TestSecretCacheHoldsOnlyOperatorSecrets(t *testing.T) {
	h := requireEnvtest(t)
	ctx := context.Background()
	ns := newNamespace(t, h)
	user := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "someone-elses", Namespace: ns}, Data: map[string][]byte{"k": []byte("v")}}
	if err := h.k8s.Create(ctx, user); err != nil {
		t.Fatal(err)
	}
	createInstance(t, h, ns, "cached", nil)
	eventually(t, "generated secret in the cache", func() error {
		return h.reconciler.Client.Get(ctx, client.ObjectKey{Namespace: ns, Name: "cached-secrets"}, &corev1.Secret{})
	})
	var list corev1.SecretList
	if err := h.reconciler.Client.List(ctx, &list, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	for _, s := range list.Items {
		if s.Labels["app.kubernetes.io/managed-by"] != FieldOwner {
			t.Errorf("the cache holds Secret %s, which the operator did not label", s.Name)
		}
	}
	if len(list.Items) == 0 {
		t.Error("the cache holds no Secret at all")
	}
	v, err := h.reconciler.secretValue(ctx, ns, selector("someone-elses", "k"))
	if err != nil || string(v) != "v" {
		t.Errorf("reading a user Secret directly: %q, %v", v, err)
	}
}
