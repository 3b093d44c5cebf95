package collector

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// ownDescs describe the exporter's own per-scrape gauges: the ones only
// /metrics answers and the ones only /probe answers.
type ownDescs struct {
	accountInfo, discoveredTasks, scrapeDuration, taskStale *prometheus.Desc // /metrics
	probeSuccess, probeDuration                             *prometheus.Desc // /probe
}

func newOwnDescs(ix labelIndex) ownDescs {
	return ownDescs{
		accountInfo:     ix.desc("migration_exporter_account_info", "Configured accounts; always 1.", "account", "cloud_region", "project_id"),
		discoveredTasks: ix.desc("migration_exporter_discovered_tasks", "Tasks found by the last good discovery list.", "account", "api"),
		scrapeDuration:  ix.desc("migration_exporter_scrape_duration_seconds", "Time this scrape spent polling the migration APIs."),
		taskStale: ix.desc("migration_exporter_task_stale",
			"Tasks this scrape served from an older answer (younger than max_staleness) because the account's API budget ran out before their turn.", "api"),
		probeSuccess:  ix.desc("probe_success", "1 if the probed task was read, else 0."),
		probeDuration: ix.desc("probe_duration_seconds", "How long the probe took."),
	}
}

// ownGauges sends the exporter's own gauges that build makes to ch.
func (e *Exporter) ownGauges(ch chan<- prometheus.Metric, build func(m *emitter)) {
	m := &emitter{logger: e.opts.Logger, labels: e.labels}
	build(m)
	eachMetric(&m.Series, e.labels, func(g *gaugeMetric) { ch <- g })
}

// scrapeMetrics are the gauges of a /metrics scrape: the accounts, the
// discovered task counts and how long polling took.
type scrapeMetrics struct {
	e          *Exporter
	accounts   []*account
	discovered []discoveredCount
	elapsed    time.Duration
	stale      []apiCount // by api, in the services' order
}

// Describe implements prometheus.Collector.
func (c scrapeMetrics) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.e.own.accountInfo
	ch <- c.e.own.discoveredTasks
	ch <- c.e.own.scrapeDuration
	ch <- c.e.own.taskStale
}

// Collect implements prometheus.Collector.
func (c scrapeMetrics) Collect(ch chan<- prometheus.Metric) {
	d := c.e.own
	c.e.ownGauges(ch, func(m *emitter) {
		for _, a := range c.accounts {
			m.gauge(d.accountInfo, 1, a.name, a.region, a.projectID)
		}
		for _, n := range c.discovered {
			m.gauge(d.discoveredTasks, float64(n.count), n.account, n.api)
		}
		m.gauge(d.scrapeDuration, c.elapsed.Seconds())
		for _, n := range c.stale {
			m.gauge(d.taskStale, float64(n.count), n.api)
		}
	})
}

// accountMetrics are the configured accounts, for the exporter-metrics
// path (no poll, so no scrape duration or discovered counts).
type accountMetrics struct {
	e        *Exporter
	accounts []*account
}

// Describe implements prometheus.Collector.
func (c accountMetrics) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.e.own.accountInfo
}

// Collect implements prometheus.Collector.
func (c accountMetrics) Collect(ch chan<- prometheus.Metric) {
	c.e.ownGauges(ch, func(m *emitter) {
		for _, a := range c.accounts {
			m.gauge(c.e.own.accountInfo, 1, a.name, a.region, a.projectID)
		}
	})
}

// probeMetrics are the gauges of a /probe: whether the task was read and
// how long that took (the multi-target pattern's names).
type probeMetrics struct {
	e       *Exporter
	success bool
	elapsed time.Duration
}

// Describe implements prometheus.Collector.
func (c probeMetrics) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.e.own.probeSuccess
	ch <- c.e.own.probeDuration
}

// Collect implements prometheus.Collector.
func (c probeMetrics) Collect(ch chan<- prometheus.Metric) {
	c.e.ownGauges(ch, func(m *emitter) {
		m.gauge(c.e.own.probeSuccess, boolFloat(c.success))
		m.gauge(c.e.own.probeDuration, c.elapsed.Seconds())
	})
}
