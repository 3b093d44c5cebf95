package collector

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"

	"github.com/migration-exporter/migration_exporter/huaweicloud"
	"github.com/migration-exporter/migration_exporter/internal/runes"
)

// timeoutMargin is kept free before Prometheus' scrape timeout, for
// encoding and sending the answer.
const timeoutMargin = 500 * time.Millisecond

// ScrapeTimeout is how long a scrape may poll: Prometheus' timeout from the
// X-Prometheus-Scrape-Timeout-Seconds header less timeoutMargin (but at
// least half of it), or fallback when the header is absent or unusable
// (not a number, NaN, not positive, or over a day).
func ScrapeTimeout(h http.Header, fallback time.Duration) time.Duration {
	secs, err := strconv.ParseFloat(h.Get("X-Prometheus-Scrape-Timeout-Seconds"), 64)
	if err != nil || !(secs > 0 && secs <= 24*3600) { // also NaN
		return fallback
	}
	d := time.Duration(secs * float64(time.Second))
	return max(d-timeoutMargin, d/2)
}

// scrapeContext bounds a scrape by its deadline.
func (e *Exporter) scrapeContext(r *http.Request) (context.Context, context.CancelFunc) {
	return context.WithTimeout(r.Context(), ScrapeTimeout(r.Header, e.opts.ScrapeTimeout))
}

// MetricsHandler serves /metrics: one fresh poll of every task, bounded by
// the scrape's deadline, plus the long-lived collectors (the exporter's
// own counters, Go and process metrics).
func (e *Exporter) MetricsHandler(longLived ...prometheus.Collector) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		timeout := ScrapeTimeout(r.Header, e.opts.ScrapeTimeout)
		e.lastTimeout.Store(int64(timeout))
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		tasks, own := e.pollAll(ctx)
		e.lastScrape.Store(own.measured)
		e.checkBudgets(own.accounts, false)
		e.serve(w, r, tasks, append([]prometheus.Collector{own, taskLabelMetrics{e, tasks}}, longLived...))
	})
}

// ExporterMetricsHandler serves the exporter's own metrics: the
// long-lived collectors (API request and error counters, build info, Go
// and process metrics), the configured accounts and their API budgets,
// the last good discovery lists' counts (once there is one) and the last /metrics scrape's
// duration and calls per API, without polling any task or calling any
// API. It is the health job's path on probe-only,
// sharded replicas, whose tasks come from /probe: scraping /metrics there
// would poll every task on every replica, spend the accounts' rate limits
// and store each task's series once more under the health job.
func (e *Exporter) ExporterMetricsHandler(longLived ...prometheus.Collector) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		accounts := *e.accounts.Load()
		var discovered []discoveredCount
		for _, w := range active(accounts) {
			if w.discovery == nil {
				continue
			}
			if ids, listed := w.discovery.last(); listed {
				discovered = append(discovered, discoveredCount{account: w.account.name, api: w.svc.module(), count: len(ids)})
			}
		}
		own := scrapeMetrics{e: e, accounts: accounts, discovered: discovered, measured: e.lastScrape.Load()}
		e.serve(w, r, nil, append([]prometheus.Collector{own}, longLived...))
	})
}

// pollAll polls every configured and discovered task within ctx and
// returns what it read and the collector of the scrape's own gauges.
func (e *Exporter) pollAll(ctx context.Context) ([][]polledTask, scrapeMetrics) {
	start := time.Now()
	tally := new(huaweicloud.Tally)
	ctx = huaweicloud.WithTally(ctx, tally)
	accounts := *e.accounts.Load()
	ctx = withBudgets(ctx, accounts, start)
	ws := active(accounts)
	found := make([]int, len(ws))
	tasks := e.pollTasks(ctx, ws, func(ctx context.Context, k int) []string {
		ids, n := e.taskIDs(ctx, ws[k])
		found[k] = n
		return ids
	})
	var discovered []discoveredCount
	for k, w := range ws {
		if found[k] >= 0 {
			discovered = append(discovered, discoveredCount{account: w.account.name, api: w.svc.module(), count: found[k]})
		}
	}
	return tasks, scrapeMetrics{e: e, accounts: accounts, discovered: discovered,
		measured: &scrapeMeasures{calls: countCalls(ws, tally), elapsed: time.Since(start)}, stale: e.shortfall(ws, tasks)}
}

