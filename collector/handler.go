package collector

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/migration-exporter/migration_exporter/config"
	"github.com/migration-exporter/migration_exporter/huaweicloud"
)

// TimeoutMargin is kept free before Prometheus' scrape timeout, for
// encoding and sending the answer.
const TimeoutMargin = 500 * time.Millisecond

// ScrapeTimeout is how long a scrape may poll: Prometheus' timeout from the
// X-Prometheus-Scrape-Timeout-Seconds header less TimeoutMargin (but at
// least half of it), or fallback when the header is absent or unusable.
func ScrapeTimeout(h http.Header, fallback time.Duration) time.Duration {
	secs, err := strconv.ParseFloat(h.Get("X-Prometheus-Scrape-Timeout-Seconds"), 64)
	if err != nil || secs <= 0 || secs > 24*3600 {
		return fallback
	}
	d := time.Duration(secs * float64(time.Second))
	return max(d-TimeoutMargin, d/2)
}

// MetricsHandler serves /metrics: one fresh poll of every task, bounded by
// the scrape's deadline, plus the long-lived collectors (the exporter's
// own counters, Go and process metrics).
func (e *Exporter) MetricsHandler(longLived []prometheus.Collector, fallbackTimeout time.Duration, logger log.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.serveScrape(w, r, &scrape{e: e, accounts: *e.accounts.Load()}, fallbackTimeout, logger, longLived...)
	})
}

// serveScrape polls s's tasks within the scrape's deadline, then serves
// them with the extra collectors. Polling comes before gathering, so the
// request and error counters show this scrape's requests, and one registry
// (one sort) serves all.
func (e *Exporter) serveScrape(w http.ResponseWriter, r *http.Request, s *scrape, fallbackTimeout time.Duration, logger log.Logger, extra ...prometheus.Collector) {
	ctx, cancel := context.WithTimeout(r.Context(), ScrapeTimeout(r.Header, fallbackTimeout))
	defer cancel()
	s.ctx = ctx
	s.poll()
	reg := prometheus.NewRegistry()
	reg.MustRegister(s)
	reg.MustRegister(extra...)
	promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		ErrorLog:      promLogger{logger},
		ErrorHandling: promhttp.ContinueOnError,
	}).ServeHTTP(w, r)
}

// promLogger adapts go-kit's logger to promhttp's.
type promLogger struct{ logger log.Logger }

func (l promLogger) Println(v ...interface{}) {
	level.Error(l.logger).Log("msg", "serving metrics", "err", v)
}

// ProbeHandler serves /probe?account=A&module=dcs|sms&task_id=T: the
// metrics of that one task plus probe_success and probe_duration_seconds
// (the multi-target pattern). An unknown account or module, or a task id
// that is not one, is a 400 with a plain message; the task id is checked
// before it goes anywhere near a URL.
func (e *Exporter) ProbeHandler(fallbackTimeout time.Duration, logger log.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		a, ok := e.account(q.Get("account"))
		if !ok {
			http.Error(w, fmt.Sprintf("unknown account %q", truncateParam(q.Get("account"))), http.StatusBadRequest)
			return
		}
		module := q.Get("module")
		if module != huaweicloud.APIDCS && module != huaweicloud.APISMS {
			http.Error(w, fmt.Sprintf("unknown module %q (want dcs or sms)", truncateParam(module)), http.StatusBadRequest)
			return
		}
		taskID := q.Get("task_id")
		if !config.ValidTaskID(taskID) {
			http.Error(w, fmt.Sprintf("task_id %q is not a valid task id", truncateParam(taskID)), http.StatusBadRequest)
			return
		}
		e.serveScrape(w, r, &scrape{e: e, accounts: []*account{a}, probe: &probeTarget{module: module, taskID: taskID}}, fallbackTimeout, logger)
	})
}

// truncateParam bounds a query parameter echoed in an error message.
func truncateParam(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
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
func (e *Exporter) SDHandler(fallbackTimeout time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), ScrapeTimeout(r.Header, fallbackTimeout))
		defer cancel()
		targets := []sdTarget{}
		for _, s := range e.taskSets(ctx, *e.accounts.Load(), &polled{}) {
			for _, m := range []struct {
				module string
				ids    []string
			}{{huaweicloud.APIDCS, s.dcs}, {huaweicloud.APISMS, s.sms}} {
				for _, id := range m.ids {
					targets = append(targets, sdTarget{Targets: []string{r.Host}, Labels: map[string]string{
						"account": s.a.name, "module": m.module, "task_id": id,
						"__param_account": s.a.name, "__param_module": m.module, "__param_task_id": id,
					}})
				}
			}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(targets)
	})
}
