package controllers

import (
	"context"
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

// TestSteadyStateMakesNoWrites reconciles an unchanged, fully rolled-out instance again and
// counts the write calls the operator makes: there must be none. The second instance adds what
// the later steps read: a backup schedule with a recorded backup and a user-supplied secret.
func TestSteadyStateMakesNoWrites(t *testing.T) {
	h := requireEnvtest(t)
	t.Run("defaults", func(t *testing.T) {
		ns := newNamespace(t, h)
		createInstance(t, h, ns, "steady", nil)
		bringUp(t, h, ns, "steady")
		assertNoWrites(t, h, ns, "steady")
	})
	t.Run("backups and user secrets", func(t *testing.T) {
		ns := newNamespace(t, h)
		createS3Secret(t, h, ns)
		auth := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "auth", Namespace: ns}, Data: map[string][]byte{"jwt": []byte(strings.Repeat("s", 40))}}
		if err := h.k8s.Create(context.Background(), auth); err != nil {
			t.Fatal(err)
		}
		createInstance(t, h, ns, "kept", func(ti *ternantv1.TernantInstance) {
			ti.Spec.Backup = s3Backup()
			ti.Spec.JWTSecretRef = &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "auth"}, Key: "jwt"}
		})
		bringUp(t, h, ns, "kept")
		cj := &batchv1.CronJob{}
		eventually(t, "backup cronjob", func() error { return get(h, ns, "kept-backup", cj) })
		runBackupJob(t, h, ns, "kept", cj, "b1", time.Now().UTC().Truncate(time.Second))
		waitCondition(t, h, ns, "kept", ternantv1.ConditionBackupHealthy, metav1.ConditionTrue, ternantv1.ReasonBackupsCurrent)
		assertNoWrites(t, h, ns, "kept")
	})
}

// assertNoWrites waits for the writes of earlier events to settle, then reconciles twice and
// fails on any write call.
func assertNoWrites(t *testing.T, h *harness, ns, name string) {
	t.Helper()
	eventually(t, "writes settle", func() error {
		before := h.writes.count(ns)
		time.Sleep(1500 * time.Millisecond)
		if after := h.writes.count(ns); after != before {
			return errorf("%d writes in the last 1.5s", after-before)
		}
		return nil
	})

	before, reads := h.writes.count(ns), h.writes.readCount(ns)
	req := ctrl.Request{NamespacedName: client.ObjectKey{Namespace: ns, Name: name}}
	start := time.Now()
	for i := range 2 {
		if _, err := h.reconciler.Reconcile(context.Background(), req); err != nil {
			t.Fatalf("reconcile %d: %v", i+1, err)
		}
	}
	// Reported, not asserted: what one steady-state reconcile costs.
	t.Logf("steady-state reconcile: %d cached reads, %s wall time (envtest)", (h.writes.readCount(ns)-reads)/2, time.Since(start)/2)
	if n := h.writes.count(ns) - before; n != 0 {
		t.Fatalf("two reconciles of an unchanged instance made %d write calls, want 0", n)
	}
}
