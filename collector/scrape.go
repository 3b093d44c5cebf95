package collector

import (
	"cmp"
	"container/heap"
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/migration-exporter/migration_exporter/huaweicloud"
	"github.com/migration-exporter/migration_exporter/internal/exposition"
)

// A scrape of /metrics or /probe: for each watched service on its own,
// work out its task ids (configured, plus discovered: a list call when the
// last list is too old) and plan its API calls; every call of every service
// goes through one pool of at most Concurrency workers; a task's metrics
// are built as soon as its last answer is in. The collectors below only
// send what was built. A service that waits for its list (or stalls)
// holds up no other service's calls.

// discoveredCount is how many tasks one discovery list gave.
type discoveredCount struct {
	account, api string
	count        int
}

// active lists the watched services of accounts that have tasks to poll or
// to discover.
func active(accounts []*account) []*watched {
	var ws []*watched
	for _, a := range accounts {
		for _, w := range a.watched {
			if w.discovery != nil || len(w.taskIDs) > 0 {
				ws = append(ws, w)
			}
		}
	}
	return ws
}

// taskIDs are w's configured task ids and, with discovery, the discovered
// ones; found is how many discovery gave (-1 without discovery).
func (e *Exporter) taskIDs(ctx context.Context, w *watched) (ids []string, found int) {
	if w.discovery == nil {
		return w.taskIDs, -1
	}
	api, module, name := w.svc.api(), w.svc.module(), w.account.name
	discovered := w.discovery.taskIDs(ctx, time.Now(), func(err error) {
		reason := huaweicloud.Reason(err)
		e.discoveryErrors.WithLabelValues(api, reason).Inc()
		level.Warn(e.opts.Logger).Log("msg", "task discovery failed, keeping the last good list",
			"account", name, "api", api, "module", module, "reason", reason, "err", err)
	})
	return merge(w.taskIDs, discovered), len(discovered)
}

// polledTask is one task's poll in one scrape.
type polledTask struct {
	w                 *watched
	id                string
	reader            taskReader
	pending           atomic.Int32 // calls still under way
	up                bool
	served            uint8              // how: servedRead, servedTerminal, … (taskmemory.go)
	sharedKept        bool               // served from memory with a series not its own (dedupeShared)
	exposition.Series                    // its metrics, built when the last call is done
	trace             *huaweicloud.Trace // a debug probe's trace; nil otherwise
}

// pollTasks polls the tasks of each of ws, whose ids idsOf gives (it may
// list them first), and returns them by service, in the order of ws and of
// the ids.
func (e *Exporter) pollTasks(ctx context.Context, ws []*watched, idsOf func(context.Context, int) []string) [][]polledTask {
	p := newPool(ctx, e.opts.Concurrency)
	trace := huaweicloud.TraceFrom(ctx)
	groups := make([][]polledTask, len(ws))
	var planners sync.WaitGroup
	for k, w := range ws {
		planners.Go(func() {
			ids := idsOf(ctx, k)
			if !slices.IsSorted(ids) { // the answer lists tasks by id: sorted here, it needs no sort
				ids = slices.Sorted(slices.Values(ids))
			}
			group := make([]polledTask, len(ids)) // complete before any call runs: calls keep pointers into it
			groups[k] = group
			for i, id := range ids {
				group[i].w, group[i].id, group[i].trace = w, id, trace
			}
			// Terminal tasks read recently are served from memory; the
			// others are read, least recently read first. A debug probe
			// reads its task whatever its state: its trace is the point.
			interval := w.terminalInterval
			if trace != nil {
				interval = 0
			}
			due, read := w.memory.plan(ids, time.Now(), interval, func(i int, s exposition.Series, shared bool) {
				group[i].up, group[i].Series, group[i].served, group[i].sharedKept = true, s, servedTerminal, shared
			})
			dueIDs := make([]string, len(due))
			for j, i := range due {
				dueIDs[j] = ids[i]
			}
			readers, calls := w.svc.plan(w, dueIDs)
			budget := budgetOf(ctx, w.account)
			budget.plan(len(calls))
			for j, i := range due {
				group[i].reader = readers[j]
			}
			for _, c := range calls {
				for j := c.first; j < c.first+c.n; j++ {
					group[due[j]].pending.Add(1)
				}
			}
			for _, i := range due {
				if group[i].pending.Load() == 0 { // a plan without a call for it
					e.build(&group[i], budget)
				}
			}
			keys := callKeys(calls, read)
			for k, c := range calls {
				// Only the job holds the call (and through it the task's
				// reader and answers) from now on: once the job is done
				// and the task built, the answers are garbage, rather than
				// held until every call of the service is submitted.
				calls[k] = call{}
				p.submit(keys[k], func(ctx context.Context) {
					c.run(ctx)
					for j := c.first; j < c.first+c.n; j++ {
						if t := &group[due[j]]; t.pending.Add(-1) == 0 {
							e.build(t, budget)
						}
					}
				})
			}
		})
	}
	planners.Wait()
	p.wait()
	for _, group := range groups {
		for i := range group {
			if group[i].sharedKept {
				dedupeShared(group)
				break
			}
		}
	}
	now := time.Now()
	for _, w := range ws {
		// Answers of tasks that left the task set do not stay in memory.
		w.account.cache.prune()
		w.memory.prune(now, memoryKeep(w))
	}
	return groups
}