// ProbeHandler serves /probe?account=A&module=M&task_id=T, M being a
// service's api (dcs, sms): the metrics of that one task plus probe_success
// and probe_duration_seconds (the multi-target pattern). A missing (or
// empty) parameter is a 400 "missing parameter P". An unknown account
// or module, or a task id that is not one, is a 400 with a plain message;
// the task id is checked before it goes anywhere near a URL. With
// ProbeKnownTasksOnly a task that is neither configured nor discovered is a
// 400 too. Probes draw on the account's probe share of its API budget.
// With debug=true (blackbox_exporter's convention) the answer is a
// text/plain trace of the poll followed by those metrics (serveTrace).
func (e *Exporter) ProbeHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		for _, param := range []string{"account", "module", "task_id"} {
			if q.Get(param) == "" {
				http.Error(w, "missing parameter "+param, http.StatusBadRequest)
				return
			}
		}
		a, ok := e.account(q.Get("account"))
		if !ok {
			http.Error(w, fmt.Sprintf("unknown account %q", runes.Truncate(q.Get("account"), maxParamEcho)), http.StatusBadRequest)
			return
		}
		target, ok := a.watching(q.Get("module"))
		if !ok {
			http.Error(w, fmt.Sprintf("unknown module %q (want %s)", runes.Truncate(q.Get("module"), maxParamEcho), e.moduleNames()), http.StatusBadRequest)
			return
		}
		taskID := q.Get("task_id")
		if !taskIDRule(target.svc)(taskID) {
			http.Error(w, fmt.Sprintf("task_id %q is not a valid task id", runes.Truncate(taskID, maxParamEcho)), http.StatusBadRequest)
			return
		}
		ctx, cancel := e.scrapeContext(r)
		defer cancel()
		// The status board keeps the id: the exporter's own string of it if it
		// is configured (or discovered, when only known tasks may be probed),
		// else a copy; the query's would keep the whole request line alive.
		known := target.taskIDs
		if e.opts.ProbeKnownTasksOnly {
			known, _ = e.taskIDs(ctx, target)
		}
		i := slices.Index(known, taskID)
		if i < 0 && e.opts.ProbeKnownTasksOnly {
			http.Error(w, fmt.Sprintf("task_id %q is neither configured nor discovered for account %q and module %q (probes are restricted to known tasks)",
				taskID, a.name, target.svc.module()), http.StatusBadRequest)
			return
		}
		id := strings.Clone(taskID)
		if i >= 0 {
			id = known[i]
		}
		ctx = huaweicloud.WithShare(ctx, a.probeShare)
		var trace *huaweicloud.Trace
		if q.Get("debug") == "true" {
			trace = huaweicloud.NewTrace()
			ctx = huaweicloud.WithTrace(ctx, trace)
		}
		start := time.Now()
		ids := []string{id}
		tasks := e.pollTasks(ctx, []*watched{target}, func(context.Context, int) []string { return ids })
		own := probeMetrics{e: e, success: tasks[0][0].up, elapsed: time.Since(start)}
		if trace != nil {
			e.serveTrace(w, trace, fmt.Sprintf("account %q, module %q, task_id %q", a.name, target.svc.module(), taskID),
				[]prometheus.Collector{taskMetrics{e, tasks}, own, taskLabelMetrics{e, tasks}})
			return
		}
		e.serve(w, r, tasks, []prometheus.Collector{own, taskLabelMetrics{e, tasks}})
	})
}

