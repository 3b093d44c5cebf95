package app

import (
	"fmt"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/version"
	"github.com/prometheus/exporter-toolkit/web"

	"github.com/migration-exporter/migration_exporter/collector"
)

// site is what the HTTP surface serves.
type site struct {
	telemetryPath string
	// exporterPath serves the exporter's own metrics (longLived and the
	// accounts) without polling any task.
	exporterPath string
	exporter     *collector.Exporter
	// longLived are registered with every /metrics and exporterPath
	// answer: the exporter's own counters, build info, Go and process
	// metrics, reload state.
	longLived []prometheus.Collector
	// enableLifecycle lets POST /-/reload reload (--web.enable-lifecycle);
	// without it /-/reload is a 403, as in Prometheus.
	enableLifecycle bool
	// reloads takes a reply channel for each /-/reload request.
	reloads chan<- chan error
	// simulated says the exporter polls the embedded simulated cloud.
	simulated bool
	// handlerMetrics count the telemetryPath answers; their collectors are
	// among longLived.
	handlerMetrics handlerMetrics
	// maxRequests limits the telemetryPath answers in progress, and the
	// /probe ones apart (--web.max-requests; 0 is no limit).
	maxRequests int
	// wrapLimited, when not nil, wraps those two handlers inside their
	// limit (Options.WrapLimited).
	wrapLimited func(http.Handler) http.Handler
}

// limit bounds the answers of h in progress to s.maxRequests: a limit of
// its own for each handler, so that a flood of probes cannot turn
// Prometheus' /metrics scrapes away, nor the other way round.
func (s site) limit(h http.Handler) http.Handler {
	if s.wrapLimited != nil {
		h = s.wrapLimited(h)
	}
	return limitInFlight(s.maxRequests, h)
}

// routes is the HTTP surface: metrics, probe, service discovery, landing
// page, health, readiness and reload.
func routes(s site) (*http.ServeMux, error) {
	mux := http.NewServeMux()
	// Instrumented outside the limit: the 503s are counted too.
	mux.Handle(s.telemetryPath, s.handlerMetrics.instrument(s.limit(s.exporter.MetricsHandler(s.longLived...))))
	mux.Handle(s.exporterPath, s.exporter.ExporterMetricsHandler(s.longLived...))
	mux.Handle("/probe", s.limit(s.exporter.ProbeHandler()))
	mux.Handle("/sd", s.exporter.SDHandler())
	mux.HandleFunc("/-/healthy", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "Healthy")
	})
	// The config is loaded before the server starts, so once it answers it
	// is ready.
	mux.HandleFunc("/-/ready", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "Ready")
	})
	mux.HandleFunc("/-/reload", func(w http.ResponseWriter, r *http.Request) {
		if !s.enableLifecycle {
			// Prometheus' answer, naming the flag: anyone who reaches the
			// port could otherwise make the exporter reload at will.
			http.Error(w, lifecycleDisabled, http.StatusForbidden)
			return
		}
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "reload needs POST", http.StatusMethodNotAllowed)
			return
		}
		reply := make(chan error, 1)
		select {
		case s.reloads <- reply:
		case <-r.Context().Done():
			return
		}
		if err := <-reply; err != nil {
			http.Error(w, "reload failed, the previous config stays in use:\n"+err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprintln(w, "Config reloaded")
	})
	if s.telemetryPath == "/" {
		return mux, nil
	}
	landing, err := newStatusPage(s.landingConfig(), s.exporter)
	if err != nil {
		return nil, err
	}
	mux.Handle("/", landing)
	return mux, nil
}

// lifecycleDisabled answers /-/reload without --web.enable-lifecycle.
const lifecycleDisabled = "Lifecycle API is not enabled: start the exporter with --web.enable-lifecycle to reload by POST /-/reload (SIGHUP reloads either way)."

func (s site) landingConfig() web.LandingConfig {
	c := web.LandingConfig{
		Name:        "Migration Exporter",
		Description: "Prometheus exporter for Huawei Cloud migration tasks (DCS online migration, SMS server migration, DRS database migration and synchronization, OMS object storage migration, CDM data migration jobs)",
		Version:     version.Info(),
		// No pprof links: the exporter does not serve /debug/pprof.
		Profiling: "false",
		Links: []web.LandingLinks{
			{Address: s.telemetryPath, Text: "Metrics", Description: "every task, polled on each scrape"},
			{Address: s.exporterPath, Text: "Exporter metrics", Description: "the exporter's own metrics only, no task polled (health job of probe-only replicas)"},
			{Address: "/sd", Text: "Service discovery", Description: "every task as a /probe target (Prometheus http_sd_configs)"},
			{Address: "/-/healthy", Text: "Health"},
			{Address: "/-/ready", Text: "Readiness"},
		},
	}
	if s.simulated {
		c.Description += ": SIMULATED"
		c.ExtraHTML = `<p><strong>Simulated cloud.</strong> This exporter was started with <code>--simulate</code>: ` +
			`it polls an embedded fake of the DCS, SMS, DRS, OMS and CDM APIs on 127.0.0.1, not Huawei Cloud. ` +
			`The tasks move with time; the SMS tasks, DRS jobs, OMS tasks and CDM jobs are found by discovery; one DCS task, one DRS job and one CDM job ` +
			`are deleted on purpose, so their <code>*_migration_up</code> is 0.</p>`
	}
	return c
}
