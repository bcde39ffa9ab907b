// Package kind is the full end-to-end test on a kind cluster (build tag kind, make kind-e2e): the
// chart installs the operator from the image docker-build made, a TernantInstance comes up Ready,
// the API answers through a port-forward, and k6 runs test/load/k6.js in the cluster. Without the
// tag, the tests here check the manifests it uses and that it still compiles.
package kind

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"

	"github.com/ternant/ternant/internal/testk8s"
)

// Files the end-to-end test uses, relative to this package.
const (
	clusterConfigFile = "kind-config.yaml"
	k6JobFile         = "k6-job.yaml"
	k6Script          = "../load/k6.js"
	k6SteadyScript    = "k6-steady.js"
	sampleFile        = "../../config/samples/ternant_v1alpha1_ternantinstance_minimal.yaml"
	chartDir          = "../../charts/ternant-operator"
	monitoringCRDs    = "../../controllers/testdata/crds"
)

// k6ConfigMapName and k6ScriptKey are where the k6 Job finds its script.
const (
	k6ConfigMapName = "k6-script"
	k6ScriptKey     = "k6.js"
	k6SteadyKey     = "k6-steady.js"
)

// clusterConfig reads the kind cluster configuration strictly into kind's own v1alpha4 type.
func clusterConfig() (*v1alpha4.Cluster, error) {
	raw, err := os.ReadFile(clusterConfigFile)
	if err != nil {
		return nil, err
	}
	c := &v1alpha4.Cluster{}
	if err := testk8s.StrictInto(raw, c); err != nil {
		return nil, fmt.Errorf("%s: %w", clusterConfigFile, err)
	}
	return c, nil
}

// k6Job reads the k6 Job strictly into batch/v1 Job, in namespace.
func k6Job(namespace string) (*batchv1.Job, error) {
	raw, err := os.ReadFile(k6JobFile)
	if err != nil {
		return nil, err
	}
	j := &batchv1.Job{}
	if err := testk8s.StrictInto(raw, j); err != nil {
		return nil, fmt.Errorf("%s: %w", k6JobFile, err)
	}
	j.Namespace = namespace
	return j, nil
}

// k6ConfigMap holds test/load/k6.js for the k6 Job, as
// `kubectl create configmap k6-script --from-file=k6.js=test/load/k6.js` makes it, and the steady
// load script of the disruption steps (k6-steady.js).
func k6ConfigMap(namespace string) (*corev1.ConfigMap, error) {
	script, err := os.ReadFile(k6Script)
	if err != nil {
		return nil, err
	}
	steady, err := os.ReadFile(k6SteadyScript)
	if err != nil {
		return nil, err
	}
	return &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Name: k6ConfigMapName, Namespace: namespace},
		Data:       map[string]string{k6ScriptKey: string(script), k6SteadyKey: string(steady)},
	}, nil
}

// k6SteadyJob is the k6 Job of k6-job.yaml running k6-steady.js instead: a constant request rate
// for duration, failing when more than maxFailed of the requests fail (0: when any fails).
//
//nolint:unused // used by the kind-tagged tests
func k6SteadyJob(namespace, name string, duration time.Duration, maxFailed float64) (*batchv1.Job, error) {
	j, err := k6Job(namespace)
	if err != nil {
		return nil, err
	}
	j.Name = name
	c := &j.Spec.Template.Spec.Containers[0]
	c.Args = []string{"run", "--no-color", path.Join("/scripts", k6SteadyKey)}
	for i := range c.Env {
		if c.Env[i].Name == "SHORT" {
			c.Env = append(c.Env[:i], c.Env[i+1:]...)
			break
		}
	}
	c.Env = append(c.Env,
		corev1.EnvVar{Name: "DURATION", Value: fmt.Sprintf("%ds", int(duration.Seconds()))},
		corev1.EnvVar{Name: "MAX_FAILED", Value: strconv.FormatFloat(maxFailed, 'f', -1, 64)})
	return j, nil
}

// sampleInstance is the TernantInstance the end-to-end test creates: the minimal sample.
func sampleInstance(namespace string) (*unstructured.Unstructured, error) {
	objs, err := testk8s.DecodeFile(sampleFile)
	if err != nil {
		return nil, err
	}
	if len(objs) != 1 || objs[0].GetKind() != "TernantInstance" {
		return nil, fmt.Errorf("%s: want one TernantInstance", filepath.Base(sampleFile))
	}
	objs[0].SetNamespace(namespace)
	return objs[0], nil
}