// serveTrace answers a debug probe (/probe?…&debug=true, blackbox_exporter's
// convention): as text/plain, the trace of the poll (each API request, the
// fields decoded and their transforms, the task's error) and then the
// metrics the probe would have served, gathered from one registry (the
// path serve's answer is tested to be byte-identical to). Nothing in it is a header, a query, a body or a secret: see
// huaweicloud.Trace.
func (e *Exporter) serveTrace(w http.ResponseWriter, trace *huaweicloud.Trace, what string, collectors []prometheus.Collector) {
	var b strings.Builder
	fmt.Fprintf(&b, "Debug probe of %s\n", what)
	section := func(title, none string, lines []string) {
		fmt.Fprintf(&b, "\n%s:\n", title)
		if len(lines) == 0 {
			fmt.Fprintf(&b, "  (%s)\n", none)
		}
		for _, l := range lines {
			fmt.Fprintf(&b, "  %s\n", l)
		}
	}
	section("API requests", "none: the answers came from the min_interval cache or a concurrent scrape's call", trace.Lines(huaweicloud.TraceRequest))
	section("Decoded fields", "none", trace.Lines(huaweicloud.TraceField))
	section("Result", "no error", trace.Lines(huaweicloud.TraceResult))
	b.WriteString("\nMetrics:\n")
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors...)
	mfs, err := reg.Gather()
	if err != nil {
		fmt.Fprintf(&b, "# gathering: %s\n", err)
	}
	for _, mf := range mfs {
		if _, err := expfmt.MetricFamilyToText(&b, mf); err != nil {
			fmt.Fprintf(&b, "# %s: %s\n", mf.GetName(), err)
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = io.WriteString(w, b.String())
}

// serve answers r with the series of tasks and the metrics of collectors
// (a registry made for this request gathers those), in the format and
// compression the request asks for (exposition.Writer). The tasks were
// polled before: the request and error counters show this scrape's calls.
func (e *Exporter) serve(w http.ResponseWriter, r *http.Request, tasks [][]polledTask, collectors []prometheus.Collector) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors...)
	e.writer.Write(w, r, answerSeries(tasks), reg)
}

// maxParamEcho bounds a query parameter echoed in an error message.
const maxParamEcho = 64

// watching returns what the account watches of the service called module.
func (a *account) watching(module string) (*watched, bool) {
	for _, w := range a.watched {
		if w.svc.module() == module {
			return w, true
		}
	}
	return nil, false
}

// moduleNames lists the services' modules, e.g. "dcs or sms".
func (e *Exporter) moduleNames() string {
	names := make([]string, len(e.services))
	for i, svc := range e.services {
		names[i] = svc.module()
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// sdTarget is one entry of Prometheus' HTTP service discovery format.
type sdTarget struct {
	Targets []string          `json:"targets"`
	Labels  map[string]string `json:"labels"`
}

// SDHandler serves /sd: Prometheus HTTP service discovery of every
// configured and discovered task, each a target at the address the request
// came to, with `account`, `module` and `task_id` labels and the matching
// `__param_*` labels, so that `metrics_path: /probe` scrapes one task each.
func (e *Exporter) SDHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := e.scrapeContext(r)
		defer cancel()
		ws := active(*e.accounts.Load())
		idsOf := make([][]string, len(ws))
		var lists sync.WaitGroup
		for k, w := range ws {
			lists.Go(func() { idsOf[k], _ = e.taskIDs(ctx, w) })
		}
		lists.Wait()
		targets := []sdTarget{}
		for k, w := range ws {
			account, module := w.account.name, w.svc.module()
			for _, id := range idsOf[k] {
				targets = append(targets, sdTarget{Targets: []string{r.Host}, Labels: map[string]string{
					"account": account, "module": module, "task_id": id,
					"__param_account": account, "__param_module": module, "__param_task_id": id,
				}})
			}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(targets)
	})
}
