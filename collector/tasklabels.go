package collector

import (
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/migration-exporter/migration_exporter/config"
)

// The user labels of an account's task_labels are exposed once per task
// as migration_task_labels{account,api,task_id,<labels>} = 1 (the
// kube-state-metrics pattern), which rules join on (account, api,
// task_id). The label names vary with the config, so the series are
// const metrics of a collector that describes nothing (an unchecked
// collector may send one family with different label names), made per
// scrape from the tasks just polled.

const (
	taskLabelsName = "migration_task_labels"
	taskLabelsHelp = "User labels of a task from the config's task_labels (waves, applications); always 1."
)

// taskLabels is an account's task_labels, compiled, with what it has
// worked out for each task: the labels of the task's id and last known
// name, so that a scrape matches only a task that is new or renamed, and
// a task that is down now keeps the labels its name gave it.
type taskLabels struct {
	entries []config.TaskLabel // what labeler was compiled from
	labeler *config.TaskLabeler

	mu        sync.Mutex
	tasks     map[labelKey]*labelledTask
	descs     map[string]*prometheus.Desc // by the user label names, joined with ","
	lastPrune time.Time
}

// labelKey names a task of an account.
type labelKey struct{ api, id string }

// labelledTask is what taskLabels knows of one task.
type labelledTask struct {
	name   string // the last name read; "" when never read
	labels []config.TaskLabelPair
	desc   *prometheus.Desc // of labels' names; nil when there are none
	seen   time.Time
}

// newTaskLabels compiles an account's task_labels; nil for none. The
// config was validated, so they compile.
func newTaskLabels(entries []config.TaskLabel) *taskLabels {
	l, err := config.NewTaskLabeler(entries)
	if err != nil || l == nil {
		return nil
	}
	return &taskLabels{entries: entries, labeler: l, tasks: map[labelKey]*labelledTask{}, descs: map[string]*prometheus.Desc{}}
}

// sameButTaskLabels reports whether two settings of an account are
// deep-equal but for their task_labels.
func sameButTaskLabels(a, b *config.Account) bool {
	x, y := *a, *b
	x.TaskLabels, y.TaskLabels = nil, nil
	return reflect.DeepEqual(x, y)
}

// applyTaskLabels gives the account the task_labels entries, unless it
// has them already (keeping what it worked out for each task then).
func (a *account) applyTaskLabels(entries []config.TaskLabel) {
	var current []config.TaskLabel
	if tl := a.taskLabels.Load(); tl != nil {
		current = tl.entries
	}
	if len(current) == 0 && len(entries) == 0 || reflect.DeepEqual(current, entries) {
		return
	}
	a.taskLabels.Store(newTaskLabels(entries))
}

// taskLabelMetrics are the migration_task_labels series of the tasks of
// a scrape or probe.
type taskLabelMetrics struct {
	e     *Exporter
	tasks [][]polledTask
}

// Describe implements prometheus.Collector: it describes nothing, as the
// label names of its one family vary with the config.
func (taskLabelMetrics) Describe(chan<- *prometheus.Desc) {}

// Collect implements prometheus.Collector.
func (c taskLabelMetrics) Collect(ch chan<- prometheus.Metric) {
	now := time.Now()
	var out []prometheus.Metric
	for _, group := range c.tasks {
		if len(group) == 0 {
			continue
		}
		w := group[0].w
		tl := w.account.taskLabels.Load()
		// Task groups (OMS) are not tasks: their series have no task_id.
		if tl == nil || w.svc.module() != w.svc.api() {
			continue
		}
		out = tl.metrics(out, c.e, w.account.name, w.svc.api(), group, now)
	}
	for _, m := range out {
		ch <- m
	}
}

// metrics appends the series of the labelled tasks of group (one
// account's tasks of service api) to out.
func (tl *taskLabels) metrics(out []prometheus.Metric, e *Exporter, account, api string, group []polledTask, now time.Time) []prometheus.Metric {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	for i := range group {
		t := &group[i]
		lt := tl.task(api, t.id, e.polledName(t), now)
		if lt.desc == nil {
			continue
		}
		values := make([]string, 0, 3+len(lt.labels))
		values = append(values, account, api, t.id)
		for _, p := range lt.labels {
			values = append(values, p.Value)
		}
		out = append(out, prometheus.MustNewConstMetric(lt.desc, prometheus.GaugeValue, 1, values...))
	}
	if now.Sub(tl.lastPrune) >= taskStateTTL/10 {
		for k, lt := range tl.tasks {
			if now.Sub(lt.seen) > taskStateTTL {
				delete(tl.tasks, k)
			}
		}
		tl.lastPrune = now
	}
	return out
}

// task returns what tl knows of the task of api and id, read now under
// name ("" when this poll did not give one), matching it again when it
// is new or its name changed. tl.mu is held.
func (tl *taskLabels) task(api, id, name string, now time.Time) *labelledTask {
	k := labelKey{api, id}
	lt, known := tl.tasks[k]
	if !known || (name != "" && name != lt.name) {
		if lt == nil {
			lt = &labelledTask{}
			tl.tasks[k] = lt
		}
		if name != "" {
			lt.name = name
		}
		lt.labels = tl.labeler.Labels(api, id, lt.name)
		lt.desc = tl.desc(lt.labels)
	}
	lt.seen = now
	return lt
}

// desc returns the Desc of a label set's names (nil for none), made once
// per set of names. tl.mu is held.
func (tl *taskLabels) desc(labels []config.TaskLabelPair) *prometheus.Desc {
	if len(labels) == 0 {
		return nil
	}
	names := make([]string, len(labels))
	for i, p := range labels {
		names[i] = p.Name
	}
	key := strings.Join(names, ",")
	d, ok := tl.descs[key]
	if !ok {
		d = prometheus.NewDesc(taskLabelsName, taskLabelsHelp, append([]string{"account", "api", "task_id"}, names...), nil)
		tl.descs[key] = d
	}
	return d
}

// polledName is the task's name from its *_info series of this poll; ""
// when it has none (a task that is down has no series).
func (e *Exporter) polledName(t *polledTask) string {
	for i := range t.Samples {
		if strings.HasSuffix(e.labels[t.Samples[i].Desc].name, "_info") {
			if n := infoTaskName(t.Labels(i), t.w.svc.module()); n != "" {
				return n
			}
		}
	}
	return ""
}

// infoTaskName is a task's name from the labels of one of its *_info
// series: its task_name or job_name, or an OMS group's buckets; "" when
// it has none.
func infoTaskName(labels []*dto.LabelPair, module string) string {
	name := ""
	for _, l := range []string{"task_name", "job_name"} {
		if n := labelOf(labels, l); n != "" {
			name = n
		}
	}
	if name == "" && module == omsGroupModule {
		if src, dst := labelOf(labels, "source_bucket"), labelOf(labels, "target_bucket"); src != "" || dst != "" {
			name = src + " → " + dst
		}
	}
	return name
}
