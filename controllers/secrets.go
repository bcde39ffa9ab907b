package controllers

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

// reconcileSecrets creates the generated Secrets (server secrets, MySQL and Redis passwords)
// once and checks that every Secret the user referenced exists with its key. A missing one
// halts the walk: starting pods that cannot read their secrets helps nobody.
func (r *TernantInstanceReconciler) reconcileSecrets(ctx context.Context, s *state) error {
	ti := s.ti
	refs, generate := resolveSecretRefs(ti)
	s.secrets = refs
	if err := r.ensureGenerated(ctx, s, secretsName(ti), componentSecrets, generate); err != nil {
		return err
	}
	if ti.Spec.Database.Managed != nil {
		if err := r.ensureGenerated(ctx, s, mysqlName(ti), componentDatabase, []string{keyRootPassword, keyPassword}); err != nil {
			return err
		}
	}
	if ti.Spec.Redis.Managed != nil {
		if err := r.ensureGenerated(ctx, s, redisName(ti), componentCache, []string{keyPassword}); err != nil {
			return err
		}
	}

	required := append([]corev1.SecretKeySelector(nil), refs.userSupplied...)
	if ext := ti.Spec.Database.External; ext != nil {
		required = append(required, selector(ext.SecretRef.Name, keyUsername), selector(ext.SecretRef.Name, keyPassword))
	}
	if ext := ti.Spec.Redis.External; ext != nil && ext.PasswordSecretRef != nil {
		required = append(required, *ext.PasswordSecretRef)
	}
	var missing []string
	for _, ref := range required {
		if _, err := r.secretValue(ctx, ti.Namespace, ref); err != nil {
			if !apierrors.IsNotFound(err) && !isMissingKey(err) {
				return err
			}
			missing = append(missing, ref.Name+"/"+ref.Key)
		}
	}
	if len(missing) > 0 {
		msg := "waiting for Secret keys " + strings.Join(missing, ", ")
		if transitioned(s, ternantv1.ConditionReady, ternantv1.ReasonSecretNotFound) {
			r.event(s, corev1.EventTypeWarning, ternantv1.ReasonSecretNotFound, "ReadSecrets", msg)
		}
		setCondition(s, ternantv1.ConditionReady, false, ternantv1.ReasonSecretNotFound, msg)
		s.requeueAfter(r.Options.SecretRecheck)
		s.halt = true
	}
	return nil
}

// ensureGenerated applies a generated Secret holding keys, reusing the values already stored.
func (r *TernantInstanceReconciler) ensureGenerated(ctx context.Context, s *state, name, component string, keys []string) error {
	live := &corev1.Secret{}
	err := r.Client.Get(ctx, client.ObjectKey{Namespace: s.ti.Namespace, Name: name}, live)
	switch {
	case apierrors.IsNotFound(err):
		if len(keys) == 0 {
			return nil
		}
	case err != nil:
		return fmt.Errorf("read secret %s: %w", name, err)
	}
	desired, err := generatedSecret(s.ti, name, component, live.Data, keys)
	if err != nil {
		return fmt.Errorf("generate secret %s: %w", name, err)
	}
	_, err = r.apply(ctx, s.ti, desired)
	return err
}

// missingKeyError says a Secret exists but lacks the key a reference names.
type missingKeyError struct{ ref corev1.SecretKeySelector }

func (e missingKeyError) Error() string {
	return fmt.Sprintf("secret %s has no key %s", e.ref.Name, e.ref.Key)
}

func isMissingKey(err error) bool {
	_, ok := err.(missingKeyError)
	return ok
}

// secretValue reads one key of one Secret in namespace.
func (r *TernantInstanceReconciler) secretValue(ctx context.Context, namespace string, ref corev1.SecretKeySelector) ([]byte, error) {
	sec := &corev1.Secret{}
	if err := r.Client.Get(ctx, client.ObjectKey{Namespace: namespace, Name: ref.Name}, sec); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, err
		}
		return nil, fmt.Errorf("read secret %s: %w", ref.Name, err)
	}
	v, ok := sec.Data[ref.Key]
	if !ok {
		return nil, missingKeyError{ref}
	}
	return v, nil
}
