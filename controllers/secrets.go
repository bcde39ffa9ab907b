package controllers

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

// reconcileSecrets creates the generated Secrets (server secrets, MySQL and Redis passwords)
// once and checks that every Secret the user referenced exists with its key and that the
// server's secrets satisfy its production rules. A missing or invalid one halts the walk:
// starting pods that cannot read their secrets, or that refuse them, helps nobody.
func (r *TernantInstanceReconciler) reconcileSecrets(ctx context.Context, s *state) error {
	ti := s.ti
	refs, generate := resolveSecretRefs(ti)
	s.secrets = refs
	if err := r.ensureGenerated(ctx, s, secretsName(ti), "", componentSecrets, generate); err != nil {
		return err
	}
	if ti.Spec.Database.Managed != nil {
		if err := r.ensureDatabaseCredentials(ctx, s); err != nil || s.halt {
			return err
		}
	}
	if ti.Spec.Redis.Managed != nil {
		if err := r.ensureGenerated(ctx, s, redisSecretName(ti), legacyRedisSecretName(ti), componentCache, []string{keyPassword}); err != nil {
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
	if b := ti.Spec.Backup; b != nil {
		required = append(required, targetSecrets(b.Target)...)
	}
	if rs := ti.Spec.Restore; rs != nil {
		required = append(required, targetSecrets(rs.Source)...)
	}
	if len(required) > 0 {
		// User Secrets are not in the operator's cache (it holds only the Secrets the operator
		// labels): look again periodically so a rotated user secret rolls the pods.
		s.requeueAfter(r.Options.SecretRecheck)
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
		r.halt(s, ternantv1.ReasonSecretNotFound, msg)
		s.requeueAfter(r.Options.SecretRecheck)
		return nil
	}
	if msg, err := r.invalidServerSecrets(ctx, s); err != nil || msg != "" {
		if err == nil {
			r.halt(s, ternantv1.ReasonInvalidSecret, msg)
		}
		return err
	}
	return nil
}

// halt sets Ready=False with reason (an Event on the transition) and stops the walk.
func (r *TernantInstanceReconciler) halt(s *state, reason, msg string) {
	if transitioned(s, ternantv1.ConditionReady, reason) {
		r.event(s, corev1.EventTypeWarning, reason, "Reconcile", msg)
	}
	setCondition(s, ternantv1.ConditionReady, false, reason, msg)
	s.halt = true
}

// minServerSecretLen is the shortest secret the server accepts in production (HS256 wants 256
// bits): see server/config.
const minServerSecretLen = 32

// invalidServerSecrets applies the server's production rules to its secrets before any pod
// sees them: each at least 32 bytes, the refresh secret distinct from the access secret. It
// returns what is wrong, naming the Secret keys but never their values.
func (r *TernantInstanceReconciler) invalidServerSecrets(ctx context.Context, s *state) (string, error) {
	checks := []struct {
		env string
		ref corev1.SecretKeySelector
	}{{"JWT_SECRET", s.secrets.JWT}, {"JWT_REFRESH_SECRET", s.secrets.JWTRefresh}, {"SESSION_SECRET", s.secrets.Session}}
	values := map[string][]byte{}
	var problems []string
	for _, c := range checks {
		v, err := r.secretValue(ctx, s.ti.Namespace, c.ref)
		if err != nil {
			return "", err
		}
		values[c.env] = v
		if len(v) < minServerSecretLen {
			problems = append(problems, fmt.Sprintf("%s (Secret %s key %s) has %d bytes, the server needs at least %d",
				c.env, c.ref.Name, c.ref.Key, len(v), minServerSecretLen))
		}
	}
	if len(problems) == 0 && string(values["JWT_SECRET"]) == string(values["JWT_REFRESH_SECRET"]) {
		problems = append(problems, "JWT_REFRESH_SECRET equals JWT_SECRET: a refresh token could pass as an access token")
	}
	if len(problems) == 0 {
		return "", nil
	}
	return "refusing the server's secrets, the API server is left as it is: " + strings.Join(problems, "; "), nil
}

// ensureGenerated applies a generated Secret holding keys, reusing the values already stored
// (or, the first time, those of the Secret legacy, where an earlier operator version kept them).
func (r *TernantInstanceReconciler) ensureGenerated(ctx context.Context, s *state, name, legacy, component string, keys []string) error {
	live, err := r.generatedSecretData(ctx, s.ti, name)
	if err != nil {
		return err
	}
	if live == nil {
		if len(keys) == 0 {
			return nil
		}
		if live, err = r.legacySecretData(ctx, s.ti, legacy); err != nil {
			return err
		}
	}
	desired, err := generatedSecret(s.ti, name, component, live, keys)
	if err != nil {
		return fmt.Errorf("generate secret %s: %w", name, err)
	}
	_, err = r.apply(ctx, s.ti, desired)
	return err
}

// generatedSecretData reads a generated Secret's data: nil when it does not exist, a
// *NameCollisionError when a Secret of that name belongs to someone else (its values are
// never read).
func (r *TernantInstanceReconciler) generatedSecretData(ctx context.Context, ti *ternantv1.TernantInstance, name string) (map[string][]byte, error) {
	live := &corev1.Secret{}
	switch err := r.Client.Get(ctx, client.ObjectKey{Namespace: ti.Namespace, Name: name}, live); {
	case apierrors.IsNotFound(err):
		// The cache holds only labelled Secrets: a user's Secret of that name is invisible there.
		if err := r.reader().Get(ctx, client.ObjectKey{Namespace: ti.Namespace, Name: name}, live); err == nil {
			if !mayManage(ti, live) {
				return nil, &NameCollisionError{Kind: "Secret", Namespace: ti.Namespace, Name: name}
			}
			return nonNil(live.Data), nil
		} else if !apierrors.IsNotFound(err) {
			return nil, fmt.Errorf("read secret %s: %w", name, err)
		}
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("read secret %s: %w", name, err)
	}
	if !mayManage(ti, live) {
		return nil, &NameCollisionError{Kind: "Secret", Namespace: ti.Namespace, Name: name}
	}
	return nonNil(live.Data), nil
}

// legacySecretData is the data of the Secret an earlier operator version generated under name,
// when the instance controls it; nil otherwise.
func (r *TernantInstanceReconciler) legacySecretData(ctx context.Context, ti *ternantv1.TernantInstance, name string) (map[string][]byte, error) {
	if name == "" {
		return nil, nil
	}
	old := &corev1.Secret{}
	if err := r.Client.Get(ctx, client.ObjectKey{Namespace: ti.Namespace, Name: name}, old); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("read secret %s: %w", name, err)
	}
	if !metav1.IsControlledBy(old, ti) {
		return nil, nil
	}
	return old.Data, nil
}

func nonNil(m map[string][]byte) map[string][]byte {
	if m == nil {
		return map[string][]byte{}
	}
	return m
}

// ensureDatabaseCredentials keeps the managed database's credentials bound to its data. They
// live in two Secrets (<name>-mysql-credentials and -copy): deleting one recreates it from the
// other. With volumeRetention Retain (the default) neither is owned by the instance, so they
// outlive it like the volume does, and an instance of the same name that takes the volume up
// again finds them. New passwords are generated only when no data volume exists; credentials
// lost while the volume exists halt the walk with CredentialsMissing instead of generating a
// password the data directory does not know.
func (r *TernantInstanceReconciler) ensureDatabaseCredentials(ctx context.Context, s *state) error {
	ti := s.ti
	primary, err := r.generatedSecretData(ctx, ti, mysqlSecretName(ti))
	if err != nil {
		return err
	}
	backup, err := r.generatedSecretData(ctx, ti, mysqlSecretCopyName(ti))
	if err != nil {
		return err
	}
	data := primary
	if !hasKeys(data, keyRootPassword, keyPassword) && hasKeys(backup, keyRootPassword, keyPassword) {
		data = backup
	}
	if !hasKeys(data, keyRootPassword, keyPassword) {
		legacy, err := r.legacySecretData(ctx, ti, legacyMySQLSecretName(ti))
		if err != nil {
			return err
		}
		if hasKeys(legacy, keyRootPassword, keyPassword) {
			data = legacy
		}
	}
	if !hasKeys(data, keyRootPassword, keyPassword) {
		claim := &corev1.PersistentVolumeClaim{}
		switch err := r.reader().Get(ctx, client.ObjectKey{Namespace: ti.Namespace, Name: mysqlClaimName(ti)}, claim); {
		case err == nil:
			msg := fmt.Sprintf("the data volume %s exists but the Secrets %s and %s holding its passwords are gone: "+
				"the operator will not generate passwords the data directory does not know. Recreate %s with the keys %s and %s, "+
				"or delete the claim to start with an empty database",
				claim.Name, mysqlSecretName(ti), mysqlSecretCopyName(ti), mysqlSecretName(ti), keyRootPassword, keyPassword)
			setCondition(s, ternantv1.ConditionDatabaseReady, false, ternantv1.ReasonCredentialsMissing, msg)
			r.halt(s, ternantv1.ReasonCredentialsMissing, msg)
			s.requeueAfter(r.Options.SecretRecheck)
			return nil
		case !apierrors.IsNotFound(err):
			return fmt.Errorf("read claim %s: %w", mysqlClaimName(ti), err)
		}
	}
	return r.writeDatabaseCredentials(ctx, ti, data)
}

// writeDatabaseCredentials applies both credential Secrets with data (generating the passwords
// data lacks), owned by the instance only when its volume goes with it.
func (r *TernantInstanceReconciler) writeDatabaseCredentials(ctx context.Context, ti *ternantv1.TernantInstance, data map[string][]byte) error {
	for _, name := range []string{mysqlSecretName(ti), mysqlSecretCopyName(ti)} {
		desired, err := generatedSecret(ti, name, componentDatabase, data, []string{keyRootPassword, keyPassword})
		if err != nil {
			return fmt.Errorf("generate secret %s: %w", name, err)
		}
		data = desired.Data // the copy gets the very values the first Secret got
		if ti.Spec.Database.Managed.VolumeRetention == ternantv1.VolumeDelete {
			_, err = r.apply(ctx, ti, desired)
		} else {
			_, err = r.applyRetained(ctx, ti, desired)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// hasKeys reports whether data holds a non-empty value for every key.
func hasKeys(data map[string][]byte, keys ...string) bool {
	for _, k := range keys {
		if len(data[k]) == 0 {
			return false
		}
	}
	return true
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

// secretValue reads one key of one Secret in namespace: from the cache when the operator
// generated the Secret, else directly from the API server (user Secrets are not cached).
func (r *TernantInstanceReconciler) secretValue(ctx context.Context, namespace string, ref corev1.SecretKeySelector) ([]byte, error) {
	sec := &corev1.Secret{}
	err := r.Client.Get(ctx, client.ObjectKey{Namespace: namespace, Name: ref.Name}, sec)
	if apierrors.IsNotFound(err) {
		err = r.reader().Get(ctx, client.ObjectKey{Namespace: namespace, Name: ref.Name}, sec)
	}
	if err != nil {
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
