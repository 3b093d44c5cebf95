package app

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/common/version"
	"github.com/prometheus/exporter-toolkit/web"
	"github.com/prometheus/exporter-toolkit/web/kingpinflag"

	"github.com/migration-exporter/migration_exporter/collector"
	"github.com/migration-exporter/migration_exporter/logging"
)

// The addresses the exporter listens on when --web.listen-address is not
// given: every interface, or only the loopback one with --simulate.
const (
	defaultListenAddress  = ":9863"
	simulateListenAddress = "127.0.0.1:9863"
)

// flags are the command line.
type flags struct {
	configFile    string
	telemetryPath string
	// exporterPath serves only the exporter's own metrics, polling no task.
	exporterPath    string
	enableLifecycle bool
	// maxRequests limits the /metrics answers in progress, and the /probe
	// ones apart; 0 is no limit.
	maxRequests   int
	scrapeTimeout time.Duration
	concurrency   int
	logLevel      string
	logFormat     string
	simulate      bool
	probeShare    float64
	probeKnown    bool
	web           *web.FlagConfig
}

// errExited means --help or --version printed what was asked.
var errExited = errors.New("exited")

// versionText is what --version prints (version.Print's lines) and, for
// --help-man, the version alone: kingpin writes the application's version
// into the man page's one-line .TH header.
func versionText(args []string) string {
	if slices.Contains(args, "--help-man") {
		return version.Version
	}
	return version.Print(name)
}

func parseFlags(args []string, stdout, stderr io.Writer) (*flags, error) {
	app := kingpin.New(name, "Prometheus exporter for Huawei Cloud migration tasks (DCS online migration, SMS server migration, DRS database migration and synchronization, OMS object storage migration, CDM data migration jobs).")
	app.UsageWriter(stdout)
	app.ErrorWriter(stderr)
	exited := false
	app.Terminate(func(int) { exited = true })
	app.Version(versionText(args))
	app.HelpFlag.Short('h')
	f := &flags{}
	app.Flag("config.file", "Path to the YAML configuration file.").Default(name + ".yml").StringVar(&f.configFile)
	app.Flag("web.telemetry-path", "Path under which to expose metrics (polls every task on each scrape).").Default("/metrics").StringVar(&f.telemetryPath)
	app.Flag("web.exporter-telemetry-path", "Path under which to expose only the exporter's own metrics (API requests, errors, build info, Go and process), polling no task: for the health job of probe-only replicas.").
		Default("/exporter-metrics").StringVar(&f.exporterPath)
	app.Flag("web.enable-lifecycle", "Enable reloading the config by HTTP request (POST /-/reload); without it /-/reload answers 403. SIGHUP reloads either way.").
		BoolVar(&f.enableLifecycle)
	app.Flag("web.max-requests", "Maximum number of parallel scrape requests, for /metrics and for /probe each; more are answered 503. Use 0 to disable.").
		Default("40").IntVar(&f.maxRequests)
	app.Flag("scrape.timeout", "How long a scrape may poll the APIs when Prometheus sends no X-Prometheus-Scrape-Timeout-Seconds header.").
		Default(collector.DefaultScrapeTimeout.String()).DurationVar(&f.scrapeTimeout)
	app.Flag("api.concurrency", "Maximum API requests in flight during one scrape.").Default("16").IntVar(&f.concurrency)
	app.Flag("log.level", "Only log messages with the given severity or above: "+fmt.Sprint(logging.Levels)).
		Default("info").EnumVar(&f.logLevel, logging.Levels...)
	app.Flag("log.format", "Output format of log messages: "+fmt.Sprint(logging.Formats)).
		Default("logfmt").EnumVar(&f.logFormat, logging.Formats...)
	app.Flag("probe.api-share", "Share (0 to 1] of each account's requests_per_second and of --api.concurrency that /probe requests may use together, so that a flood of probes cannot starve /metrics (1 on probe-only replicas).").
		Default(fmt.Sprint(collector.DefaultProbeShare)).Float64Var(&f.probeShare)
	app.Flag("probe.known-tasks-only", "Answer /probe only for tasks that are configured or discovered (400 for any other task id).").
		BoolVar(&f.probeKnown)
	app.Flag("simulate", "Ignore the config file and poll an embedded simulated cloud on 127.0.0.1 (no credentials needed); listen on "+simulateListenAddress+" unless --web.listen-address is given.").
		BoolVar(&f.simulate)
	f.web = kingpinflag.AddFlags(app, defaultListenAddress)
	var listenSet bool
	app.GetFlag("web.listen-address").IsSetByUser(&listenSet)
	_, err := app.Parse(args)
	switch {
	case exited:
		return nil, errExited
	case err != nil:
		return nil, err
	}
	if f.simulate && !listenSet {
		// A demo need not be reachable from the network.
		*f.web.WebListenAddresses = []string{simulateListenAddress}
	}
	for _, p := range []string{f.telemetryPath, f.exporterPath} {
		if !strings.HasPrefix(p, "/") {
			return nil, fmt.Errorf("metrics path %q must start with /", p)
		}
	}
	if f.telemetryPath == f.exporterPath {
		return nil, errors.New("--web.telemetry-path and --web.exporter-telemetry-path must differ")
	}
	if f.maxRequests < 0 {
		return nil, errors.New("--web.max-requests must be 0 (no limit) or more")
	}
	if f.concurrency < 1 {
		return nil, errors.New("--api.concurrency must be at least 1")
	}
	if f.scrapeTimeout <= 0 {
		return nil, errors.New("--scrape.timeout must be positive")
	}
	if !(f.probeShare > 0 && f.probeShare <= 1) {
		return nil, errors.New("--probe.api-share must be above 0 and at most 1")
	}
	return f, nil
}
