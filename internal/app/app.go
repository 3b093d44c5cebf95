// Package app is the migration_exporter program: its flags, the wiring of
// config, collector and HTTP surface, reloads, the status page and the
// --simulate cloud. main.go calls Run; the end-to-end tests (e2e/) run it
// in-process with Options.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	versioncollector "github.com/prometheus/client_golang/prometheus/collectors/version"
	"github.com/prometheus/common/version"
	"github.com/prometheus/exporter-toolkit/web"

	"github.com/migration-exporter/migration_exporter/collector"
	"github.com/migration-exporter/migration_exporter/config"
	"github.com/migration-exporter/migration_exporter/logging"
)

const name = "migration_exporter"

// Options are what tests change in Run; nil or the zero value is
// production.
type Options struct {
	// Listener, when not nil, is served instead of --web.listen-address
	// (the tests pass one bound to 127.0.0.1:0).
	Listener net.Listener
	// Limits are the HTTP server's; zero fields take the defaults.
	Limits ServerLimits
	// ConnState, when not nil, is the http.Server's ConnState hook.
	ConnState func(net.Conn, http.ConnState)
	// WrapLimited, when not nil, wraps the /metrics and /probe handlers
	// inside their --web.max-requests limit (the tests hold answers there).
	WrapLimited func(http.Handler) http.Handler
}

// Run is the program with the command line args (without the program's
// name): it serves until ctx is done and returns the exit code. opts may be
// nil.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer, opts *Options) int {
	if opts == nil {
		opts = &Options{}
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
			// One problem a line, as docs/configuration.md shows: a logfmt value
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
func serve(ctx context.Context, f *flags, logger log.Logger, slogger *slog.Logger, opts *Options) error {
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

	handlerMetrics := newHandlerMetrics()
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
			handlerMetrics.requests,
			handlerMetrics.inFlight,
		}, exp.Collectors()...),
		handlerMetrics: handlerMetrics,
		maxRequests:    f.maxRequests,
		wrapLimited:    opts.WrapLimited,
		reloads:        reloads,
		simulated:      f.simulate,
	})
	if err != nil {
		return err
	}
	srv := newServer(mux, opts)
	errc := make(chan error, 1)
	go func() {
		if opts.Listener != nil {
			errc <- web.Serve(opts.Listener, srv, f.web, slogger)
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
