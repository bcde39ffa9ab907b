package dashboards_test

import (
	"bytes"
	"io/fs"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/ternant/ternant/dashboards"
	"github.com/ternant/ternant/server/config"
	"github.com/ternant/ternant/server/servertest"
)

// metricSources names, for every metric a dashboard or alert may use, the code that exports it.
// A query naming a metric missing here fails the test; so does a metric listed here that a
// running server does not export (except Prometheus' own `up`).
var metricSources = map[string]string{
	"http_requests_total":                             "server/platform/metrics (HTTP middleware)",
	"http_request_duration_seconds":                   "server/platform/metrics (HTTP middleware)",
	"http_requests_in_flight":                         "server/platform/metrics (HTTP middleware)",
	"db_queries_total":                                "server/platform/metrics (db.Options.OnQuery)",
	"db_query_duration_seconds":                       "server/platform/metrics (db.Options.OnQuery)",
	"db_query_errors_total":                           "server/platform/metrics (db.Options.OnQuery)",
	"db_connections_active":                           "server/platform/metrics (pool collector)",
	"db_connections_idle":                             "server/platform/metrics (pool collector)",
	"db_connections_max":                              "server/platform/metrics (pool collector)",
	"db_connections_wait_total":                       "server/platform/metrics (pool collector)",
	"db_connections_wait_seconds_total":               "server/platform/metrics (pool collector)",
	"cache_hits_total":                                "server/platform/metrics, recorded by server/platform/cache",
	"cache_misses_total":                              "server/platform/metrics, recorded by server/platform/cache",
	"cache_loads_total":                               "server/platform/metrics, recorded by server/platform/cache",
	"cache_errors_total":                              "server/platform/metrics, recorded by server/platform/cache",
	"active_tenants_total":                            "server/platform/metrics (business collector)",
	"active_occupancies_total":                        "server/platform/metrics (business collector)",
	"total_revenue":                                   "server/platform/metrics (business collector)",
	"ternant_build_info":                              "server/platform/metrics (build info)",
	"auth_attempts_total":                             "server/auth",
	"auth_success_total":                              "server/auth",
	"auth_failures_total":                             "server/auth",
	"go_goroutines":                                   "client_golang Go collector",
	"go_memstats_heap_alloc_bytes":                    "client_golang Go collector",
	"go_gc_duration_seconds":                          "client_golang Go collector",
	"process_resident_memory_bytes":                   "client_golang process collector",
	"process_cpu_seconds_total":                       "client_golang process collector",
	"up":                                              prometheusItself,
	"business_metrics_last_refresh_timestamp_seconds": "server/platform/metrics (business collector)",
}

// prometheusItself marks series Prometheus makes for each target rather than scraping them.
const prometheusItself = "Prometheus (per scrape target)"

// grafanaVars replaces Grafana's template variables with values PromQL accepts.
var grafanaVars = regexp.MustCompile(`\$\{?(\w+)(?::\w+)?\}?`)

func substitute(expr string) string {
	return grafanaVars.ReplaceAllStringFunc(expr, func(v string) string {
		name := strings.Trim(v, "${}")
		switch {
		case strings.HasPrefix(name, "__rate_interval"), strings.HasPrefix(name, "__interval"), strings.HasPrefix(name, "__range"):
			return "5m"
		}
		return "x"
	})
}

// labelValues matches Grafana's label_values(selector, label) variable query.
var labelValues = regexp.MustCompile(`^label_values\((.+),\s*(\w+)\)$`)

// query is one PromQL expression and where it came from.
type query struct{ where, expr string }

// dashboardQueries returns every expression of every dashboard: panel targets and variables.
func dashboardQueries(t *testing.T) []query {
	t.Helper()
	files, err := fs.Glob(dashboards.FS, "*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no dashboards embedded (%v)", err)
	}
	var out []query
	for _, f := range files {
		d := readDashboard(t, f)
		for _, p := range d.Panels {
			for _, tg := range p.Targets {
				out = append(out, query{f + ": " + p.Title + " " + tg.RefID, tg.Expr})
			}
		}
		for _, v := range d.Templating.List {
			if v.Type != "query" {
				continue
			}
			m := labelValues.FindStringSubmatch(v.Definition)
			if m == nil {
				t.Errorf("%s: variable %s: query %q is not label_values(selector, label)", f, v.Name, v.Definition)
				continue
			}
			out = append(out, query{f + ": variable " + v.Name, m[1]})
		}
	}
	return out
}