// build makes a task's metrics from its reader and counts its error.
func (e *Exporter) build(t *polledTask, budget *scrapeBudget) {
	api := t.w.svc.api()
	m := &emitter{
		Series: exposition.Series{
			Samples: make([]exposition.Sample, 0, t.w.seriesHint.Load()),
			Arena:   make([]*dto.LabelPair, 0, t.w.labelHint.Load()),
		},
		shared:      &e.sharedPairs,
		pairs:       []emittedPair{{raw: t.w.account.name, pair: t.w.account.labelPair}},
		logger:      e.opts.Logger,
		labels:      e.labels,
		api:         api,
		task:        [2]string{t.w.account.name, t.id},
		fieldErrors: e.fieldErrors,
		client:      t.w.client(),
		trace:       t.trace,
	}
	up, err := t.reader.metrics(m)
	t.up, t.Series = up, m.Series
	if !up && huaweicloud.IsBudget(err) {
		t.reader = nil // the answers are not needed any more: a big scrape holds only its series
		e.unread(t, err)
		return
	}
	if !up && budget.short() && errors.Is(err, context.DeadlineExceeded) {
		// The last calls of a short scrape start just before its deadline
		// and run out of time: a young answer is served for those too.
		if e.unreadStale(t) {
			t.reader = nil
			return
		}
	}
	e.remember(t, budget.tight())
	if n := int32(len(m.Samples)); n > t.w.seriesHint.Load() {
		t.w.seriesHint.Store(n) // racing stores are fine: it is a capacity hint
	}
	if n := int32(len(m.Arena)); n > t.w.labelHint.Load() {
		t.w.labelHint.Store(n)
	}
	var reason string
	if err != nil {
		reason = huaweicloud.Reason(err)
		// The error's text is the client's, scrubbed of the account's secrets.
		if t.trace != nil {
			t.trace.Addf(huaweicloud.TraceResult, "error: %s: %s", reason, err)
		}
		e.taskErrors.WithLabelValues(api, reason).Inc()
		level.Debug(e.opts.Logger).Log("msg", "task poll failed", "api", api, "account", t.w.account.name,
			"task_id", t.id, "reason", reason, "err", err)
	}
	changed := e.recordStatus(t, reason)
	t.reader = nil // the answers are not needed any more: a big scrape holds only its series
	if changed {
		e.logChange(t, up, reason, err)
	}
}

