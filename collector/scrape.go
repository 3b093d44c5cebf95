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

// scrape is the collector of one scrape of /metrics (every task) or of
// /probe (one task): Collect polls under ctx's deadline and exports what it
// learnt. Both go through the same polling and the same metric builders.
type scrape struct {
	e        *Exporter
	ctx      context.Context
	accounts []*account
	probe    *probeTarget // nil for /metrics
}

// probeTarget is the one task a probe polls.
type probeTarget struct {
	module, taskID string
}

// ScrapeCollector returns a collector that polls every configured and
// discovered task when collected, within ctx's deadline. Register it in a
// registry made for the one scrape.
func (e *Exporter) ScrapeCollector(ctx context.Context) prometheus.Collector {
	return &scrape{e: e, ctx: ctx, accounts: *e.accounts.Load()}
}

// Describe implements prometheus.Collector.
func (s *scrape) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range append(s.e.dcs.all(), s.e.sms.all()...) {
		ch <- d
	}
	if s.probe != nil {
		ch <- s.e.probeSuccess
		ch <- s.e.probeDuration
		return
	}
	ch <- s.e.accountInf
	ch <- s.e.scrapeDur
	ch <- s.e.discovered
}

// Collect implements prometheus.Collector.
func (s *scrape) Collect(ch chan<- prometheus.Metric) {
	start := time.Now()
	var p polled
	var sets []taskSet
	if s.probe != nil {
		sets = []taskSet{probeSet(s.accounts[0], *s.probe)}
	} else {
		sets = s.e.taskSets(s.ctx, s.accounts, &p)
	}
	s.e.poll(s.ctx, sets, &p)

	dcsM := s.e.emitter(ch, huaweicloud.APIDCS)
	smsM := s.e.emitter(ch, huaweicloud.APISMS)
	for _, r := range p.dcs {
		s.e.dcs.metrics(r, dcsM)
	}
	for _, r := range p.sms {
		s.e.sms.metrics(r, smsM)
	}
	if s.probe != nil {
		up := len(p.dcs) == 1 && p.dcs[0].statsErr == nil || len(p.sms) == 1 && p.sms[0].err == nil
		dcsM.gauge(s.e.probeSuccess, boolFloat(up))
		dcsM.gauge(s.e.probeDuration, time.Since(start).Seconds())
		return
	}
	for _, a := range s.accounts {
		dcsM.gauge(s.e.accountInf, 1, a.name, a.region, a.projectID)
	}
	for _, d := range p.discovered {
		dcsM.gauge(s.e.discovered, float64(d.count), d.account, d.api)
	}
	dcsM.gauge(s.e.scrapeDur, time.Since(start).Seconds())
	for _, a := range s.accounts {
		a.calls.prune(2 * max(a.dcs.minInterval, a.sms.minInterval))
	}
}

func probeSet(a *account, t probeTarget) taskSet {
	if t.module == huaweicloud.APIDCS {
		return taskSet{a: a, dcs: []string{t.taskID}}
	}
	return taskSet{a: a, sms: []string{t.taskID}}
}

func (e *Exporter) emitter(ch chan<- prometheus.Metric, api string) *emitter {
	return &emitter{ch: ch, logger: e.opts.Logger, api: api, fieldError: func(api, field string) {
		e.fieldErrors.WithLabelValues(api, field).Inc()
	}}
}

// polled is what one scrape learnt.
type polled struct {
	dcs        []dcsResult
	sms        []smsResult
	discovered []discoveredCount
}

type discoveredCount struct {
	account, api string
	count        int
}

// taskSet is the tasks of one account to poll this scrape.
type taskSet struct {
	a        *account
	dcs, sms []string
}

