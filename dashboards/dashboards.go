// Package dashboards embeds Ternant's monitoring artefacts: Grafana dashboards (*.json, importable
// into Grafana 10+ unchanged) and the Prometheus alert rules (alerts.yaml, the spec of a
// PrometheusRule). The operator ships both; the tests check every PromQL expression in them.
package dashboards

import "embed"

// FS holds the dashboards and alerts.yaml.
//
//go:embed *.json alerts.yaml
var FS embed.FS

// AlertsFile is the name of the alert rules file in FS.
const AlertsFile = "alerts.yaml"
