// Command migration_exporter exports the progress of Huawei Cloud migration
// tasks (DCS online migration, SMS server migration, DRS database migration
// and synchronization, OMS object storage migration, CDM data migration jobs)
// as Prometheus metrics.
//
// The data path, top-down: internal/app parses the flags and loads the
// config (config/), the collector builds one API client per account
// (huaweicloud/), and each scrape of /metrics or /probe polls the tasks and
// writes what they answered as the series of that scrape's answer
// (collector/), served by the exporter-toolkit's web server
// (internal/app/routes.go).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/prometheus/common/version"

	"github.com/migration-exporter/migration_exporter/internal/app"
)

// devVersion is reported when the build did not set
// github.com/prometheus/common/version.Version with -ldflags -X.
const devVersion = "0.1.0-dev"

func main() {
	if version.Version == "" {
		version.Version = devVersion
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := app.Run(ctx, os.Args[1:], os.Stdout, os.Stderr, nil)
	stop() // os.Exit skips deferred calls
	os.Exit(code)
}
