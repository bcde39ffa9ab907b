package controllers

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

// TestUpgradeWaitsForMigrations changes the version: the migration Job for the new image
// appears while the Deployment keeps the old image, and only its success moves the Deployment.
func TestUpgradeWaitsForMigrations(t *testing.T) {
	h := requireEnvtest(t)
	const name, newImage = "upgrade", "registry.example/ternant:v1.1.0"
	ns, job := startUpgrade(t, h, name, "v1.1.0", newImage)
	if img := job.Spec.Template.Spec.Containers[0].Image; img != newImage {
		t.Fatalf("migration job image %s, want %s", img, newImage)
	}
	waitCondition(t, h, ns, name, ternantv1.ConditionMigrationsSucceeded, metav1.ConditionFalse, ternantv1.ReasonMigrationsRunning)
	assertServerImage(t, h, ns, name, testImage, 2*time.Second)

	finishJob(t, h, ns, job.Name, true)
	eventually(t, "deployment moves to the new image", func() error { return serverImageIs(h, ns, name, newImage) })
	markDeploymentAvailable(t, h, ns, name)
	waitCondition(t, h, ns, name, ternantv1.ConditionUpgrading, metav1.ConditionFalse, ternantv1.ReasonUpToDate)
	ti := waitCondition(t, h, ns, name, ternantv1.ConditionReady, metav1.ConditionTrue, ternantv1.ReasonAvailable)
	if ti.Status.Version != "v1.1.0" || ti.Status.Image != newImage {
		t.Errorf("status version %q image %q after the upgrade", ti.Status.Version, ti.Status.Image)
	}
	waitEvent(t, h, ns, name, ternantv1.ReasonMigrationsSucceeded, "v1.1.0")

	// The first version's Job is superseded and pruned (envtest has no garbage collector for its
	// pods, but the Job object itself goes).
	oldJob := migrationJobName(ti, testImage, embeddedSchema)
	eventually(t, "superseded migration job pruned", func() error {
		err := get(h, ns, oldJob, &batchv1.Job{})
		if apierrors.IsNotFound(err) {
			return nil
		}
		return fmt.Errorf("job %s still there (err %v)", oldJob, err)
	})
	if err := get(h, ns, job.Name, &batchv1.Job{}); err != nil {
		t.Errorf("the current migration job must stay: %v", err)
	}
}

// TestFailedMigrationBlocksRollout fails the migration Job of an upgrade: the Job is kept, the
// Deployment keeps the old image, MigrationsSucceeded=False, Upgrading=True RolloutBlocked and
// Warning Events say why, while Ready stays true because the old version serves.
func TestFailedMigrationBlocksRollout(t *testing.T) {
	h := requireEnvtest(t)
	const name = "blocked"
	ns, job := startUpgrade(t, h, name, "v2.0.0", "registry.example/ternant:v2.0.0")
	finishJob(t, h, ns, job.Name, false)

	ti := waitCondition(t, h, ns, name, ternantv1.ConditionMigrationsSucceeded, metav1.ConditionFalse, ternantv1.ReasonMigrationsFailed)
	c := meta.FindStatusCondition(ti.Status.Conditions, ternantv1.ConditionMigrationsSucceeded)
	for _, want := range []string{job.Name, "BackoffLimitExceeded", "v2.0.0", testImage + " keeps serving"} {
		if !strings.Contains(c.Message, want) {
			t.Errorf("MigrationsSucceeded message %q does not mention %q", c.Message, want)
		}
	}
	// The old version serves: Ready stays true, Upgrading says the rollout is blocked.
	ti = waitCondition(t, h, ns, name, ternantv1.ConditionUpgrading, metav1.ConditionTrue, ternantv1.ReasonRolloutBlocked)
	if c := meta.FindStatusCondition(ti.Status.Conditions, ternantv1.ConditionReady); c == nil || c.Status != metav1.ConditionTrue {
		t.Errorf("Ready while the old version serves: %+v", c)
	}
	waitEvent(t, h, ns, name, ternantv1.ReasonRolloutBlocked, "v2.0.0")
	if ti.Status.Version != "v1.0.0" {
		t.Errorf("status version %q, want the old v1.0.0", ti.Status.Version)
	}
	waitEvent(t, h, ns, name, ternantv1.ReasonMigrationsFailed, job.Name)
	assertServerImage(t, h, ns, name, testImage, 2*time.Second)
	if err := get(h, ns, job.Name, job); err != nil {
		t.Fatalf("the failed job must be kept for inspection: %v", err)
	}
}

// startUpgrade brings a new instance up at the default image, changes its version and returns
// the namespace and the migration Job that appears for newImage.
func startUpgrade(t *testing.T, h *harness, name, version, newImage string) (string, *batchv1.Job) {
	t.Helper()
	ns := newNamespace(t, h)
	createInstance(t, h, ns, name, nil)
	bringUp(t, h, ns, name)
	updateInstance(t, h, ns, name, func(ti *ternantv1.TernantInstance) { ti.Spec.Version = version })
	return ns, migrationJobFor(t, h, ns, name, newImage)
}

// serverImageIs checks the server Deployment's image.
func serverImageIs(h *harness, ns, name, image string) error {
	dep := &appsv1.Deployment{}
	if err := get(h, ns, name, dep); err != nil {
		return err
	}
	if got := dep.Spec.Template.Spec.Containers[0].Image; got != image {
		return fmt.Errorf("server image %s, want %s", got, image)
	}
	return nil
}

// assertServerImage checks that the server image stays image for the whole of d.
func assertServerImage(t *testing.T, h *harness, ns, name, image string, d time.Duration) {
	t.Helper()
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
		if err := serverImageIs(h, ns, name, image); err != nil {
			t.Fatal(err)
		}
	}
}

// waitEvent waits for an Event about the instance with reason and a note containing text.
func waitEvent(t *testing.T, h *harness, ns, name, reason, text string) {
	t.Helper()
	eventually(t, "event "+reason, func() error {
		var list eventsv1.EventList
		if err := h.k8s.List(context.Background(), &list, client.InNamespace(ns)); err != nil {
			return err
		}
		var seen []string
		for _, e := range list.Items {
			if e.Regarding.Name == name && e.Reason == reason && strings.Contains(e.Note, text) {
				return nil
			}
			seen = append(seen, e.Reason+": "+e.Note)
		}
		return fmt.Errorf("no %s event mentioning %q among %q", reason, text, seen)
	})
}
