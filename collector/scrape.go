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

// scrape is one scrape of /metrics (every task) or of /probe (one task).
// poll reads the tasks under ctx's deadline and builds their metrics; its
// Collect then only sends them. Both endpoints go through the same polling
// and the same metric builders.
type scrape struct {
	e        *Exporter
	ctx      context.Context
	accounts []*account
	probe    *probeTarget // nil for /metrics

	once    sync.Once
	start   time.Time
	elapsed time.Duration
	polled  polled
}

// probeTarget is the one task a probe polls.
type probeTarget struct {
	module, taskID string
}

// ScrapeCollector returns a collector that polls every configured and
// discovered task when it is first collected, within ctx's deadline.
// Register it in a registry made for the one scrape.
func (e *Exporter) ScrapeCollector(ctx context.Context) prometheus.Collector {
	return &scrape{e: e, ctx: ctx, accounts: *e.accounts.Load()}
}

// poll reads the scrape's tasks and builds their metrics, once.
func (s *scrape) poll() {
	s.once.Do(func() {
		s.start = time.Now()
		var sets []taskSet
		if s.probe != nil {
			sets = []taskSet{probeSet(s.accounts[0], *s.probe)}
		} else {
			sets = s.e.taskSets(s.ctx, s.accounts, &s.polled)
		}
		s.e.poll(s.ctx, sets, &s.polled)
		s.elapsed = time.Since(s.start)
	})
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
	s.poll()
	p := &s.polled
	for i := range p.dcs {
		for _, m := range p.dcs[i].metrics {
			ch <- m
		}
	}
	for i := range p.sms {
		for _, m := range p.sms[i].metrics {
			ch <- m
		}
	}
	m := s.e.emitter(func(m prometheus.Metric) { ch <- m }, huaweicloud.APIDCS)
	if s.probe != nil {
		up := len(p.dcs) == 1 && p.dcs[0].statsErr == nil || len(p.sms) == 1 && p.sms[0].err == nil
		m.gauge(s.e.probeSuccess, boolFloat(up))
		m.gauge(s.e.probeDuration, time.Since(s.start).Seconds())
		return
	}
	for _, a := range s.accounts {
		m.gauge(s.e.accountInf, 1, a.name, a.region, a.projectID)
	}
	for _, d := range p.discovered {
		m.gauge(s.e.discovered, float64(d.count), d.account, d.api)
	}
	m.gauge(s.e.scrapeDur, s.elapsed.Seconds())
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

func (e *Exporter) emitter(send func(prometheus.Metric), api string) *emitter {
	return &emitter{send: send, logger: e.opts.Logger, api: api, labels: e.labels, fieldError: func(api, field string) {
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
// flight. The job that completes a task counts its error, if any, and
// builds its metrics at once, while other tasks' answers are still on the
// way.
func (e *Exporter) poll(ctx context.Context, sets []taskSet, p *polled) {
	nDCS, nSMS := 0, 0
	for _, s := range sets {
		nDCS, nSMS = nDCS+len(s.dcs), nSMS+len(s.sms)
	}
	p.dcs, p.sms = make([]dcsResult, nDCS), make([]smsResult, nSMS)
	// The result slices are complete: jobs keep pointers into them.
	jobs := make([]func(context.Context), 0, 2*nDCS+nSMS)
	i, j := 0, 0
	for _, s := range sets {
		a, c := s.a, s.a.client
		for _, id := range s.dcs {
			r := &p.dcs[i]
			i++
			r.account, r.taskID = a.name, id
			r.pending.Store(2)
			jobs = append(jobs,
				func(ctx context.Context) {
					f, err := shared(ctx, a.calls, "dcs stats "+r.taskID, a.dcs.minInterval, func(ctx context.Context) (huaweicloud.DCSStats, error) {
						return c.DCSMigrationStats(ctx, r.taskID)
					})
					r.stats, r.statsErr, r.fetched = f.val, err, lastSuccess(f.at, a.dcs.minInterval)
					e.dcsDone(r)
				},
				func(ctx context.Context) {
					f, err := shared(ctx, a.calls, "dcs task "+r.taskID, a.dcs.minInterval, func(ctx context.Context) (huaweicloud.DCSTask, error) {
						return c.DCSMigrationTask(ctx, r.taskID)
					})
					r.task, r.taskErr = f.val, err
					e.dcsDone(r)
				})
		}
		for _, id := range s.sms {
			r := &p.sms[j]
			j++
			r.account, r.taskID = a.name, id
			jobs = append(jobs, func(ctx context.Context) {
				f, err := shared(ctx, a.calls, "sms task "+r.taskID, a.sms.minInterval, func(ctx context.Context) (huaweicloud.SMSTask, error) {
					return c.SMSTask(ctx, r.taskID)
				})
				r.task, r.err, r.fetched = f.val, err, lastSuccess(f.at, a.sms.minInterval)
				if r.err != nil {
					e.taskFailed(huaweicloud.APISMS, r.account, r.taskID, r.err)
				}
				e.sms.metrics(r, e.emitter(func(m prometheus.Metric) { r.metrics = append(r.metrics, m) }, huaweicloud.APISMS))
			})
		}
	}
	run(ctx, len(jobs), e.opts.Concurrency, func(ctx context.Context, k int) { jobs[k](ctx) })
}

// dcsDone is called when one of a DCS task's two calls is done; the second
// builds the task's metrics.
func (e *Exporter) dcsDone(r *dcsResult) {
	if r.pending.Add(-1) != 0 {
		return
	}
	if err := firstError(r.statsErr, r.taskErr); err != nil {
		e.taskFailed(huaweicloud.APIDCS, r.account, r.taskID, err)
	}
	e.dcs.metrics(r, e.emitter(func(m prometheus.Metric) { r.metrics = append(r.metrics, m) }, huaweicloud.APIDCS))
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
