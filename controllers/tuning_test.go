package controllers

import (
	"fmt"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

// TestTuningRollsPods changes pool and throttle settings: the ConfigMap takes the new value
// and the pod-template hash changes, so the pods roll.
func TestTuningRollsPods(t *testing.T) {
	h := requireEnvtest(t)
	ns := newNamespace(t, h)
	const name = "tuning"
	createInstance(t, h, ns, name, nil)
	bringUp(t, h, ns, name)

	cases := []struct {
		name   string
		mutate func(*ternantv1.TernantInstance)
		key    string
		want   string
	}{
		{"throttle.limit", func(ti *ternantv1.TernantInstance) { ti.Spec.Throttle.Limit = 250 }, "THROTTLE_LIMIT", "250"},
		{"pool.size number", func(ti *ternantv1.TernantInstance) { ti.Spec.Pool.Size = ptr.To(intstr.FromInt32(17)) }, "DB_POOL_SIZE", "17"},
		{"pool.size auto with more replicas", func(ti *ternantv1.TernantInstance) {
			ti.Spec.Pool.Size = ptr.To(intstr.FromString("auto"))
			ti.Spec.Replicas = 4
		}, "DB_POOL_SIZE", "40"},
		{"throttle.loginLimit", func(ti *ternantv1.TernantInstance) { ti.Spec.Throttle.LoginLimit = 9 }, "THROTTLE_LOGIN_LIMIT", "9"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := podHash(t, h, ns, name)
			updateInstance(t, h, ns, name, tc.mutate)
			eventually(t, tc.key+" in the ConfigMap", func() error {
				cm := &corev1.ConfigMap{}
				if err := get(h, ns, name+"-config", cm); err != nil {
					return err
				}
				if cm.Data[tc.key] != tc.want {
					return fmt.Errorf("%s = %q, want %q", tc.key, cm.Data[tc.key], tc.want)
				}
				return nil
			})
			eventually(t, "pod-template hash changes", func() error {
				if after := podHash(t, h, ns, name); after == before {
					return fmt.Errorf("hash still %s", after)
				}
				return nil
			})
		})
	}
}

func podHash(t *testing.T, h *harness, ns, name string) string {
	t.Helper()
	dep := &appsv1.Deployment{}
	if err := get(h, ns, name, dep); err != nil {
		t.Fatal(err)
	}
	return dep.Spec.Template.Annotations[annotationConfigHash]
}