// unread serves a task the account's API budget left unread (err is the
// huaweicloud.BudgetError): its last good answer when it is younger than
// max_staleness, else the task is down with reason throttled_budget.
// Either is in the scrape's one shortfall line (shortfall), not a line
// of its own, nor a change on the status board, which keeps what the
// task's last read found.
func (e *Exporter) unread(t *polledTask, err error) {
	r, ok := t.w.memory.stale(t.id, time.Now(), t.w.maxStaleness)
	if ok {
		t.serveStale(r)
	} else {
		t.served = servedThrottled
		e.taskErrors.WithLabelValues(t.w.svc.api(), huaweicloud.ReasonThrottledBudget).Inc()
	}
	if t.trace != nil {
		if ok {
			t.trace.Addf(huaweicloud.TraceResult, "not read (%s): served the answer read at %s", err, r.good.UTC().Format(time.RFC3339))
		} else {
			t.trace.Addf(huaweicloud.TraceResult, "error: %s: %s", huaweicloud.ReasonThrottledBudget, err)
		}
	}
}

// unreadStale serves t its last good answer when it is younger than
// max_staleness, and reports whether it did.
func (e *Exporter) unreadStale(t *polledTask) bool {
	r, ok := t.w.memory.stale(t.id, time.Now(), t.w.maxStaleness)
	if ok {
		t.serveStale(r)
		if t.trace != nil {
			t.trace.Addf(huaweicloud.TraceResult, "timed out at the end of a short scrape: served the answer read at %s", r.good.UTC().Format(time.RFC3339))
		}
	}
	return ok
}

// serveStale serves t the remembered answer r.
func (t *polledTask) serveStale(r remembered) {
	t.up, t.Series, t.served, t.sharedKept = true, r.series, servedStale, r.shared
}

// remember keeps what a task's read found for the next scrapes: when it
// was read and, when it is up, whether its state is terminal and its
// series, if they may be served again: a terminal task's always, an
// active task's only when the account's budget is tight (for a scrape
// that runs out of it), so that an account with calls to spare holds no
// series between scrapes.
func (e *Exporter) remember(t *polledTask, tight bool) {
	if !t.up {
		t.w.memory.note(t.id, time.Now(), nil, false)
		return
	}
	terminal := t.w.svc.terminal(e.labels.currentState(&t.Series, t.w.svc.stateDesc()), &t.Series)
	if !terminal && !tight {
		t.w.memory.forget(t.id, time.Now())
		return
	}
	t.w.memory.note(t.id, time.Now(), &t.Series, terminal)
}

// logChange logs a task going down (warn) or coming back up (info); build
// calls it once per change (recordStatus says), so steady failures are
// only in the per-scrape debug line. The error's text is the client's,
// which has no secret in it.
func (e *Exporter) logChange(t *polledTask, up bool, reason string, err error) {
	kv := []any{"account", t.w.account.name, "api", t.w.svc.api(), "module", t.w.svc.module(), "task_id", t.id}
	if up {
		level.Info(e.opts.Logger).Log(append([]any{"msg", "task is back up"}, kv...)...)
		return
	}
	if err == nil { // not up without an error: say so rather than log an empty reason
		reason, err = "unknown", errors.New("the task's poll gave no error")
	}
	level.Warn(e.opts.Logger).Log(append(append([]any{"msg", "task is down"}, kv...), "reason", reason, "err", err)...)
}

// pool runs jobs on at most limit goroutines, started as jobs come and
// reused for the next ones (a worker's stack has grown through the HTTP and
// JSON code already). A free worker takes the queued job that comes first
// (jobKey): the least recently read tasks' calls, the cheaper tasks first
// among equals, then in the order submitted, whatever service they are
// of. A job whose turn comes after ctx is done still runs, so that it
// records ctx's error.
type pool struct {
	ctx     context.Context
	limit   int
	mu      sync.Mutex
	queue   jobQueue
	running int // workers started and not yet done
	seq     int // jobs submitted so far
	workers sync.WaitGroup
}

