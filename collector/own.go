package collector

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// ownDescs describe the exporter's own per-scrape gauges: the ones /metrics
// and the exporter-metrics path answer and the ones only /probe answers.
type ownDescs struct {
	accountInfo, discoveredTasks, scrapeDuration, budgetRatio, callsPerScrape, taskStale *prometheus.Desc // /metrics
	probeSuccess, probeDuration                                                          *prometheus.Desc // /probe
}

func newOwnDescs(ix labelIndex) ownDescs {
	return ownDescs{
		accountInfo:     ix.desc("migration_exporter_account_info", "Configured accounts; always 1.", "account", "cloud_region", "project_id"),
		discoveredTasks: ix.desc("migration_exporter_discovered_tasks", "Tasks found by the last good discovery list.", "account", "api"),
		scrapeDuration:  ix.desc("migration_exporter_scrape_duration_seconds", "Time the last /metrics scrape spent polling the migration APIs."),
		budgetRatio: ix.desc("migration_exporter_api_budget_ratio",
			"API calls the account's configured and discovered tasks need per scrape (an estimate) per call its requests_per_second allows within the scrape timeout; over 1, a scrape cannot read every task.", "account"),
		callsPerScrape: ix.desc("migration_exporter_api_calls_per_scrape", "API requests the last /metrics scrape sent, by account and API (lists and retries included).", "account", "api"),
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

// scrapeMeasures are what a /metrics scrape measured: the API calls it
// made and how long polling took.
type scrapeMeasures struct {
	calls   []callCount
	elapsed time.Duration
}

// scrapeMetrics are the exporter's own gauges of /metrics and of the
// exporter-metrics path: the accounts and their API budgets (as of now),
// the discovered task counts (this scrape's lists, or the last good ones),
// and what a scrape measured (this one's on /metrics, the last one's on the
// exporter-metrics path; none before the first).
type scrapeMetrics struct {
	e          *Exporter
	accounts   []*account
	discovered []discoveredCount
	measured   *scrapeMeasures // nil: no scrape yet
	stale      []apiCount      // by api, in the services' order; none on the exporter-metrics path
}

// Describe implements prometheus.Collector.
func (c scrapeMetrics) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.e.own.accountInfo
	ch <- c.e.own.discoveredTasks
	ch <- c.e.own.scrapeDuration
	ch <- c.e.own.budgetRatio
	ch <- c.e.own.callsPerScrape
	ch <- c.e.own.taskStale
}

// Collect implements prometheus.Collector.
func (c scrapeMetrics) Collect(ch chan<- prometheus.Metric) {
	d := c.e.own
	timeout := c.e.pollTimeout()
	c.e.ownGauges(ch, func(m *emitter) {
		for _, a := range c.accounts {
			m.gauge(d.accountInfo, 1, a.name, a.region, a.projectID)
			m.gauge(d.budgetRatio, a.budget(timeout).ratio(), a.name)
		}
		for _, n := range c.discovered {
			m.gauge(d.discoveredTasks, float64(n.count), n.account, n.api)
		}
		for _, n := range c.stale {
			m.gauge(d.taskStale, float64(n.count), n.api)
		}
		if c.measured == nil {
			return
		}
		for _, n := range c.measured.calls {
			m.gauge(d.callsPerScrape, float64(n.calls), n.account, n.api)
		}
		m.gauge(d.scrapeDuration, c.measured.elapsed.Seconds())
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
