// Package controllers reconciles TernantInstances into running platforms. Reconcile walks an
// ordered list of small steps (secrets, database, redis, migrations, server config, server,
// service/ingress, monitoring, scheduled jobs); each step lives in its own file beside a pure
// builder of the objects it writes.
package controllers

import (
	"context"
	"errors"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

// Options are the operator-wide settings of the reconciler.
type Options struct {
	// DefaultImage runs when an instance names neither version nor image: the operator's own image.
	DefaultImage string
	// MonitoringRecheck is how often an instance whose monitoring CRDs are missing looks again.
	MonitoringRecheck time.Duration
	// SecretRecheck is how often an instance waiting for a user-supplied Secret looks again
	// (Secret events also wake it).
	SecretRecheck time.Duration
}

// TernantInstanceReconciler reconciles TernantInstance objects.
type TernantInstanceReconciler struct {
	Client client.Client
	// APIReader reads what the cache does not hold (user Secrets, claims, pods) directly from
	// the API server; SetupWithManager sets the manager's when nil.
	APIReader client.Reader
	Scheme    *runtime.Scheme
	Recorder  events.EventRecorder
	Options   Options

	watcher *ownedWatcher
}

// reader is the uncached reader.
func (r *TernantInstanceReconciler) reader() client.Reader {
	if r.APIReader != nil {
		return r.APIReader
	}
	return r.Client
}

// state carries what earlier steps learned to later ones during one reconcile.
type state struct {
	ti *ternantv1.TernantInstance
	// prev is the status as read, for detecting transitions.
	prev *ternantv1.TernantInstanceStatus

	target  release // what the spec asks to run
	running release // what the server Deployment runs (empty before the first rollout)

	secrets secretRefs
	db      dbConn
	redis   redisConn

	dbReady    bool
	migrated   bool // migrations for target succeeded
	serving    bool // the server Deployment has at least one available replica (any version)
	configHash string
	result     ctrl.Result
	// halt stops the walk after the current step: it set a condition saying what it waits for.
	halt bool
}

// requeueAfter asks for another reconcile after d, keeping the earliest request.
func (s *state) requeueAfter(d time.Duration) {
	if d > 0 && (s.result.RequeueAfter == 0 || d < s.result.RequeueAfter) {
		s.result.RequeueAfter = d
	}
}

// step is one stage of the reconcile. It returns an error only for failures a retry may fix;
// a step that has to wait sets its condition and requeues through s instead.
type step struct {
	name string
	run  func(ctx context.Context, s *state) error
}

// steps is the reconcile order: each step may rely on what the earlier ones put in state.
func (r *TernantInstanceReconciler) steps() []step {
	return []step{
		{"secrets", r.reconcileSecrets},
		{"database", r.reconcileDatabase},
		{"redis", r.reconcileRedis},
		{"restore", r.reconcileRestore},
		{"migrations", r.reconcileMigrations},
		{"server config", r.reconcileServerConfig},
		{"server", r.reconcileServer},
		{"credential rotation", r.reconcileRotation},
		{"service and ingress", r.reconcileNetwork},
		{"monitoring", r.reconcileMonitoring},
		{"scheduled jobs", r.reconcileScheduledJobs},
		{"backup", r.reconcileBackup},
	}
}

// Reconcile brings one TernantInstance's objects to its spec and records what it saw in status,
// writing the status once, at the end, and only when it changed.
func (r *TernantInstanceReconciler) Reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, err error) {
	ti := &ternantv1.TernantInstance{}
	if err := r.Client.Get(ctx, req.NamespacedName, ti); err != nil {
		if apierrors.IsNotFound(err) {
			forgetInstance(req.Namespace, req.Name)
			return ctrl.Result{}, nil
		}
		return ctrl.Result{}, fmt.Errorf("read instance %s: %w", req.NamespacedName, err)
	}
	if !ti.DeletionTimestamp.IsZero() {
		forgetInstance(ti.Namespace, ti.Name)
		return ctrl.Result{}, nil // garbage collection removes the owned objects
	}
	orig := ti.DeepCopy()
	s := &state{ti: ti, prev: &orig.Status, target: resolveRelease(&ti.Spec, r.Options.DefaultImage)}

	defer func() {
		r.summarize(s, err)
		if werr := r.writeStatus(ctx, orig, ti); werr != nil && err == nil {
			err = werr
		}
		if err == nil {
			result = s.result
		}
	}()

	for _, st := range r.steps() {
		err := st.run(ctx, s)
		var collision *NameCollisionError
		if errors.As(err, &collision) {
			// Someone else's object holds a name the instance needs: waiting is all the operator
			// can do (retrying with backoff would only repeat the refusal).
			r.halt(s, ternantv1.ReasonNameCollision, collision.Error())
			s.requeueAfter(r.Options.SecretRecheck)
			err = nil
		}
		switch {
		case err != nil:
			reconcileSteps.WithLabelValues(st.name, outcomeError).Inc()
			// controller-runtime logs the returned error; the status records it as Ready=False.
			return ctrl.Result{}, fmt.Errorf("%s: %w", st.name, err)
		case s.halt:
			reconcileSteps.WithLabelValues(st.name, outcomeWait).Inc()
		default:
			reconcileSteps.WithLabelValues(st.name, outcomeOK).Inc()
		}
		if s.halt {
			break
		}
	}
	return s.result, nil
}
