package controllers

import (
	"crypto/rand"
	"encoding/base64"
	"maps"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

// Keys of the generated Secrets.
const (
	keyJWTSecret        = "jwt-secret"
	keyJWTRefreshSecret = "jwt-refresh-secret"
	keySessionSecret    = "session-secret"
	keyMetricsToken     = "metrics-token"
	keyRootPassword     = "root-password"
	keyPassword         = "password"
	keyUsername         = "username"
)

// secretRefs are the Secret keys the server reads its secrets from: the user's when the spec
// names them, the generated ones otherwise.
type secretRefs struct {
	JWT, JWTRefresh, Session, MetricsToken corev1.SecretKeySelector
	// userSupplied lists the references the user gave, which must exist before the server starts.
	userSupplied []corev1.SecretKeySelector
}

// resolveSecretRefs picks each server secret's source and lists the generated keys needed.
func resolveSecretRefs(ti *ternantv1.TernantInstance) (secretRefs, []string) {
	var refs secretRefs
	var generate []string
	pick := func(user *corev1.SecretKeySelector, key string) corev1.SecretKeySelector {
		if user != nil {
			refs.userSupplied = append(refs.userSupplied, *user)
			return *user
		}
		generate = append(generate, key)
		return selector(secretsName(ti), key)
	}
	refs.JWT = pick(ti.Spec.JWTSecretRef, keyJWTSecret)
	refs.JWTRefresh = pick(ti.Spec.JWTRefreshSecretRef, keyJWTRefreshSecret)
	refs.Session = pick(ti.Spec.SessionSecretRef, keySessionSecret)
	refs.MetricsToken = pick(ti.Spec.MetricsTokenSecretRef, keyMetricsToken)
	return refs, generate
}

// selector names one key of one Secret.
func selector(name, key string) corev1.SecretKeySelector {
	return corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: name}, Key: key}
}

// generatedSecret builds a Secret holding random values for keys, keeping every value existing
// already has: generated secrets are created once and never rotated by a reconcile (deleting
// the Secret, or one key, is how an administrator rotates).
func generatedSecret(ti *ternantv1.TernantInstance, name, component string, existing map[string][]byte, keys []string) (*corev1.Secret, error) {
	data := maps.Clone(existing)
	if data == nil {
		data = map[string][]byte{}
	}
	for _, k := range keys {
		if len(data[k]) > 0 {
			continue
		}
		v, err := randomSecret()
		if err != nil {
			return nil, err
		}
		data[k] = []byte(v)
	}
	return &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ti.Namespace, Labels: objectLabels(ti, component)},
		Type:       corev1.SecretTypeOpaque,
		Data:       data,
	}, nil
}

// randomSecret is 48 random bytes, URL-safe base64: 64 characters, well over the 32 bytes the
// server requires and free of characters that need quoting in a DSN or URL.
func randomSecret() (string, error) {
	b := make([]byte, 48)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