// poll reads every task of sets with at most Concurrency requests in
// flight, and counts one error per failed task.
func (e *Exporter) poll(ctx context.Context, sets []taskSet, p *polled) {
	for _, s := range sets {
		for _, id := range s.dcs {
			p.dcs = append(p.dcs, dcsResult{account: s.a.name, taskID: id})
		}
		for _, id := range s.sms {
			p.sms = append(p.sms, smsResult{account: s.a.name, taskID: id})
		}
	}
	// The result slices are complete: jobs may keep pointers into them.
	var jobs []func(context.Context)
	i, j := 0, 0
	for _, s := range sets {
		a, c := s.a, s.a.client
		for range s.dcs {
			r := &p.dcs[i]
			i++
			jobs = append(jobs,
				func(ctx context.Context) {
					f, err := shared(ctx, a.calls, "dcs stats "+r.taskID, a.dcs.minInterval, func(ctx context.Context) (huaweicloud.DCSStats, error) {
						return c.DCSMigrationStats(ctx, r.taskID)
					})
					r.stats, r.statsErr, r.fetched = f.val, err, lastSuccess(f.at, a.dcs.minInterval)
				},
				func(ctx context.Context) {
					f, err := shared(ctx, a.calls, "dcs task "+r.taskID, a.dcs.minInterval, func(ctx context.Context) (huaweicloud.DCSTask, error) {
						return c.DCSMigrationTask(ctx, r.taskID)
					})
					r.task, r.taskErr = f.val, err
				})
		}
		for range s.sms {
			r := &p.sms[j]
			j++
			jobs = append(jobs, func(ctx context.Context) {
				f, err := shared(ctx, a.calls, "sms task "+r.taskID, a.sms.minInterval, func(ctx context.Context) (huaweicloud.SMSTask, error) {
					return c.SMSTask(ctx, r.taskID)
				})
				r.task, r.err, r.fetched = f.val, err, lastSuccess(f.at, a.sms.minInterval)
			})
		}
	}
	run(ctx, len(jobs), e.opts.Concurrency, func(ctx context.Context, k int) { jobs[k](ctx) })

	for _, r := range p.dcs {
		if err := firstError(r.statsErr, r.taskErr); err != nil {
			e.taskFailed(huaweicloud.APIDCS, r.account, r.taskID, err)
		}
	}
	for _, r := range p.sms {
		if r.err != nil {
			e.taskFailed(huaweicloud.APISMS, r.account, r.taskID, r.err)
		}
	}
}

// lastSuccess is when a served answer was fetched, exported only for
// services with a min interval (otherwise every answer is this scrape's).
func lastSuccess(at time.Time, minInterval time.Duration) time.Time {
	if minInterval <= 0 {
		return time.Time{}
	}
	return at
}

// taskSets merges each account's configured task ids with the discovered
// ones, listing the services that need it concurrently.
func (e *Exporter) taskSets(ctx context.Context, accounts []*account, p *polled) []taskSet {
	type listing struct {
		set          *[]string
		svc          service
		account, api string
	}
	sets := make([]taskSet, len(accounts)) // complete: listings point into it
	var lists []listing
	for k, a := range accounts {
		sets[k] = taskSet{a: a, dcs: a.dcs.taskIDs, sms: a.sms.taskIDs}
		if a.dcs.discovery != nil {
			lists = append(lists, listing{&sets[k].dcs, a.dcs, a.name, huaweicloud.APIDCS})
		}
		if a.sms.discovery != nil {
			lists = append(lists, listing{&sets[k].sms, a.sms, a.name, huaweicloud.APISMS})
		}
	}
	now := time.Now()
	p.discovered = make([]discoveredCount, len(lists))
	run(ctx, len(lists), e.opts.Concurrency, func(ctx context.Context, k int) {
		l := lists[k]
		found := l.svc.discovery.taskIDs(ctx, now, func(err error) {
			reason := huaweicloud.Reason(err)
			e.discErrors.WithLabelValues(l.api, reason).Inc()
			level.Warn(e.opts.Logger).Log("msg", "task discovery failed, keeping the last good list",
				"account", l.account, "api", l.api, "reason", reason, "err", err)
		})
		p.discovered[k] = discoveredCount{account: l.account, api: l.api, count: len(found)}
		*l.set = merge(l.svc.taskIDs, found)
	})
	return sets
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
				k := int(next.Add(1) - 1)
				if k >= n {
					return
				}
				job(ctx, k)
			}
		}()
	}
	wg.Wait()
}
