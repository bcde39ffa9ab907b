package controllers

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

// serverService is the ClusterIP Service in front of the API server pods; its port is named
// http so the ServiceMonitor and the Ingress can refer to it.
func serverService(ti *ternantv1.TernantInstance) *corev1.Service {
	return componentService(ti, serverName(ti), componentServer, "http", serverPort)
}

// componentService is a ClusterIP Service for one component's pods, with one TCP port whose
// target is the container port of the same name.
func componentService(ti *ternantv1.TernantInstance, name, component, portName string, port int32) *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ti.Namespace, Labels: objectLabels(ti, component)},
		Spec: corev1.ServiceSpec{
			Type:     corev1.ServiceTypeClusterIP,
			Selector: selectorLabels(ti, component),
			Ports: []corev1.ServicePort{{
				Name: portName, Port: port, TargetPort: intstr.FromString(portName), Protocol: corev1.ProtocolTCP,
			}},
		},
	}
}

// serverIngress routes spec.ingress.host to the Service, with TLS when a secret is named.
func serverIngress(ti *ternantv1.TernantInstance) *networkingv1.Ingress {
	in := ti.Spec.Ingress
	pathType := networkingv1.PathTypePrefix
	ing := &networkingv1.Ingress{
		ObjectMeta: metav1.ObjectMeta{
			Name: serverName(ti), Namespace: ti.Namespace, Labels: objectLabels(ti, componentServer), Annotations: in.Annotations,
		},
		Spec: networkingv1.IngressSpec{
			IngressClassName: in.ClassName,
			Rules: []networkingv1.IngressRule{{
				Host: in.Host,
				IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{
					Paths: []networkingv1.HTTPIngressPath{{
						Path: "/", PathType: &pathType,
						Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{
							Name: serverName(ti), Port: networkingv1.ServiceBackendPort{Name: "http"},
						}},
					}},
				}},
			}},
		},
	}
	if in.TLSSecretName != "" {
		ing.Spec.TLS = []networkingv1.IngressTLS{{Hosts: []string{in.Host}, SecretName: in.TLSSecretName}}
	}
	return ing
}

// endpoint is the API's URL: the Ingress host when there is one, else the Service's DNS name.
func endpoint(ti *ternantv1.TernantInstance) string {
	if in := ti.Spec.Ingress; in != nil {
		if in.TLSSecretName != "" {
			return "https://" + in.Host
		}
		return "http://" + in.Host
	}
	return fmt.Sprintf("http://%s.%s.svc:%d", serverName(ti), ti.Namespace, serverPort)
}
