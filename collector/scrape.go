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

// A scrape of /metrics or /probe goes: taskSets (configured and discovered
// ids) → pollTasks (every task's calls, at most Concurrency in flight; each
// task's metrics are built as soon as its last answer is in) → the
// collectors below, which only send what was built.

// taskSet is the tasks of one watched service to poll this scrape.
type taskSet struct {
	w   *watched
	ids []string
}

// discoveredCount is how many tasks one discovery list gave.
type discoveredCount struct {
	account, api string
	count        int
}

// taskSets merges each watched service's configured task ids with the
// discovered ones, listing the services that need it concurrently.
func (e *Exporter) taskSets(ctx context.Context, accounts []*account) ([]taskSet, []discoveredCount) {
	var sets []taskSet
	var listed []int // indices into sets of the services that discover
	for _, a := range accounts {
		for _, w := range a.watched {
			if w.discovery != nil {
				listed = append(listed, len(sets))
			} else if len(w.taskIDs) == 0 {
				continue
			}
			sets = append(sets, taskSet{w: w, ids: w.taskIDs})
		}
	}
	now := time.Now()
	found := make([]discoveredCount, len(listed))
	forEachBounded(ctx, len(listed), e.opts.Concurrency, func(ctx context.Context, k int) {
		s := &sets[listed[k]]
		api, name := s.w.svc.api(), s.w.account.name
		ids := s.w.discovery.taskIDs(ctx, now, func(err error) {
			reason := huaweicloud.Reason(err)
			e.discoveryErrors.WithLabelValues(api, reason).Inc()
			level.Warn(e.opts.Logger).Log("msg", "task discovery failed, keeping the last good list",
				"account", name, "api", api, "reason", reason, "err", err)
		})
		found[k] = discoveredCount{account: name, api: api, count: len(ids)}
		s.ids = merge(s.w.taskIDs, ids)
	})
	return sets, found
}

// polledTask is one task's poll in one scrape.
type polledTask struct {
	w       *watched
	id      string
	reader  taskReader
	pending atomic.Int32 // calls still under way
	up      bool
	metrics []prometheus.Metric // built when the last call is done
}

// pollTasks reads every task of sets with at most Concurrency calls in
// flight. The call that completes a task builds its metrics and counts its
// error at once, while other tasks' answers are still on the way.
func (e *Exporter) pollTasks(ctx context.Context, sets []taskSet) []polledTask {
	n := 0
	for _, s := range sets {
		n += len(s.ids)
	}
	tasks := make([]polledTask, n) // complete before any call runs: calls keep pointers into it
	var jobs []func(context.Context)
	base := 0
	for _, s := range sets {
		readers, calls := s.w.svc.plan(s.w, s.ids)
		group := tasks[base : base+len(s.ids)]
		for i, id := range s.ids {
			group[i].w, group[i].id, group[i].reader = s.w, id, readers[i]
		}
		for _, c := range calls {
			for i := c.first; i < c.first+c.n; i++ {
				group[i].pending.Add(1)
			}
			jobs = append(jobs, func(ctx context.Context) {
				c.run(ctx)
				for i := c.first; i < c.first+c.n; i++ {
					if group[i].pending.Add(-1) == 0 {
						e.build(&group[i])
					}
				}
			})
		}
		base += len(s.ids)
	}
	for i := range tasks {
		if tasks[i].pending.Load() == 0 { // a plan without a call for it
			e.build(&tasks[i])
		}
	}
	forEachBounded(ctx, len(jobs), e.opts.Concurrency, func(ctx context.Context, k int) { jobs[k](ctx) })
	for _, s := range sets {
		// Answers of tasks that left the task set do not stay in memory.
		s.w.account.cache.prune(2 * s.w.account.maxMinInterval())
	}
	return tasks
}

// build makes a task's metrics from its reader and counts its error.
func (e *Exporter) build(t *polledTask) {
	api := t.w.svc.api()
	m := &emitter{
		send:        func(m prometheus.Metric) { t.metrics = append(t.metrics, m) },
		logger:      e.opts.Logger,
		labels:      e.labels,
		api:         api,
		task:        [2]string{t.w.account.name, t.id},
		fieldErrors: e.fieldErrors,
		client:      t.w.client(),
	}
	up, err := t.reader.metrics(m)
	t.up = up
	if err != nil {
		reason := huaweicloud.Reason(err)
		e.taskErrors.WithLabelValues(api, reason).Inc()
		level.Debug(e.opts.Logger).Log("msg", "task poll failed", "api", api, "account", t.w.account.name,
			"task_id", t.id, "reason", reason, "err", err)
	}
}

// forEachBounded calls job(ctx, 0..n-1) on at most limit goroutines. A job
// whose turn comes after ctx is done still runs, so that it records ctx's
// error.
func forEachBounded(ctx context.Context, n, limit int, job func(context.Context, int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(limit, n) {
		wg.Go(func() {
			for {
				k := int(next.Add(1) - 1)
				if k >= n {
					return
				}
				job(ctx, k)
			}
		})
	}
	wg.Wait()
}

// taskMetrics sends the metrics a scrape built for its tasks.
type taskMetrics struct {
	e     *Exporter
	tasks []polledTask
}

// Describe implements prometheus.Collector.
func (c taskMetrics) Describe(ch chan<- *prometheus.Desc) {
	for _, svc := range c.e.services {
		for _, d := range svc.descs() {
			ch <- d
		}
	}
}

// Collect implements prometheus.Collector.
func (c taskMetrics) Collect(ch chan<- prometheus.Metric) {
	for i := range c.tasks {
		for _, m := range c.tasks[i].metrics {
			ch <- m
		}
	}
}
