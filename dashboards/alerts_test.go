package dashboards_test

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

const runbookBase = "https://github.com/ternant/ternant/blob/main/docs/runbooks.md#"

// TestAlertRules checks the rule set the operator ships: the seed's alerts are all there, each
// with a severity, a summary, a description and a runbook link to an existing section.
func TestAlertRules(t *testing.T) {
	_, groups := alertQueries(t)
	runbooks, err := os.ReadFile("../docs/runbooks.md")
	if err != nil {
		t.Fatal(err)
	}
	anchors := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^## (\S+)\s*$`).FindAllStringSubmatch(string(runbooks), -1) {
		anchors[strings.ToLower(m[1])] = true
	}

	required := map[string]string{
		"TernantInstanceDown":     "instance down",
		"TernantHighErrorRate":    "5xx ratio > 1 %",
		"TernantHighLatencyP95":   "p95 > 500 ms",
		"TernantHighLatencyP99":   "p99 > 1 s",
		"TernantDBPoolSaturated":  "DB pool > 80 % of max",
		"TernantSlowQueries":      "DB query p95 > 100 ms",
		"TernantLowCacheHitRatio": "cache hit ratio < 50 %",
		"TernantAuthFailureSpike": "auth-failure spike",
	}
	thresholds := map[string]string{
		"TernantHighErrorRate": "> 0.01", "TernantHighLatencyP95": "> 0.5", "TernantHighLatencyP99": "> 1",
		"TernantDBPoolSaturated": "> 0.8", "TernantSlowQueries": "> 0.1", "TernantLowCacheHitRatio": "< 0.5",
	}
	seen := map[string]bool{}
	for _, g := range groups.Groups {
		for _, r := range g.Rules {
			if r.Alert == "" {
				t.Errorf("group %s: a recording rule (%s) in the alert file", g.Name, r.Record)
				continue
			}
			seen[r.Alert] = true
			switch r.Labels["severity"] {
			case "critical", "warning", "info":
			default:
				t.Errorf("%s: severity %q, want critical, warning or info", r.Alert, r.Labels["severity"])
			}
			for _, a := range []string{"summary", "description", "runbook_url"} {
				if strings.TrimSpace(r.Annotations[a]) == "" {
					t.Errorf("%s: no %s annotation", r.Alert, a)
				}
			}
			anchor, ok := strings.CutPrefix(r.Annotations["runbook_url"], runbookBase)
			if !ok || !anchors[anchor] {
				t.Errorf("%s: runbook_url %q is not a section of docs/runbooks.md", r.Alert, r.Annotations["runbook_url"])
			}
			if th, ok := thresholds[r.Alert]; ok && !strings.Contains(r.Expr, th) {
				t.Errorf("%s: expression lost its threshold %q: %s", r.Alert, th, r.Expr)
			}
			if !strings.Contains(r.Expr, "ternant_build_info") {
				t.Errorf("%s: expression is not limited to Ternant targets (ternant_build_info): %s", r.Alert, r.Expr)
			}
		}
	}
	for name, what := range required {
		if !seen[name] {
			t.Errorf("alert %s (%s) missing", name, what)
		}
	}
}