// alertQueries returns every alert expression, after Prometheus' own rule-file validation (which
// also checks the annotation templates).
func alertQueries(t *testing.T) ([]query, *rulefmt.RuleGroups) {
	t.Helper()
	raw, err := fs.ReadFile(dashboards.FS, dashboards.AlertsFile)
	if err != nil {
		t.Fatal(err)
	}
	groups, errs := rulefmt.Parse(raw, false, model.UTF8Validation, parser.NewParser(parser.Options{}), slog.Default())
	for _, err := range errs {
		t.Errorf("%s: %v", dashboards.AlertsFile, err)
	}
	if groups == nil {
		t.FailNow()
	}
	var out []query
	for _, g := range groups.Groups {
		for _, r := range g.Rules {
			out = append(out, query{dashboards.AlertsFile + ": " + r.Alert, r.Expr})
		}
	}
	return out, groups
}

// metricNames parses expr and returns the metric names it selects.
func metricNames(t *testing.T, q query) []string {
	t.Helper()
	expr, err := parser.NewParser(parser.Options{}).ParseExpr(substitute(q.expr))
	if err != nil {
		t.Errorf("%s: PromQL does not parse: %v\n%s", q.where, err, q.expr)
		return nil
	}
	var names []string
	parser.Inspect(expr, func(n parser.Node, _ []parser.Node) error {
		if vs, ok := n.(*parser.VectorSelector); ok {
			name := vs.Name
			for _, m := range vs.LabelMatchers {
				if m.Name == model.MetricNameLabel {
					name = m.Value
				}
			}
			if name == "" {
				t.Errorf("%s: selector %s names no metric", q.where, vs)
			}
			names = append(names, name)
		}
		return nil
	})
	return names
}

// family maps a sample name to its metric family (histogram series carry suffixes).
func family(name string, exported map[string]bool) string {
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		if base, ok := strings.CutSuffix(name, suffix); ok && exported[base] {
			return base
		}
	}
	return name
}

func TestEveryQueryParsesAndNamesAnExportedMetric(t *testing.T) {
	exported := scrapeRunningServer(t)
	known := map[string]bool{}
	for n := range metricSources {
		known[n] = true
	}
	qs := dashboardQueries(t)
	aq, _ := alertQueries(t)
	qs = append(qs, aq...)
	if len(qs) < 40 {
		t.Errorf("only %d queries found; the dashboards or alerts lost their panels", len(qs))
	}
	used := map[string]bool{}
	for _, q := range qs {
		for _, n := range metricNames(t, q) {
			f := family(n, known)
			used[f] = true
			src, ok := metricSources[f]
			switch {
			case !ok:
				t.Errorf("%s: metric %s has no entry in metricSources", q.where, n)
			case src == prometheusItself:
			case !exported[f]:
				t.Errorf("%s: metric %s (from %s) is not exported by a running server", q.where, n, src)
			}
		}
	}
	for n := range metricSources {
		if src := metricSources[n]; src != prometheusItself && !exported[n] {
			t.Errorf("metricSources lists %s (from %s) but the server does not export it", n, src)
		}
	}
	for _, want := range []string{"http_requests_total", "http_request_duration_seconds", "db_connections_active",
		"db_query_duration_seconds", "auth_success_total", "auth_failures_total", "cache_hits_total",
		"go_memstats_heap_alloc_bytes", "go_goroutines", "active_tenants_total", "active_occupancies_total", "total_revenue"} {
		if !used[want] {
			t.Errorf("no dashboard or alert uses %s", want)
		}
	}
}

// scrapeRunningServer starts a server, gives it some traffic (a company with a login, a stats
// read, an unknown route, a failed login), waits for the business collector, and returns the
// metric families /metrics exports, parsed with the Prometheus text parser.
func scrapeRunningServer(t *testing.T) map[string]bool {
	t.Helper()
	inst := servertest.Start(t, func(c *config.Config) { c.MetricsRefresh = 100 * time.Millisecond })
	token, companyID := inst.RegisterCompany(t, "scrape-co")
	inst.Get(t, "/api/v1/dashboard/stats", token)
	inst.Get(t, "/api/v1/no/such/route", "")
	inst.Do(t, servertest.Request{Method: http.MethodPost, Path: "/api/v1/auth/login",
		Body: map[string]string{"email": servertest.OwnerEmail("scrape-co"), "password": "Wrong-password-1!"}})

	deadline := time.Now().Add(10 * time.Second)
	for {
		resp := inst.Get(t, "/metrics", "")
		if resp.Status != http.StatusOK {
			t.Fatalf("GET /metrics = %d", resp.Status)
		}
		p := expfmt.NewTextParser(model.UTF8Validation)
		families, err := p.TextToMetricFamilies(bytes.NewReader(resp.Body))
		if err != nil {
			t.Fatalf("/metrics is not the Prometheus text format: %v", err)
		}
		if hasCompany(families["active_tenants_total"], companyID) {
			out := map[string]bool{}
			for n := range families {
				out[n] = true
			}
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("the business collector never exported company %s", companyID)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func hasCompany(f *dto.MetricFamily, companyID string) bool {
	for _, m := range f.GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "company_id" && l.GetValue() == companyID {
				return true
			}
		}
	}
	return false
}
