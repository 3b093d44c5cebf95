// Command migration_exporter exports the progress of Huawei Cloud migration
// tasks (DCS online migration, SMS server migration, DRS database migration and synchronization, OMS object storage migration) as Prometheus metrics.
//
// The data path, top-down: main parses the flags and loads the config
// (config/), the collector builds one API client per account
// (huaweicloud/), and each scrape of /metrics or /probe polls the tasks and
// turns the answers into const metrics (collector/), served by the
// exporter-toolkit's web server (routes.go).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	versioncollector "github.com/prometheus/client_golang/prometheus/collectors/version"
	"github.com/prometheus/common/version"
	"github.com/prometheus/exporter-toolkit/web"
	"github.com/prometheus/exporter-toolkit/web/kingpinflag"

	"github.com/migration-exporter/migration_exporter/collector"
	"github.com/migration-exporter/migration_exporter/config"
	"github.com/migration-exporter/migration_exporter/logging"
)

const name = "migration_exporter"

// devVersion is reported when the build did not set
// github.com/prometheus/common/version.Version with -ldflags -X.
const devVersion = "0.1.0-dev"

func main() {
	if version.Version == "" {
		version.Version = devVersion
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, nil)
	stop() // os.Exit skips deferred calls
	os.Exit(code)
}

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
	scrapeTimeout   time.Duration
	concurrency     int
	logLevel        string
	logFormat       string
	simulate        bool
	probeShare      float64
	probeKnown      bool
	web             *web.FlagConfig
}

// errExited means --help or --version printed what was asked.
var errExited = errors.New("exited")

func parseFlags(args []string, stdout, stderr io.Writer) (*flags, error) {
	app := kingpin.New(name, "Prometheus exporter for Huawei Cloud migration tasks (DCS online migration, SMS server migration, DRS database migration and synchronization, OMS object storage migration).")
	app.UsageWriter(stdout)
	app.ErrorWriter(stderr)
	exited := false
	app.Terminate(func(int) { exited = true })
	app.Version(version.Print(name))
	app.HelpFlag.Short('h')
	f := &flags{}
	app.Flag("config.file", "Path to the YAML configuration file.").Default(name + ".yml").StringVar(&f.configFile)
	app.Flag("web.telemetry-path", "Path under which to expose metrics (polls every task on each scrape).").Default("/metrics").StringVar(&f.telemetryPath)
	app.Flag("web.exporter-telemetry-path", "Path under which to expose only the exporter's own metrics (API requests, errors, build info, Go and process), polling no task: for the health job of probe-only replicas.").
		Default("/exporter-metrics").StringVar(&f.exporterPath)
	app.Flag("web.enable-lifecycle", "Enable reloading the config by HTTP request (POST /-/reload); without it /-/reload answers 403. SIGHUP reloads either way.").
		BoolVar(&f.enableLifecycle)
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

// runOptions are what tests change in run; nil or the zero value is
// production.
type runOptions struct {
	// listener, when not nil, is served instead of --web.listen-address
	// (the tests pass one bound to 127.0.0.1:0).
	listener net.Listener
	// limits are the HTTP server's; zero fields take the defaults.
	limits serverLimits
	// connState, when not nil, is the http.Server's ConnState hook.
	connState func(net.Conn, http.ConnState)
}

// run is the program: it returns the exit code. opts may be nil.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, opts *runOptions) int {
	if opts == nil {
		opts = &runOptions{}
	}
	f, err := parseFlags(args, stdout, stderr)
	if errors.Is(err, errExited) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, name+":", err)
		return 2
	}
	logger, slogger, err := logging.New(stderr, f.logLevel, f.logFormat)
	if err != nil {
		fmt.Fprintln(stderr, name+":", err)
		return 2
	}
	if err := serve(ctx, f, logger, slogger, opts); err != nil {
		if problems := configProblems(err); len(problems) > 0 {
			// One problem a line, as the README shows: a logfmt value
			// would quote them all on one line with escaped newlines.
			fmt.Fprintln(stderr, name+": config problems:")
			for _, p := range problems {
				fmt.Fprintln(stderr, p.Error())
			}
			err = fmt.Errorf("the configuration has %d problem(s), listed above", len(problems))
		}
		level.Error(logger).Log("msg", "exiting", "err", err)
		return 1
	}
	return 0
}

// configProblems are the config.FieldErrors err is made of (config.Load
// joins one per problem), or nil when it has none.
func configProblems(err error) []*config.FieldError {
	var problems []*config.FieldError
	var walk func(error)
	walk = func(err error) {
		switch e := err.(type) {
		case *config.FieldError:
			problems = append(problems, e)
		case interface{ Unwrap() []error }:
			for _, e := range e.Unwrap() {
				walk(e)
			}
		case interface{ Unwrap() error }:
			walk(e.Unwrap())
		}
	}
	if err != nil {
		walk(err)
	}
	return problems
}

