package collector

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/migration-exporter/migration_exporter/config"
)

// A task selected by its name keeps its labels while a poll gives no
// name (it is down), changes them when it is renamed, and is forgotten
// once not seen for taskStateTTL.
func TestTaskLabelsRememberTheName(t *testing.T) {
	tl := newTaskLabels([]config.TaskLabel{
		{Match: config.TaskMatch{Name: "web-*"}, Labels: map[string]string{"wave": "2"}},
		{Match: config.TaskMatch{Name: "db-*"}, Labels: map[string]string{"wave": "3", "app": "db"}},
	})
	now := time.Unix(1_800_000_000, 0)
	labels := func(name string) []config.TaskLabelPair {
		tl.mu.Lock()
		defer tl.mu.Unlock()
		return tl.task("sms", "t1", name, now).labels
	}
	if got := labels(""); got != nil {
		t.Errorf("never read: %v, want none", got)
	}
	want := []config.TaskLabelPair{{Name: "wave", Value: "2"}}
	if got := labels("web-01"); !reflect.DeepEqual(got, want) {
		t.Errorf("read as web-01: %v, want %v", got, want)
	}
	if got := labels(""); !reflect.DeepEqual(got, want) {
		t.Errorf("down after web-01: %v, want %v", got, want)
	}
	want = []config.TaskLabelPair{{Name: "app", Value: "db"}, {Name: "wave", Value: "3"}}
	if got := labels("db-01"); !reflect.DeepEqual(got, want) {
		t.Errorf("renamed db-01: %v, want %v", got, want)
	}
	d := tl.tasks[labelKey{"sms", "t1"}].desc
	if d == nil || d.String() != `Desc{fqName: "migration_task_labels", help: "`+taskLabelsHelp+`", unit: "", constLabels: {}, variableLabels: {account,api,task_id,app,wave}}` {
		t.Errorf("desc = %v", d)
	}

	tl.metrics(nil, New(Options{}), "a", "sms", nil, now.Add(taskStateTTL+time.Second))
	if len(tl.tasks) != 0 {
		t.Errorf("%d tasks kept after taskStateTTL", len(tl.tasks))
	}
}

// A reload that changes only task_labels keeps the account (its client,
// limiter and caches) and gives it the new labels; one that removes
// them leaves none.
func TestApplyConfigSwapsTaskLabels(t *testing.T) {
	cfg := func(labels string) *config.Config {
		t.Helper()
		c, err := config.Parse("test.yml", []byte(`accounts:
  - name: a
    region: cn-north-4
    project_id: p1
    credentials: {access_key: AK1, secret_key: SK1}
    dcs: {task_ids: [t1]}
`+labels))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	e := New(Options{Transport: cannedTransport{}})
	apply := func(labels string) (*account, *taskLabels) {
		t.Helper()
		if err := e.ApplyConfig(cfg(labels)); err != nil {
			t.Fatal(err)
		}
		a := (*e.accounts.Load())[0]
		return a, a.taskLabels.Load()
	}
	a0, tl0 := apply("")
	if tl0 != nil {
		t.Fatal("task labels without task_labels")
	}
	wave1 := "    task_labels:\n      - {match: {id: t1}, labels: {wave: \"1\"}}\n"
	a1, tl1 := apply(wave1)
	if a1 != a0 || tl1 == nil || tl1.labeler.Labels("dcs", "t1", "") == nil {
		t.Fatalf("adding task_labels: account kept %v, labels %v", a1 == a0, tl1)
	}
	if a2, tl2 := apply(wave1); a2 != a0 || tl2 != tl1 {
		t.Errorf("the same task_labels again: account kept %v, labels kept %v", a2 == a0, tl2 == tl1)
	}
	if a3, tl3 := apply(""); a3 != a0 || tl3 != nil {
		t.Errorf("removing task_labels: account kept %v, labels %v", a3 == a0, tl3)
	}
}

// BenchmarkTaskLabels10k is the cost per scrape of migration_task_labels
// for 10,000 labelled tasks: made and gathered through a registry, as
// /metrics does, after the first scrape matched them.
func BenchmarkTaskLabels10k(b *testing.B) {
	e := New(Options{})
	acc := &account{name: "prod"}
	acc.taskLabels.Store(newTaskLabels([]config.TaskLabel{
		{Match: config.TaskMatch{IDRegex: "task-[0-4].*"}, Labels: map[string]string{"wave": "1", "app": "shop"}},
		{Match: config.TaskMatch{ID: "task-*"}, Labels: map[string]string{"wave": "2"}},
	}))
	group := make([]polledTask, 10_000)
	for i := range group {
		group[i] = polledTask{w: &watched{svc: e.services[0], account: acc}, id: fmt.Sprintf("task-%05d", i)}
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(taskLabelMetrics{e, [][]polledTask{group}})
	b.ReportAllocs()
	for b.Loop() {
		mfs, err := reg.Gather()
		if err != nil || len(mfs) != 1 || len(mfs[0].Metric) != len(group) {
			b.Fatalf("%v, %d families", err, len(mfs))
		}
	}
}
