package controllers

import (
	"context"
	"testing"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// TestSteadyStateMakesNoWrites reconciles an unchanged, fully rolled-out instance again and
// counts the write calls the operator makes: there must be none.
func TestSteadyStateMakesNoWrites(t *testing.T) {
	h := requireEnvtest(t)
	ns := newNamespace(t, h)
	const name = "steady"
	createInstance(t, h, ns, name, nil)
	bringUp(t, h, ns, name)

	// Let the reconciles triggered by the status updates above settle.
	eventually(t, "writes settle", func() error {
		before := h.writes.count(ns)
		time.Sleep(1500 * time.Millisecond)
		if after := h.writes.count(ns); after != before {
			return errorf("%d writes in the last 1.5s", after-before)
		}
		return nil
	})

	before := h.writes.count(ns)
	req := ctrl.Request{NamespacedName: client.ObjectKey{Namespace: ns, Name: name}}
	for i := range 2 {
		if _, err := h.reconciler.Reconcile(context.Background(), req); err != nil {
			t.Fatalf("reconcile %d: %v", i+1, err)
		}
	}
	if n := h.writes.count(ns) - before; n != 0 {
		t.Fatalf("two reconciles of an unchanged instance made %d write calls, want 0", n)
	}
}