// jobKey orders the queued jobs: read is when the least recently read
// task of the job's call was read (zero: never), cost the calls a scrape
// makes for the job's first task.
type jobKey struct {
	read time.Time
	cost float64
	seq  int
}

type queuedJob struct {
	key jobKey
	run func(context.Context)
}

// jobQueue is a min-heap of queued jobs by key.
type jobQueue []queuedJob

func (q jobQueue) Len() int { return len(q) }
func (q jobQueue) Less(i, j int) bool {
	a, b := q[i].key, q[j].key
	if !a.read.Equal(b.read) {
		return a.read.Before(b.read)
	}
	if a.cost != b.cost {
		return a.cost < b.cost
	}
	return a.seq < b.seq
}
func (q jobQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *jobQueue) Push(x any)   { *q = append(*q, x.(queuedJob)) }
func (q *jobQueue) Pop() any {
	old := *q
	j := old[len(old)-1]
	old[len(old)-1] = queuedJob{} // the job's closure is garbage once run
	*q = old[:len(old)-1]
	return j
}

func newPool(ctx context.Context, limit int) *pool {
	return &pool{ctx: ctx, limit: limit}
}

// submit queues job with key (its seq is set here) and starts a worker
// when fewer than the limit run.
func (p *pool) submit(key jobKey, job func(context.Context)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	key.seq = p.seq
	p.seq++
	heap.Push(&p.queue, queuedJob{key: key, run: job})
	if p.running < p.limit {
		p.running++
		p.workers.Go(p.work)
	}
}

// work runs queued jobs, first things first, until none is queued.
func (p *pool) work() {
	for {
		p.mu.Lock()
		if p.queue.Len() == 0 {
			p.running--
			p.mu.Unlock()
			return
		}
		j := heap.Pop(&p.queue).(queuedJob)
		p.mu.Unlock()
		j.run(p.ctx)
	}
}

// wait returns when every submitted job has run; submit must not be called
// after it.
func (p *pool) wait() {
	p.workers.Wait()
}

// callKeys are the pool's keys of calls: a call's read is that of the
// least recently read of its tasks, its cost the calls its first task
// takes (a call shared by n tasks counts 1/n for each). A call for no task
// (a list a plan reads whatever its tasks) comes first.
func callKeys(calls []call, read []time.Time) []jobKey {
	cost := make([]float64, len(read))
	for _, c := range calls {
		for j := c.first; j < c.first+c.n; j++ {
			cost[j] += 1 / float64(c.n)
		}
	}
	keys := make([]jobKey, len(calls))
	for k, c := range calls {
		if c.n == 0 {
			continue
		}
		keys[k].read, keys[k].cost = read[c.first], cost[c.first]
		for j := c.first + 1; j < c.first+c.n; j++ {
			if read[j].Before(keys[k].read) {
				keys[k].read = read[j]
			}
		}
	}
	return keys
}

// answerSeries lists the series of tasks for the answer's writer: the
// accounts by name and each one's tasks by id (pollTasks sorts them), so
// that a family's series come in the order of the account and id labels
// already.
func answerSeries(tasks [][]polledTask) []*exposition.Series {
	tasks = slices.Clone(tasks)
	slices.SortStableFunc(tasks, func(a, b []polledTask) int {
		if len(a) == 0 || len(b) == 0 {
			return cmp.Compare(len(a), len(b))
		}
		return strings.Compare(a[0].w.account.name, b[0].w.account.name)
	})
	n := 0
	for _, group := range tasks {
		n += len(group)
	}
	series := make([]*exposition.Series, 0, n)
	for _, group := range tasks {
		for i := range group {
			series = append(series, &group[i].Series)
		}
	}
	return series
}

// taskMetrics sends the metrics a scrape built for its tasks.
type taskMetrics struct {
	e     *Exporter
	tasks [][]polledTask
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
	for _, group := range c.tasks {
		for i := range group {
			eachMetric(&group[i].Series, c.e.labels, func(g *gaugeMetric) { ch <- g })
		}
	}
}
