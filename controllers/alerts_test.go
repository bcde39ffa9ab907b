package controllers

import (
	"log/slog"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
)

// operatorAlertsFile holds the operator's alert rules (the chart's PrometheusRule).
const operatorAlertsFile = "../config/prometheus/operator-alerts.yaml"

// TestOperatorAlertRules parses the operator's alert rules as Prometheus would (promtool's
// parser): every rule has a severity, summary, description and a runbook link to a section of
// docs/runbooks.md, every metric it selects is one this package exports (or
// controller-runtime's), and the required alerts are all there.
func TestOperatorAlertRules(t *testing.T) {
	raw, err := os.ReadFile(operatorAlertsFile)
	if err != nil {
		t.Fatal(err)
	}
	groups, errs := rulefmt.Parse(raw, false, model.UTF8Validation, parser.NewParser(parser.Options{}), slog.Default())
	for _, err := range errs {
		t.Errorf("%s: %v", operatorAlertsFile, err)
	}
	if groups == nil {
		t.FailNow()
	}
	runbooks, err := os.ReadFile("../docs/runbooks.md")
	if err != nil {
		t.Fatal(err)
	}
	anchors := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^## (\S+)\s*$`).FindAllStringSubmatch(string(runbooks), -1) {
		anchors[strings.ToLower(m[1])] = true
	}
	exported := map[string]prometheus.Collector{
		"ternant_operator_reconcile_steps_total":                 reconcileSteps,
		"ternant_operator_migration_duration_seconds":            migrationDuration,
		"ternant_operator_backup_last_success_timestamp_seconds": backupLastSuccess,
		"ternant_operator_backup_duration_seconds":               backupDuration,
		"ternant_operator_backup_size_bytes":                     backupSize,
		"ternant_operator_instance_condition":                    instanceCondition,
	}
	for name, c := range exported {
		ch := make(chan *prometheus.Desc, 1)
		c.Describe(ch)
		if d := <-ch; !strings.Contains(d.String(), `"`+name+`"`) {
			t.Errorf("collector for %s describes %s", name, d)
		}
	}
	required := []string{"TernantMySQLUnavailable", "TernantRedisUnavailable", "TernantMigrationFailed",
		"TernantRolloutBlocked", "TernantBackupStale", "TernantOperatorReconcileErrors"}
	seen := map[string]bool{}
	const base = "https://github.com/ternant/ternant/blob/main/docs/runbooks.md#"
	for _, g := range groups.Groups {
		for _, r := range g.Rules {
			seen[r.Alert] = true
			switch r.Labels["severity"] {
			case "critical", "warning", "info":
			default:
				t.Errorf("%s: severity %q", r.Alert, r.Labels["severity"])
			}
			for _, a := range []string{"summary", "description", "runbook_url"} {
				if strings.TrimSpace(r.Annotations[a]) == "" {
					t.Errorf("%s: no %s annotation", r.Alert, a)
				}
			}
			if anchor, ok := strings.CutPrefix(r.Annotations["runbook_url"], base); !ok || !anchors[anchor] {
				t.Errorf("%s: runbook_url %q is not a section of docs/runbooks.md", r.Alert, r.Annotations["runbook_url"])
			}
			expr, err := parser.NewParser(parser.Options{}).ParseExpr(r.Expr)
			if err != nil {
				t.Errorf("%s: %v", r.Alert, err)
				continue
			}
			for _, vs := range parser.ExtractSelectors(expr) {
				for _, m := range vs {
					if m.Name != model.MetricNameLabel {
						continue
					}
					if _, ok := exported[m.Value]; !ok && !strings.HasPrefix(m.Value, "controller_runtime_") {
						t.Errorf("%s selects %s, which the operator does not export", r.Alert, m.Value)
					}
				}
			}
		}
	}
	for _, name := range required {
		if !seen[name] {
			t.Errorf("alert %s missing", name)
		}
	}
}