// serve runs the exporter until ctx is done.
func serve(ctx context.Context, f *flags, logger log.Logger, slogger *slog.Logger, opts *runOptions) error {
	level.Info(logger).Log("msg", "starting "+name, "version", version.Info(), "build_context", version.BuildContext())

	exp := collector.New(collector.Options{
		Logger:        logger,
		Concurrency:   f.concurrency,
		ScrapeTimeout: f.scrapeTimeout,
		UserAgent:     name + "/" + version.Version,
		ProbeShare:    f.probeShare,

		ProbeKnownTasksOnly: f.probeKnown,
	})
	holder, stopSimulation, err := loadConfig(f, logger, exp.ApplyConfig)
	if err != nil {
		return err
	}
	defer stopSimulation()

	hup, stopHUP := notifyHUP()
	defer stopHUP()
	reloads := make(chan chan error)
	go reloadLoop(ctx, holder, hup, reloads, logger)

	mux, err := routes(site{
		telemetryPath:   f.telemetryPath,
		exporterPath:    f.exporterPath,
		enableLifecycle: f.enableLifecycle,
		exporter:        exp,
		longLived: append([]prometheus.Collector{
			versioncollector.NewCollector(name),
			collectors.NewGoCollector(),
			collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
			reloadCollector(holder),
		}, exp.Collectors()...),
		reloads:   reloads,
		simulated: f.simulate,
	})
	if err != nil {
		return err
	}
	srv := newServer(mux, opts)
	errc := make(chan error, 1)
	go func() {
		if opts.listener != nil {
			errc <- web.Serve(opts.listener, srv, f.web, slogger)
			return
		}
		errc <- web.ListenAndServe(srv, f.web, slogger)
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		level.Info(logger).Log("msg", "shutting down")
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(shutdownCtx)
	}
}

// The HTTP server's limits. They close idle and half-sent connections, so
// that neither idle keep-alive connections nor clients that stop in the
// middle of a request hold a goroutine (and a socket) for ever. None of them
// may cut a legitimate scrape short: a scrape polls for as long as the
// scraper's X-Prometheus-Scrape-Timeout-Seconds header allows (see
// collector.ScrapeTimeout, which accepts up to a day), or --scrape.timeout
// without the header.
const (
	// readHeaderTimeout bounds reading a request's line and headers, from
	// its first byte (or the connection's accept). Prometheus sends a few
	// hundred bytes at once; 10s is plenty even on a slow link.
	readHeaderTimeout = 10 * time.Second
	// readTimeout bounds reading a whole request, body included. The
	// exporter takes no request bodies (GETs, and POST /-/reload ignores
	// its body), but without it a client that declares a body and sends
	// it slowly would hold the connection: after the handler the server
	// reads up to 256 KiB of an unread body with no other deadline. It does
	// not bound the handler: net/http clears the read deadline once the
	// request is read, so a long scrape is not cut.
	readTimeout = 30 * time.Second
	// idleTimeout closes a keep-alive connection that carries no request
	// for this long. Prometheus reuses its connection from one scrape to
	// the next, so it must outlast common scrape intervals (15s to 1m):
	// those scrapes keep reusing their connection. It is short enough that
	// hundreds of idle sockets (targets that moved, scrapers gone away) do
	// not pin goroutines for ever. It must be set: when it is zero net/http
	// uses readTimeout, and 30s would reconnect every 1m scrape.
	idleTimeout = 2 * time.Minute
	// maxHeaderBytes bounds a request's line and headers (net/http allows
	// 4 KiB more). Prometheus' are well under 1 KiB, a /probe query string
	// is a few hundred bytes, and 64 KiB leaves room for long bearer tokens
	// and browser cookies on the landing page, where net/http's default of
	// 1 MiB would let each half-sent connection buffer 1 MiB.
	maxHeaderBytes = 64 << 10
	// No WriteTimeout. net/http starts it when a request's headers are
	// read, so it bounds the handler's whole run, not just the writing: any
	// fixed value either cuts scrapes that Prometheus allows to run longer
	// (the scraper gets no answer) or is too long to matter. A client that
	// stops reading an answer is therefore not closed by a server timeout.
)

// serverLimits are the HTTP server's timeouts and header limit. A zero
// field takes its production default (the constants above); the tests set
// short ones.
type serverLimits struct {
	readHeaderTimeout time.Duration
	readTimeout       time.Duration
	idleTimeout       time.Duration
	maxHeaderBytes    int
}

// newServer is the HTTP server of handler, with opts' limits.
func newServer(handler http.Handler, opts *runOptions) *http.Server {
	l := opts.limits
	orDefault := func(v, def time.Duration) time.Duration {
		if v == 0 {
			return def
		}
		return v
	}
	if l.maxHeaderBytes == 0 {
		l.maxHeaderBytes = maxHeaderBytes
	}
	return &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: orDefault(l.readHeaderTimeout, readHeaderTimeout),
		ReadTimeout:       orDefault(l.readTimeout, readTimeout),
		IdleTimeout:       orDefault(l.idleTimeout, idleTimeout),
		MaxHeaderBytes:    l.maxHeaderBytes,
		ConnState:         opts.connState,
	}
}

// loadConfig loads the config file and applies it, or with --simulate
// starts the simulated cloud and applies a config that polls it. apply
// receives every config that is loaded, first and reloaded. stop ends the
// simulation (it does nothing without one).
func loadConfig(f *flags, logger log.Logger, apply func(*config.Config) error) (h *config.Holder, stop func(), err error) {
	if !f.simulate {
		h, err := config.NewHolder(f.configFile, apply)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, fmt.Errorf("%w (give the config's path with --config.file, or try the exporter without one with --simulate)", err)
		}
		if err != nil {
			return nil, nil, err
		}
		level.Info(logger).Log("msg", "loaded config", "file", f.configFile, "accounts", len(h.Current().Accounts))
		return h, func() {}, nil
	}
	sim, cfg, err := startSimulation()
	if err != nil {
		return nil, nil, err
	}
	h, err = config.NewStaticHolder(cfg, apply)
	if err != nil {
		_ = sim.Close()
		return nil, nil, err
	}
	level.Info(logger).Log("msg", "simulating the cloud: polling an embedded fake API, not Huawei Cloud", "endpoint", sim.URL)
	return h, func() { _ = sim.Close() }, nil
}
