package collector

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/migration-exporter/migration_exporter/huaweicloud"
)

// scrape is the collector for one scrape: Collect polls every task under
// ctx's deadline and exports what it learnt.
type scrape struct {
	e        *Exporter
	ctx      context.Context
	accounts []*account
}

// ScrapeCollector returns a collector that polls every configured task
// when collected, within ctx's deadline. Register it in a registry made for
// the one scrape.
func (e *Exporter) ScrapeCollector(ctx context.Context) prometheus.Collector {
	return &scrape{e: e, ctx: ctx, accounts: *e.accounts.Load()}
}

// Describe implements prometheus.Collector.
func (s *scrape) Describe(ch chan<- *prometheus.Desc) {
	s.e.dcs.describe(ch)
	ch <- s.e.accountInf
	ch <- s.e.scrapeDur
}

// Collect implements prometheus.Collector.
func (s *scrape) Collect(ch chan<- prometheus.Metric) {
	start := time.Now()
	results := s.e.pollDCS(s.ctx, s.accounts)
	m := &emitter{ch: ch, logger: s.e.opts.Logger, api: huaweicloud.APIDCS, fieldError: s.e.countFieldError}
	for _, a := range s.accounts {
		m.gauge(s.e.accountInf, 1, a.name, a.region, a.projectID)
	}
	for _, r := range results {
		s.e.dcs.metrics(r, m)
	}
	m.gauge(s.e.scrapeDur, time.Since(start).Seconds())
}

func (e *Exporter) countFieldError(api, field string) {
	e.fieldErrors.WithLabelValues(api, field).Inc()
}

// pollDCS reads the stats and the details of every DCS task, at most
// Concurrency requests at a time, and counts one error per failed task.
func (e *Exporter) pollDCS(ctx context.Context, accounts []*account) []dcsResult {
	var results []dcsResult
	var clients []*huaweicloud.Client
	for _, a := range accounts {
		for _, id := range a.dcsTaskIDs {
			results = append(results, dcsResult{account: a.name, taskID: id})
			clients = append(clients, a.client)
		}
	}
	// Two jobs a task: even jobs read the stats, odd ones the details.
	run(ctx, 2*len(results), e.opts.Concurrency, func(ctx context.Context, j int) {
		r, c := &results[j/2], clients[j/2]
		if j%2 == 0 {
			r.stats, r.statsErr = c.DCSMigrationStats(ctx, r.taskID)
		} else {
			r.task, r.taskErr = c.DCSMigrationTask(ctx, r.taskID)
		}
	})
	for _, r := range results {
		if err := firstError(r.statsErr, r.taskErr); err != nil {
			e.taskFailed(huaweicloud.APIDCS, r.account, r.taskID, err)
		}
	}
	return results
}

func (e *Exporter) taskFailed(api, account, taskID string, err error) {
	reason := huaweicloud.Reason(err)
	e.taskErrors.WithLabelValues(api, reason).Inc()
	level.Debug(e.opts.Logger).Log("msg", "task poll failed", "api", api, "account", account,
		"task_id", taskID, "reason", reason, "err", err)
}

func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// run calls job(ctx, 0..n-1) on at most limit goroutines. A job whose turn
// comes after ctx is done still runs, so that it records ctx's error.
func run(ctx context.Context, n, limit int, job func(context.Context, int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < min(limit, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				j := int(next.Add(1) - 1)
				if j >= n {
					return
				}
				job(ctx, j)
			}
		}()
	}
	wg.Wait()
}
