package app

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/migration-exporter/migration_exporter/config"
)

// notifyHUP starts catching SIGHUP. It is called before the server starts,
// so that a SIGHUP never meets the default action (exit).
func notifyHUP() (<-chan os.Signal, func()) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	return hup, func() { signal.Stop(hup) }
}

// reloadLoop reloads the config on SIGHUP and on requests from /-/reload,
// one at a time, keeping the old config when the new one is bad.
func reloadLoop(ctx context.Context, holder *config.Holder, hup <-chan os.Signal, requests <-chan chan error, logger log.Logger) {
	reload := func() error {
		err := holder.Reload()
		if err != nil {
			level.Error(logger).Log("msg", "reload failed, keeping the previous config", "err", err)
		} else {
			level.Info(logger).Log("msg", "config reloaded")
		}
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			_ = reload()
		case reply := <-requests:
			reply <- reload()
		}
	}
}

// reloadMetrics exports the holder's reload state.
type reloadMetrics struct {
	holder              *config.Holder
	successful, success *prometheus.Desc
}

func reloadCollector(h *config.Holder) prometheus.Collector {
	return &reloadMetrics{
		holder:     h,
		successful: prometheus.NewDesc("migration_exporter_config_last_reload_successful", "1 if the last config (re)load succeeded, else 0.", nil, nil),
		success:    prometheus.NewDesc("migration_exporter_config_last_reload_success_timestamp_seconds", "Time of the last successful config (re)load.", nil, nil),
	}
}

func (m *reloadMetrics) Describe(ch chan<- *prometheus.Desc) {
	ch <- m.successful
	ch <- m.success
}

func (m *reloadMetrics) Collect(ch chan<- prometheus.Metric) {
	ok, at := m.holder.LastReload()
	v := 0.0
	if ok {
		v = 1
	}
	ch <- prometheus.MustNewConstMetric(m.successful, prometheus.GaugeValue, v)
	ch <- prometheus.MustNewConstMetric(m.success, prometheus.GaugeValue, float64(at.UnixNano())/1e9)
}
