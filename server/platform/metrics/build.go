package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"github.com/ternant/ternant/version"
)

// buildInfo is always 1; its labels name the build. Dashboards and alert rules select Ternant's
// scrape targets by its presence, because names such as http_requests_total are shared with
// every other application in a cluster.
var buildInfo = promauto.NewGaugeVec(prometheus.GaugeOpts{
	Name: "ternant_build_info",
	Help: "Always 1; labelled with the running Ternant build's version and commit.",
}, []string{"version", "commit"})

func init() {
	buildInfo.WithLabelValues(version.Version, version.Commit).Set(1)
}
